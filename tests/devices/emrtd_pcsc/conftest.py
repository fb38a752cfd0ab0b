"""Fixtures: one private pcscd + vpcd per test session, and test passports."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from devices.idcard.emrtd import lds
from emrtd_pcsc import lds_builder
from emrtd_pcsc.chip_emulator import VirtualPassport
from emrtd_pcsc.pcscd import PcscdUnavailable, PrivatePcscd, start_pcscd


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivatePcscd]:
    """pcscd stays up for the whole session: PC/SC client state does not survive its death."""
    try:
        daemon = start_pcscd(tmp_path_factory.mktemp("pcscd"))
    except PcscdUnavailable as exc:
        pytest.skip(f"no private pcscd: {exc}")
    # The client library reads this once, at its first context: set it before any use.
    os.environ["PCSCLITE_CSOCK_NAME"] = str(daemon.socket_path)
    yield daemon
    daemon.stop()


@pytest.fixture(scope="session")
def face() -> tuple[bytes, int, int]:
    return lds_builder.face_jpeg(20_000)


@pytest.fixture
def specimen_files(face: tuple[bytes, int, int]) -> dict[int, bytes]:
    jpeg, width, height = face
    return {
        lds.FID_COM: lds_builder.ef_com(),
        lds.FID_DG1: lds_builder.dg1(),
        lds.FID_DG2: lds_builder.dg2(jpeg, width, height),
    }


@pytest.fixture
def make_passport(
    pcscd: PrivatePcscd, specimen_files: dict[int, bytes]
) -> Iterator[type[VirtualPassport]]:
    """Factory for chips; every chip made is taken off the reader after the test."""
    made: list[VirtualPassport] = []

    def build(**kwargs: object) -> VirtualPassport:
        files = kwargs.pop("files", specimen_files)
        access = kwargs.pop("access", lds_builder.SPECIMEN_ACCESS)
        chip = VirtualPassport(files, access, **kwargs)  # type: ignore[arg-type]
        made.append(chip)
        return chip

    yield build  # type: ignore[misc]
    for chip in made:
        chip.remove()
    # vpcd notices a removal on its next poll; the next test must find the reader empty.
    wait_until_empty(pcscd.reader)


def wait_until_empty(reader: str, timeout: float = 5.0) -> None:
    from smartcard import scard

    rc, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert rc == scard.SCARD_S_SUCCESS
    try:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            rc, states = scard.SCardGetStatusChange(ctx, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
            if rc == scard.SCARD_S_SUCCESS and not states[0][1] & scard.SCARD_STATE_PRESENT:
                return
            time.sleep(0.05)
        raise AssertionError(f"{reader} still shows a card {timeout} s after removal")
    finally:
        scard.SCardReleaseContext(ctx)
