"""The top-level flow: session, menu, the ticket journey, faults and the idle timeout."""

from __future__ import annotations

import time
from pathlib import Path

from devices.idcard.sim import sample_card
from devices.ticket_printer.protocol import PrinterFault
from devices.ticket_printer.sim import SimTicketPrinter
from kiosk.config import KioskConfig
from kiosk.flows.kiosk import KioskController, Screen
from kiosk.flows.ticket import TicketJourney, TicketResult
from kiosk.journeys import available_journeys
from kiosk.session import EndReason
from kiosk.terminal import Terminal, build_terminal
from tests.support import ManualClock, make_config


def controller_for(config: KioskConfig, clock: ManualClock) -> tuple[KioskController, Terminal]:
    terminal = build_terminal(config)
    return KioskController(config, available_journeys(terminal), clock()), terminal


def choose(c: KioskController, code: str, clock: ManualClock) -> None:
    journey = c.journey_as(TicketJourney)
    assert journey is not None
    journey.choose(code, clock())
    c.acted(clock())


def result(c: KioskController) -> TicketResult:
    journey = c.journey_as(TicketJourney)
    assert journey is not None and journey.result is not None
    return journey.result


def wait_for_result(c: KioskController, clock: ManualClock) -> None:
    deadline = time.monotonic() + 5
    while c.screen == "ticket_printing" and time.monotonic() < deadline:
        c.tick(clock())
        time.sleep(0.01)


def test_ticket_journey_prints_and_returns_to_start(
    config: KioskConfig, clock: ManualClock
) -> None:
    c, terminal = controller_for(config, clock)
    assert c.screen is Screen.ATTRACT
    c.start(clock())
    assert c.screen is Screen.MENU
    assert [e.name for e in c.journeys()] == ["ticket", "photo", "form", "identity"]
    c.open_journey("ticket", clock())
    assert c.screen == "ticket_services"
    choose(c, "CRJ", clock)
    assert c.screen == "ticket_printing"
    wait_for_result(c, clock)
    assert c.screen == "ticket_done"
    assert result(c).number == "BZ001"
    printer = terminal.ticket_printer
    assert isinstance(printer, SimTicketPrinter)
    assert [t.number for t in printer.printed] == ["BZ001"]
    assert printer.printed[0].service_name == "出入境业务"
    assert printer.printed[0].qr_payload.split("|")[2] == "BZ001"
    # The confirmation goes back to the start by itself.
    clock.advance(config.ui.done_timeout_s + 0.1)
    c.tick(clock())
    assert c.screen is Screen.ATTRACT
    assert c.session is None


def test_paper_out_still_issues_the_number_and_shows_it(
    config: KioskConfig, clock: ManualClock
) -> None:
    c, terminal = controller_for(config, clock)
    printer = terminal.ticket_printer
    assert isinstance(printer, SimTicketPrinter)
    printer.inject(PrinterFault.PAPER_OUT)
    c.open_journey("ticket", clock())
    choose(c, "HUJI", clock)
    wait_for_result(c, clock)
    assert c.screen == "ticket_not_printed"
    assert result(c).number == "AZ001"
    assert not result(c).printed
    assert printer.health().state == "fault"
    # Printer back: the next citizen gets the next number, printed; nothing was burned.
    printer.inject(None)
    c.finish(clock())
    c.open_journey("ticket", clock())
    choose(c, "HUJI", clock)
    wait_for_result(c, clock)
    assert c.screen == "ticket_done"
    assert [t.number for t in printer.printed] == ["AZ002"]


def test_idle_countdown_then_session_ends_and_is_wiped(
    config: KioskConfig, clock: ManualClock
) -> None:
    c, _ = controller_for(config, clock)
    c.start(clock())
    session = c.session
    assert session is not None
    card = sample_card()
    secret = bytearray(b"face-bytes")
    session.put("id_card", card)
    session.put("photo", secret)
    c.open_journey("ticket", clock())

    clock.advance(config.ui.idle_timeout_s - 1)
    c.tick(clock())
    assert c.idle_countdown(clock()) is None  # not yet

    clock.advance(2)
    c.tick(clock())
    left = c.idle_countdown(clock())
    assert left is not None and 0 < left <= config.ui.idle_warning_s

    c.touch(clock())  # "I'm still here"
    assert c.idle_countdown(clock()) is None
    assert c.screen == "ticket_services"

    clock.advance(config.ui.idle_timeout_s + config.ui.idle_warning_s + 0.5)
    c.tick(clock())
    assert c.screen is Screen.ATTRACT
    assert session.ended is EndReason.IDLE
    assert session.keys() == []
    assert card.name is None and card.id_number is None
    assert secret == bytearray(len(secret))  # zeroed in place


def test_language_and_text_size_reset_for_the_next_citizen(
    config: KioskConfig, clock: ManualClock
) -> None:
    c, _ = controller_for(config, clock)
    c.set_language("en", clock())
    c.set_large_text(True, clock())
    c.start(clock())
    assert c.session is not None and c.session.language == "en"
    c.cancel(clock())
    assert (c.language, c.large_text) == ("zh_CN", False)


def test_back_from_services_returns_to_menu(config: KioskConfig, clock: ManualClock) -> None:
    c, _ = controller_for(config, clock)
    c.open_journey("ticket", clock())
    c.back(clock())
    assert c.screen is Screen.MENU


def test_journeys_whose_record_could_not_be_kept_leave_the_menu_until_there_is_room(
    tmp_path: Path, clock: ManualClock
) -> None:
    """Issue 13 item 2's sibling: the photo booth and the identity check are not started
    while the outbox cannot take what they will queue; the ticket is unaffected."""
    config = make_config(tmp_path / "data", "[central]\ndisk_budget_mb = 4\n")
    c, terminal = controller_for(config, clock)
    c.start(clock())
    assert [e.name for e in c.journeys()] == ["ticket", "photo", "form", "identity"]
    terminal.outbox.submit("photo.id", {"receipt": "X"}, {"photo.jpg": bytes(3 * 1024 * 1024)})
    assert [e.name for e in c.journeys()] == ["ticket", "form"]
    why = {e.name: e.why_unavailable() for e in c.unavailable_journeys()}
    assert why["photo"].startswith("outbox: outbox nearly full")
    assert set(why) == {"photo", "identity"}
    c.open_journey("photo", clock())
    assert c.screen is Screen.MENU  # a tap on a tile that has left the menu starts nothing
    (key,) = [item.key for item in terminal.outbox.next_batch()]
    terminal.outbox.acknowledge([key])  # the centre took it: room again
    assert [e.name for e in c.journeys()] == ["ticket", "photo", "form", "identity"]
    terminal.close()
