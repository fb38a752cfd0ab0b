"""The technician's PIN gate and device self-tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from devices.base import DeviceKind
from devices.form_printer.sim import SimFormPrinter
from devices.idcard.sim import SimIdCardReader
from devices.ticket_printer.protocol import PrinterFault
from devices.ticket_printer.sim import SimTicketPrinter
from kiosk.config import KioskConfig
from kiosk.technician.pin import PinFormatError, PinGate, PinResult, check_pin, hash_pin
from kiosk.technician.self_test import run_self_test
from kiosk.terminal import build_terminal


def test_pin_hash_round_trip_and_refusals() -> None:
    stored = hash_pin("2468", iterations=1000)
    assert check_pin("2468", stored)
    assert not check_pin("2469", stored)
    with pytest.raises(ValueError):
        hash_pin("12ab")
    with pytest.raises(PinFormatError):
        check_pin("2468", "plain-text-pin")


def test_three_wrong_pins_lock_the_pad_for_a_minute() -> None:
    gate = PinGate(hash_pin("2468", iterations=1000), max_tries=3, lockout_s=60)
    assert gate.try_pin("1111", 0) is PinResult.WRONG
    assert gate.try_pin("1112", 1) is PinResult.WRONG
    assert gate.try_pin("1113", 2) is PinResult.LOCKED
    assert gate.try_pin("2468", 30) is PinResult.LOCKED  # even the right one, while locked
    assert gate.locked_for(30) == pytest.approx(32)
    assert gate.try_pin("2468", 63) is PinResult.OK


def test_self_tests_exercise_each_device(config: KioskConfig, tmp_path: Path) -> None:
    terminal = build_terminal(config)
    terminal.start()
    try:
        ticket = run_self_test(terminal, DeviceKind.TICKET_PRINTER)
        assert ticket.ok, ticket.message
        printer = terminal.ticket_printer
        assert isinstance(printer, SimTicketPrinter)
        assert [t.number for t in printer.printed] == ["TEST"]

        form = run_self_test(terminal, DeviceKind.FORM_PRINTER)
        assert form.ok, form.message
        a4 = terminal.form_printer
        assert isinstance(a4, SimFormPrinter)
        pdf = tmp_path / "test.pdf"
        pdf.write_bytes(a4.jobs[0][1])
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
        assert "Hall kiosk A4 printer test" in text.stdout

        no_card = run_self_test(terminal, DeviceKind.ID_CARD)
        assert not no_card.ok and "no card" in no_card.message
        reader = terminal.id_card
        assert isinstance(reader, SimIdCardReader)
        reader.insert()
        card = run_self_test(terminal, DeviceKind.ID_CARD)
        assert card.ok and card.message == "card read: resident_id number valid"

        camera = run_self_test(terminal, DeviceKind.CAMERA)
        assert camera.ok and camera.message.startswith("frame 1280x720")

        printer.inject(PrinterFault.COVER_OPEN)
        broken = run_self_test(terminal, DeviceKind.TICKET_PRINTER)
        assert not broken.ok and "cover_open" in broken.message
    finally:
        terminal.close()
