"""Tap through the ticket journey offscreen and read what the printer printed."""

from __future__ import annotations

from pathlib import Path

from devices.ticket_printer.protocol import PrinterFault
from devices.ticket_printer.sim import SimTicketPrinter
from kiosk.terminal import build_terminal
from tests.e2e.qml_helpers import find_item, tap, text_of, wait_for
from tests.support import make_config
from ui.app import KioskUi


def test_citizen_takes_a_ticket(kiosk_ui: KioskUi) -> None:
    w = kiosk_ui.window
    printer = kiosk_ui.terminal.ticket_printer
    assert isinstance(printer, SimTicketPrinter)

    tap(w, "startButton")
    tap(w, "journey_ticket")
    tap(w, "service_CRJ")
    assert wait_for(lambda: text_of(w, "ticketNumber") == "BZ001")

    # The simulated printer got exactly this ticket.
    assert [t.number for t in printer.printed] == ["BZ001"]
    ticket = printer.printed[0]
    assert (ticket.service_name, ticket.service_name_en) == ("出入境业务", "Exit and entry")
    assert ticket.hall_name == "武汉市民之家"
    # The screen shows the same ticket: headline, people ahead. No follow link is
    # configured, so no QR promises to "follow the queue on your phone".
    assert text_of(w, "resultHeadline") == "请取走您的排队票"
    assert text_of(w, "peopleAhead") == "您前面还有 0 人"
    assert find_item(w, "ticketQr") is None and find_item(w, "qrCaption") is None

    tap(w, "doneButton")
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)
    assert kiosk_ui.controller.session is None


def test_english_and_paper_out(kiosk_ui: KioskUi) -> None:
    w = kiosk_ui.window
    printer = kiosk_ui.terminal.ticket_printer
    assert isinstance(printer, SimTicketPrinter)
    printer.inject(PrinterFault.PAPER_OUT)

    tap(w, "languageButton")
    tap(w, "startButton")
    tap(w, "journey_ticket")
    tap(w, "service_HUJI")
    assert wait_for(lambda: text_of(w, "ticketNumber") == "AZ001")
    assert text_of(w, "resultHeadline") == "The printer is not working, but your number is valid"
    assert printer.printed == []
    # Nobody is asked to photograph the screen: staff are one tap away, the number is said.
    assert "Call staff" in text_of(w, "notPrintedHelp")
    assert find_item(w, "ticketCallStaff") is not None
    assert text_of(w, "qrCaption") == "Staff can scan this code to check your number"

    tap(w, "exitButton")
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)
    # The next citizen starts in Chinese again.
    assert kiosk_ui.controller.language == "zh_CN"


def test_still_there_overlay_appears_and_is_dismissed(kiosk_ui: KioskUi) -> None:
    w = kiosk_ui.window
    c = kiosk_ui.controller
    tap(w, "startButton")
    # Pretend the citizen walked away: the last touch was long ago.
    c.touch(c._last_touch - c.config.ui.idle_timeout_s - 1)
    assert wait_for(lambda: find_item(w, "idleOverlay") is not None)
    tap(w, "stillHereButton")
    assert wait_for(lambda: find_item(w, "idleOverlay") is None)
    assert find_item(w, "menuScreen") is not None


def test_the_qr_follows_the_queue_only_with_a_follow_link(qapp: object, tmp_path: Path) -> None:
    config = make_config(tmp_path, '[ticket]\nfollow_url = "https://queue.example.cn/t"\n')
    ui = KioskUi(build_terminal(config))
    ui.window.resize(1920, 1080)
    ui.window.show()
    try:
        w = ui.window
        tap(w, "startButton")
        tap(w, "journey_ticket")
        tap(w, "service_CRJ")
        assert wait_for(lambda: text_of(w, "ticketNumber") == "BZ001")
        qr = find_item(w, "ticketQr")
        assert qr is not None and "BZ001" in str(qr.property("source").toString())
        assert text_of(w, "qrCaption") == "扫码在手机上查看排队进度"
        assert "https://queue.example.cn/t?" in ui.terminal.ticket_printer.printed[0].qr_payload  # type: ignore[attr-defined]
    finally:
        ui.close()
