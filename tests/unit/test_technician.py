"""The technician's PIN gate and device self-tests."""

from __future__ import annotations

import io
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from devices.base import DeviceKind
from devices.form_printer.sim import SimFormPrinter
from devices.idcard.sim import SimIdCardReader
from devices.ticket_printer.protocol import PrinterFault
from devices.ticket_printer.sim import SimTicketPrinter
from kiosk.cli import main
from kiosk.config import KioskConfig, load_config
from kiosk.technician.pin import (
    PinFormatError,
    PinGate,
    PinResult,
    WeakPinError,
    _hash,
    check_pin,
    hash_pin,
    pin_problem,
)
from kiosk.technician.self_test import run_self_test
from kiosk.terminal import build_terminal
from tests.support import ManualClock

PIN = "730146"


def test_pin_hash_round_trip_and_refusals() -> None:
    stored = hash_pin(PIN, iterations=1000)
    assert check_pin(PIN, stored)
    assert not check_pin("730147", stored)
    for weak, why in [
        ("12ab56", "digits only"),
        ("2468", "6 to 12 digits"),  # the once-published PIN, and too short anyway
        ("13579", "6 to 12 digits"),
        ("777777", "repeated digit"),
        ("123456", "run of digits"),
        ("987654", "run of digits"),
        ("８９０１２３", "digits only"),  # full-width digits are not what the pad sends
    ]:
        with pytest.raises(WeakPinError, match=why):
            hash_pin(weak)
    with pytest.raises(PinFormatError):
        check_pin(PIN, "plain-text-pin")


def test_the_published_pin_is_found_by_checking_it_not_by_comparing_hashes() -> None:
    """Audit S7: hashing 2468 again (a new salt) silenced the old string comparison."""
    assert "no technician PIN" in (pin_problem("") or "")
    for salt in (b"\x00" * 8, b"fresh-sa"):
        rehashed = _hash("2468", 1000, salt)
        assert "published 2468" in (pin_problem(rehashed) or "")
        gate = PinGate(rehashed)
        assert gate.try_pin("2468", 0) is PinResult.UNSET  # even the right one
    assert pin_problem(hash_pin(PIN, iterations=1000)) is None


def test_a_short_pin_set_before_the_rule_is_refused_even_when_right() -> None:
    gate = PinGate(_hash("5193", 1000, b"legacy-s"))
    assert gate.try_pin("5193", 0) is PinResult.TOO_SHORT
    assert gate.try_pin("5192", 1) is PinResult.WRONG


def test_lockout_survives_a_restart_and_grows(tmp_path: Path) -> None:
    state = tmp_path / "data" / "technician-pin.lock.json"
    state.parent.mkdir()
    clock = ManualClock(1_000_000.0)
    stored = hash_pin(PIN, iterations=1000)

    def gate() -> PinGate:  # a fresh kiosk process each time
        return PinGate(stored, max_tries=3, lockout_s=60, state_file=state, clock=clock)

    g = gate()
    assert g.try_pin("111111") is PinResult.WRONG
    assert gate().try_pin("111112") is PinResult.WRONG  # the count survives a restart
    assert gate().try_pin("111113") is PinResult.LOCKED
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    clock.advance(30)
    assert gate().try_pin(PIN) is PinResult.LOCKED  # even the right one, while locked
    assert gate().locked_for() == pytest.approx(30)
    clock.advance(31)
    for n in range(3):
        assert gate().try_pin(f"22222{n}") is (PinResult.LOCKED if n == 2 else PinResult.WRONG)
    assert gate().locked_for() == pytest.approx(120)  # the second lockout is twice as long
    clock.advance(121)
    for n in range(3):
        gate().try_pin(f"33333{n}")
    assert gate().locked_for() == pytest.approx(240)
    clock.t -= 10**6  # the wall clock jumps back: never locked longer than the lockout
    assert gate().locked_for() == pytest.approx(240)
    clock.t += 10**6 + 241
    assert gate().try_pin(PIN) is PinResult.OK
    assert gate().try_pin("444444") is PinResult.WRONG  # a clean slate after the right PIN
    assert gate().locked_for() == 0


def test_an_unreadable_lockout_file_locks_rather_than_forgets(tmp_path: Path) -> None:
    state = tmp_path / "lock.json"
    state.write_text("{not json", encoding="utf-8")
    gate = PinGate(hash_pin(PIN, iterations=1000), lockout_s=60, state_file=state)
    assert gate.try_pin(PIN) is PinResult.LOCKED
    assert 0 < gate.locked_for() <= 60


def test_diagnostics_refuse_until_a_pin_is_set(config: KioskConfig) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from kiosk.flows.diagnostics import DiagnosticsJourney, diagnostics_entry
    from kiosk.flows.journey import JourneyContext
    from kiosk.session import Session

    terminal = build_terminal(config)  # the defaults: no PIN ships
    try:
        with ThreadPoolExecutor(1) as pool:
            ctx = JourneyContext(config, Session(), pool)
            journey = diagnostics_entry(terminal).start(ctx, 0.0)
            assert isinstance(journey, DiagnosticsJourney)
            assert journey.pin_message == "unset"
            assert journey.enter_pin("2468", 0.0) is PinResult.UNSET
            assert journey.screen == "tech_pin"
    finally:
        terminal.close()


def test_set_pin_writes_the_terminal_file_and_keeps_its_comments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'# hall 3, east wing\n[terminal]\ndata_dir = "{data}"  # local disk\n\n'
        "[technician]\nmax_tries = 5 # site rule\n",
        encoding="utf-8",
    )
    config.chmod(0o640)
    data.mkdir()
    (data / "technician-pin.lock.json").write_text(
        '{"wrong": 0, "lockouts": 4, "locked_until": 1e12}', encoding="utf-8"
    )

    def set_pin(pin: str) -> tuple[int, str]:
        """``echo PIN | kiosk technician set-pin --stdin --config F``, in this process."""
        monkeypatch.setattr(sys, "stdin", io.StringIO(pin + "\n"))
        rc = main(["technician", "set-pin", "--stdin", "--config", str(config)])
        return rc, capsys.readouterr().err

    rc, err = set_pin("123456")
    assert rc == 1 and err.strip() == (
        "kiosk: PIN refused: a run of digits (123456, 987654) is guessed first"
    )
    rc, err = set_pin(PIN)
    assert rc == 0, err
    text = config.read_text(encoding="utf-8")
    assert "# hall 3, east wing" in text and "max_tries = 5 # site rule" in text
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    stored = load_config(config).technician.pin_hash
    assert check_pin(PIN, stored) and pin_problem(stored) is None
    assert not (data / "technician-pin.lock.json").exists()  # a new PIN, a clean slate
    assert set_pin("902817")[0] == 0  # replaced in place, not added twice
    assert config.read_text(encoding="utf-8").count("pin_hash") == 1
    assert check_pin("902817", load_config(config).technician.pin_hash)


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
