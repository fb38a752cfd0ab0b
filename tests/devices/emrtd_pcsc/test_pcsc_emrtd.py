"""Reading a test passport through a real pcscd, the vpcd virtual reader and pyscard."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.base import DeviceKind
from devices.health import DeviceEvent, EventKind, HealthState
from devices.idcard.emrtd import lds
from devices.idcard.pcsc import PcscIdCardReader, extended_length_in_atr
from devices.idcard.protocol import CardReadError, DocumentAccess
from devices.registry import open_device
from devices.uri import DeviceUri, DeviceUriError
from emrtd_pcsc import lds_builder
from emrtd_pcsc.chip_emulator import VirtualPassport, atr
from emrtd_pcsc.pcscd import PrivatePcscd, restart

pytestmark = [pytest.mark.daemon, pytest.mark.xdist_group("pcsc")]

ACCESS = DocumentAccess(*lds_builder.SPECIMEN_ACCESS)
Make = Callable[..., VirtualPassport]


@pytest.fixture
def reader(pcscd: PrivatePcscd) -> Iterator[PcscIdCardReader]:
    drv = PcscIdCardReader(DeviceUri.parse("pcsc://"))
    yield drv
    drv.close()


def _wait(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_reads_the_specimen_passport_with_its_face(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd, face: tuple[bytes, int, int]
) -> None:
    chip = make_passport()
    chip.insert(pcscd.port)
    doc = reader.read(timeout_s=15, access=ACCESS)
    assert doc.to_json() == {
        "card_type": "emrtd",
        "name": "ERIKSSON ANNA MARIA",
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "sex": "F",
        "birth_date": "1974-08-12",
        "id_number": "ZE184226B",
        "id_number_valid": True,
        "document_number": "L898902C3",
        "nationality": "UTO",
        "issuer": "UTO",
        "valid_to": "2012-04-15",
        "photo_format": "jpeg",
        "check_digits_valid": True,
    }
    assert doc.photo == face[0]
    assert 15_000 < len(doc.photo) <= 20_000
    # Extended length: the 20 KB face comes in a handful of READ BINARYs.
    assert reader.last_stats["extended"] == 1
    assert reader.last_stats["apdus"] == chip.log.apdus <= 15


def test_short_apdus_when_the_card_does_not_announce_extended_length(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd, face: tuple[bytes, int, int]
) -> None:
    chip = make_passport(extended=False)
    chip.insert(pcscd.port)
    doc = reader.read(timeout_s=10, access=ACCESS)
    assert doc.photo == face[0]
    assert chip.log.extended_apdus == 0
    assert reader.last_stats["chunk"] == 0xE0
    assert reader.last_stats["apdus"] > 90  # 20 KB in 224-byte pieces


def test_falls_back_to_short_reads_when_extended_length_is_refused(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd, face: tuple[bytes, int, int]
) -> None:
    chip = make_passport(extended=True, accept_extended=False)
    chip.insert(pcscd.port)
    doc = reader.read(timeout_s=10, access=ACCESS)
    assert doc.photo == face[0]
    assert 0x6700 in chip.log.sent_sw
    assert reader.last_stats["extended"] == 0


def test_wrong_mrz_is_refused_by_the_chip(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd
) -> None:
    chip = make_passport()
    chip.insert(pcscd.port)
    with pytest.raises(CardReadError, match="BAC refused"):
        reader.read(timeout_s=5, access=DocumentAccess("L898902C3", "740812", "120416"))
    assert chip.log.sent_sw[-1] == 0x6300
    assert reader.health().counters["bac_refused"] == 1


def test_bad_mrz_input_is_named_before_any_apdu(reader: PcscIdCardReader) -> None:
    with pytest.raises(CardReadError, match="expiry date"):
        reader.read(timeout_s=1, access=DocumentAccess("L898902C3", "740812", "12-04-15"))
    with pytest.raises(CardReadError, match="--mrz"):
        reader.read(timeout_s=1)


def test_chip_refuses_reads_before_bac(make_passport: Make, pcscd: PrivatePcscd) -> None:
    from smartcard import scard

    chip = make_passport()
    chip.insert(pcscd.port)
    rc, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert rc == scard.SCARD_S_SUCCESS
    try:
        assert _wait(lambda: _card_present(ctx, pcscd.reader))
        rc, card, proto = scard.SCardConnect(
            ctx, pcscd.reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T1
        )
        assert rc == scard.SCARD_S_SUCCESS
        sws = []
        for apdu in ("00A4040C07A0000002471001", "00A4020C02011E", "00B0000004"):
            rc, resp = scard.SCardTransmit(card, proto, list(bytes.fromhex(apdu)))
            sws.append(bytes(resp[-2:]).hex())
        scard.SCardDisconnect(card, scard.SCARD_RESET_CARD)
    finally:
        scard.SCardReleaseContext(ctx)
    assert sws == ["9000", "9000", "6982"]


def _wait_present(reader: str) -> None:
    from smartcard import scard

    rc, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert rc == scard.SCARD_S_SUCCESS
    try:
        assert _wait(lambda: _card_present(ctx, reader))
    finally:
        scard.SCardReleaseContext(ctx)


def _wait_empty(reader: str) -> None:
    from smartcard import scard

    rc, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert rc == scard.SCARD_S_SUCCESS
    try:
        assert _wait(lambda: not _card_present(ctx, reader), timeout=30)
    finally:
        scard.SCardReleaseContext(ctx)


def _card_present(ctx: object, reader: str) -> bool:
    from smartcard import scard

    rc, states = scard.SCardGetStatusChange(ctx, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
    return rc == scard.SCARD_S_SUCCESS and bool(states[0][1] & scard.SCARD_STATE_PRESENT)


def test_card_removed_mid_read(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd
) -> None:
    chip = make_passport(remove_after_apdus=8)  # gone while DG2 is read
    chip.insert(pcscd.port)
    with pytest.raises(CardReadError, match="removed"):
        reader.read(timeout_s=15, access=ACCESS)


def test_no_card_times_out_with_a_clear_reason(reader: PcscIdCardReader) -> None:
    started = time.monotonic()
    with pytest.raises(CardReadError, match="no card on the reader"):
        reader.read(timeout_s=0.5, access=ACCESS)
    assert time.monotonic() - started < 3


def test_a_card_placed_during_the_wait_is_read(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd
) -> None:
    # The wait starts on an empty reader. Under load, vpcd can still hold the previous
    # test's card for seconds (its reset on disconnect waits on a gone emulator), and a
    # card placed meanwhile is not seen: that is the harness, not the wait under test.
    _wait_empty(pcscd.reader)
    chip = make_passport()
    threading.Timer(0.3, chip.insert, args=(pcscd.port,)).start()
    doc = reader.read(timeout_s=15, access=ACCESS)
    assert doc.surname == "ERIKSSON"


def test_named_reader_and_missing_reader(make_passport: Make, pcscd: PrivatePcscd) -> None:
    chip = make_passport()
    chip.insert(pcscd.port)
    named = PcscIdCardReader(DeviceUri.parse("pcsc://Virtual%20PCD%2000%2000"))
    assert named.read(timeout_s=15, access=ACCESS).document_number == "L898902C3"
    by_prefix = PcscIdCardReader(DeviceUri.parse("pcsc://virtual pcd 00 00"))
    assert by_prefix.read(timeout_s=15, access=ACCESS).sex == "F"
    other = PcscIdCardReader(DeviceUri.parse("pcsc://Virtual PCD 00 01"))
    with pytest.raises(CardReadError, match="no card"):
        other.read(timeout_s=0.3, access=ACCESS)
    missing = PcscIdCardReader(DeviceUri.parse("pcsc://ACME Reader"))
    with pytest.raises(CardReadError, match="reader not connected"):
        missing.read(timeout_s=0.3, access=ACCESS)


def test_open_device_builds_the_pcsc_driver(make_passport: Make, pcscd: PrivatePcscd) -> None:
    drv = open_device(DeviceKind.ID_CARD, "pcsc://")
    assert isinstance(drv, PcscIdCardReader)
    chip = make_passport()
    chip.insert(pcscd.port)
    assert drv.read(5.0, ACCESS).photo_format == "jpeg"  # type: ignore[attr-defined]
    with pytest.raises(DeviceUriError):
        open_device(DeviceKind.ID_CARD, "pcsc://?extended=maybe")


def test_insert_and_remove_events_from_status_changes(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd
) -> None:
    events: list[DeviceEvent] = []
    reader.start(events.append)
    assert _wait(lambda: reader.health().state is HealthState.OK)
    chip = make_passport()
    chip.insert(pcscd.port)
    assert _wait(lambda: EventKind.CARD_INSERTED in [e.kind for e in events])
    chip.remove()
    assert _wait(lambda: EventKind.CARD_REMOVED in [e.kind for e in events])
    kinds = [e.kind for e in events if e.kind in (EventKind.CARD_INSERTED, EventKind.CARD_REMOVED)]
    assert kinds == [EventKind.CARD_INSERTED, EventKind.CARD_REMOVED]
    assert reader.health().counters["cards_inserted"] == 1
    assert all(e.detail == "" or "reader" in e.detail for e in events)


def test_atr_card_capabilities() -> None:
    assert extended_length_in_atr(atr(True))
    assert not extended_length_in_atr(atr(False))
    assert not extended_length_in_atr(bytes.fromhex("3B8F8001804F0CA000000306030001000000006A"))
    assert not extended_length_in_atr(b"\x3b")


def test_health_probe_without_the_watcher(pcscd: PrivatePcscd) -> None:
    assert PcscIdCardReader(DeviceUri.parse("pcsc://")).health().state is HealthState.OK
    missing = PcscIdCardReader(DeviceUri.parse("pcsc://ACME Reader")).health()
    assert (missing.state, missing.reason) == (HealthState.DEGRADED, "reader not connected")


def test_doctor_shows_a_fault_when_pcscd_is_not_there(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[terminal]\ndata_dir = "{tmp_path}"\n[devices]\nid_card = "pcsc://"\n')
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd.comm")}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor", "--config", str(config), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 1
    row = next(r for r in json.loads(done.stdout)["devices"] if r["device"] == "id_card")
    assert row["state"] == "fault"
    assert "PC/SC service unavailable" in row["reason"]


def test_uri_options_cap_the_response_size(make_passport: Make, pcscd: PrivatePcscd) -> None:
    make_passport().insert(pcscd.port)
    capped = PcscIdCardReader(DeviceUri.parse("pcsc://?max_response=1024"))
    capped.read(timeout_s=15, access=ACCESS)
    assert capped.last_stats["chunk"] == 992  # 1024 minus secure messaging overhead
    short = PcscIdCardReader(DeviceUri.parse("pcsc://?extended=no"))
    short.read(timeout_s=15, access=ACCESS)
    assert (short.last_stats["extended"], short.last_stats["chunk"]) == (0, 0xE0)


def test_extended_yes_tries_extended_on_a_silent_card(
    make_passport: Make, pcscd: PrivatePcscd
) -> None:
    chip = make_passport(extended=False)  # the ATR does not announce extended length
    chip.insert(pcscd.port)
    forced = PcscIdCardReader(DeviceUri.parse("pcsc://?extended=yes"))
    forced.read(timeout_s=15, access=ACCESS)
    assert forced.last_stats["extended"] == 1
    assert chip.log.extended_apdus > 0


def test_slow_chip_times_out_with_one_clear_reason(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd
) -> None:
    make_passport(delay_s=0.1).insert(pcscd.port)
    _wait_present(pcscd.reader)  # the deadline must run out mid-read, not while waiting
    with pytest.raises(CardReadError, match="timed out reading the chip"):
        reader.read(timeout_s=0.8, access=ACCESS)
    assert reader.health().counters["timeouts"] == 1


def test_no_personal_data_in_logs_events_or_reprs(
    reader: PcscIdCardReader,
    make_passport: Make,
    pcscd: PrivatePcscd,
    caplog: pytest.LogCaptureFixture,
) -> None:
    events: list[DeviceEvent] = []
    reader.start(events.append)
    caplog.set_level(logging.DEBUG)
    make_passport().insert(pcscd.port)
    doc = reader.read(timeout_s=15, access=ACCESS)
    with pytest.raises(CardReadError) as refused:
        reader.read(timeout_s=5, access=DocumentAccess("L898902C3", "740812", "120416"))
    seen = " ".join(
        [caplog.text, repr(doc), repr(ACCESS), str(refused.value), repr(reader.health())]
        + [repr(e) for e in events]
    )
    for secret in ("ERIKSSON", "ANNA", "L898902C", "740812", "1974-08-12", "ZE184226B"):
        assert secret not in seen


@pytest.mark.parametrize("extended", [True, False])
def test_portrait_beyond_32_kb_is_read_with_odd_ins(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd, extended: bool
) -> None:
    jpeg, width, height = lds_builder.face_jpeg(60_000, height=800)
    assert len(jpeg) > 40_000
    files = {
        lds.FID_COM: lds_builder.ef_com(),
        lds.FID_DG1: lds_builder.dg1(),
        lds.FID_DG2: lds_builder.dg2(jpeg, width, height),
    }
    chip = make_passport(files=files, extended=extended)
    chip.insert(pcscd.port)
    doc = reader.read(timeout_s=20, access=ACCESS)
    assert doc.photo == jpeg
    assert 0xB1 in chip.log.instructions


def test_watcher_survives_a_pcscd_restart(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd
) -> None:
    """Runs last in this module: it restarts the session's pcscd on the same socket."""
    events: list[DeviceEvent] = []
    reader.start(events.append)
    assert _wait(lambda: reader.health().state is HealthState.OK)
    fresh = restart(pcscd)
    pcscd.process = fresh.process  # the session fixture stops whatever runs at the end
    assert _wait(lambda: EventKind.OFFLINE in [e.kind for e in events])
    assert _wait(lambda: reader.health().state is HealthState.OK)
    assert EventKind.RECOVERED in [e.kind for e in events]
    make_passport().insert(pcscd.port)
    assert _wait(lambda: EventKind.CARD_INSERTED in [e.kind for e in events])
    assert reader.read(timeout_s=15, access=ACCESS).surname == "ERIKSSON"
