"""A chip that keeps answering 61xx ("more data: GET RESPONSE") must not hang the read or
fill memory: the GET RESPONSE loop keeps the read's deadline and a size cap (audit S21)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from devices.idcard.pcsc import MAX_RESPONSE_BYTES, PcscIdCardReader
from devices.idcard.protocol import CardReadError, DocumentAccess
from devices.uri import DeviceUri
from emrtd_pcsc import lds_builder
from emrtd_pcsc.chip_emulator import VirtualPassport
from emrtd_pcsc.pcscd import PrivatePcscd

pytestmark = [pytest.mark.daemon, pytest.mark.xdist_group("pcsc")]

ACCESS = DocumentAccess(*lds_builder.SPECIMEN_ACCESS)
Make = Callable[..., VirtualPassport]


@pytest.fixture
def reader(pcscd: PrivatePcscd) -> Iterator[PcscIdCardReader]:
    drv = PcscIdCardReader(DeviceUri.parse("pcsc://"))
    yield drv
    drv.close()


def test_more_data_forever_ends_at_the_reads_deadline(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd
) -> None:
    chip = make_passport(more_forever=1, delay_s=0.002)  # 1 byte and "61 01", forever
    chip.insert(pcscd.port)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            reader.read(timeout_s=1.0, access=ACCESS)
        except BaseException as exc:  # the assertion below shows it
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(60)  # without the deadline in the loop this never ends
    assert not worker.is_alive(), "the read did not end: no deadline in GET RESPONSE"
    [error] = outcome
    assert isinstance(error, CardReadError) and "timed out reading the chip" in str(error)
    assert reader.health().counters["timeouts"] == 1
    assert chip.log.apdus > 10  # it really was answering "more", not silent


def test_more_data_than_any_answer_holds_is_cut_off(
    reader: PcscIdCardReader, make_passport: Make, pcscd: PrivatePcscd
) -> None:
    chip = make_passport(more_forever=0xFF)  # 255 bytes and "61 FF", forever, fast
    chip.insert(pcscd.port)
    with pytest.raises(CardReadError, match=f"more than {MAX_RESPONSE_BYTES} bytes"):
        reader.read(timeout_s=60.0, access=ACCESS)
    assert chip.log.apdus <= MAX_RESPONSE_BYTES // 255 + 2


def test_the_command_keeps_its_timeout_against_such_a_card(
    make_passport: Make, pcscd: PrivatePcscd
) -> None:
    make_passport(more_forever=1, delay_s=0.002).insert(pcscd.port)
    # A command that hung would end in TimeoutExpired: a failure.
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "idcard", "read", "--device", "pcsc://",
         "--mrz", "L898902C3,740812,120415", "--timeout", "1"],
        capture_output=True, text=True, timeout=120, env=pcscd.env(),
    )  # fmt: skip
    assert done.returncode != 0
    assert "timed out reading the chip" in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
