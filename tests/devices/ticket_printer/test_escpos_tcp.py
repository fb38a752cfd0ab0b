"""A network ticket printer (escpos+tcp://) played by a TCP server on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from itertools import groupby

import pytest
from conftest import SHANGHAI, fast
from escpos_paper import Cut, Line, Qr, StatusQuery, read_paper
from escpos_peer import TcpPrinter

from devices.base import DeviceKind
from devices.health import DeviceEvent, EventKind, HealthState
from devices.registry import open_device
from devices.ticket_printer.driver import EscPosTicketPrinter
from devices.ticket_printer.escpos import Align
from devices.ticket_printer.layout import BlockKind, LayoutBlock, PrinterProfile
from devices.ticket_printer.protocol import PrinterFault, TicketContent, TicketPrintError
from devices.ticket_printer.status import PrinterState


@pytest.fixture
def printer(tcp_printer: TcpPrinter) -> Iterator[EscPosTicketPrinter]:
    device = open_device(DeviceKind.TICKET_PRINTER, fast(tcp_printer.uri))
    assert isinstance(device, EscPosTicketPrinter)
    yield device
    device.close()


def wait_for(predicate: object, timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


def test_a_person_reads_the_whole_ticket_in_chinese_and_english(
    printer: EscPosTicketPrinter, tcp_printer: TcpPrinter, ticket: TicketContent
) -> None:
    printer.print_ticket(ticket)
    paper = tcp_printer.printer.paper
    assert paper.chinese_mode_seen
    assert paper.text[:2] == ["武汉市民之家", "Wuhan Citizen Centre"]
    number = paper.line("A023")
    assert (number.width, number.height, number.bold, number.align) == (4, 4, True, 1)
    assert paper.line("出入境业务").width == 2
    assert "Exit and entry" in paper.text
    assert "前面还有 4 人 / 4 ahead of you" in paper.text
    assert "2026-11-27 09:05" in paper.text
    assert paper.qr_payloads == [ticket.qr_payload]
    assert paper.line("本票据不含个人信息 / No personal data").width == 1
    assert paper.cuts == [Cut(partial=True, feed=72)]
    assert printer.health().state is HealthState.OK
    assert printer.health().counters["tickets"] == 1


def test_status_is_asked_before_and_after_each_ticket_and_nothing_follows_the_cut(
    printer: EscPosTicketPrinter, tcp_printer: TcpPrinter, ticket: TicketContent
) -> None:
    # (TCP may split or merge segments; one-transfer-per-ticket is asserted over USB.)
    printer.print_ticket(ticket)
    printer.print_ticket(ticket)
    emulated = tcp_printer.printer
    runs = [
        (is_query, list(items))
        for is_query, items in groupby(
            emulated.paper.items, key=lambda i: isinstance(i, StatusQuery)
        )
    ]
    printed_runs = [items for is_query, items in runs if not is_query]
    assert len(printed_runs) == 2  # no status query in the middle of a ticket
    assert all(isinstance(items[-1], Cut) for items in printed_runs)
    assert all(len(items) % 3 == 0 for is_query, items in runs if is_query)  # 1, 2, 4 each time
    tickets = emulated.paper.tickets()
    assert len(tickets) == 2
    assert all(isinstance(t[-1], Cut) for t in tickets)


def test_layout_from_config_changes_what_is_printed(
    printer: EscPosTicketPrinter, tcp_printer: TcpPrinter, ticket: TicketContent
) -> None:
    printer.configure(
        PrinterProfile(paper_mm=58, chars_per_line=32, cutter=False),
        (
            LayoutBlock(BlockKind.TEXT, "号码 {number}", width=3, height=3, align=Align.LEFT),
            LayoutBlock(BlockKind.TEXT, "{issued_at:%H:%M} {service_name_en}"),
            LayoutBlock(BlockKind.QR, "{number}", module=4),
            LayoutBlock(BlockKind.CUT, lines=2),
        ),
    )
    printer.print_ticket(ticket)
    paper = tcp_printer.printer.paper
    assert paper.lines[0] == Line("号码 A023", 3, 3, False, 0)
    assert "09:05 Exit and entry" in paper.text
    assert [i for i in paper.items if isinstance(i, Qr)] == [Qr("A023", 4, native=True)]
    assert paper.cuts == []  # no cutter: fed for tearing off instead
    assert paper.text[-5:] == [""] * 5


def test_long_text_wraps_within_the_58mm_line(
    printer: EscPosTicketPrinter, tcp_printer: TcpPrinter, ticket: TicketContent
) -> None:
    printer.configure(
        PrinterProfile(paper_mm=58, chars_per_line=32),
        (LayoutBlock(BlockKind.TEXT, "{privacy_notice}", width=2),),
    )
    printer.print_ticket(ticket)
    lines = [line.text for line in tcp_printer.printer.paper.lines]
    assert "".join(lines).replace(" ", "") == "本票据不含个人信息/Nopersonaldata"
    assert all(len(t.encode("gb18030")) <= 16 for t in lines)


def test_paper_out_is_refused_before_sending_and_recovers_without_restart(
    tcp_printer: TcpPrinter, ticket: TicketContent
) -> None:
    events: list[DeviceEvent] = []
    device = open_device(DeviceKind.TICKET_PRINTER, fast(tcp_printer.uri))
    assert isinstance(device, EscPosTicketPrinter)
    device.start(events.append)
    try:
        tcp_printer.printer.paper_end = True
        with pytest.raises(TicketPrintError) as caught:
            device.print_ticket(ticket)
        assert caught.value.fault is PrinterFault.PAPER_OUT
        assert tcp_printer.printer.printed_bytes() == 0
        assert device.health().state is HealthState.FAULT
        tcp_printer.printer.paper_end = False  # the technician loads a new roll
        wait_for(lambda: device.health().state is HealthState.OK)  # the poll notices
        device.print_ticket(ticket)
        assert "A023" in tcp_printer.printer.paper.text
    finally:
        device.close()
    kinds = [e.kind for e in events]
    assert kinds[:2] == [EventKind.PAPER_OUT, EventKind.RECOVERED]


def test_paper_low_still_prints_and_reports_degraded_health(
    printer: EscPosTicketPrinter, tcp_printer: TcpPrinter, ticket: TicketContent
) -> None:
    events: list[DeviceEvent] = []
    printer.start(events.append)
    tcp_printer.printer.paper_near_end = True
    printer.print_ticket(ticket)
    assert "A023" in tcp_printer.printer.paper.text
    health = printer.health()
    assert (health.state, health.reason) == (HealthState.DEGRADED, "paper_low")
    assert EventKind.PAPER_LOW in [e.kind for e in events]


def test_cover_open_is_reported_from_the_status_bytes(
    printer: EscPosTicketPrinter, tcp_printer: TcpPrinter
) -> None:
    tcp_printer.printer.cover_open = True
    status = printer.status()
    assert status.state is PrinterState.COVER_OPEN
    assert (status.online, status.cover_open) == (False, True)
    assert printer.health().reason == "cover_open"


def test_a_printer_that_never_answers_cannot_hang_the_flow(
    printer: EscPosTicketPrinter, tcp_printer: TcpPrinter, ticket: TicketContent
) -> None:
    tcp_printer.printer.silent = True
    started = time.monotonic()
    with pytest.raises(TicketPrintError) as caught:
        printer.print_ticket(ticket)
    assert time.monotonic() - started < printer.timeouts.job
    assert caught.value.fault is PrinterFault.OFFLINE
    assert "no answer to DLE EOT 1" in printer.health().reason
    assert tcp_printer.printer.printed_bytes() == 0


def test_unplugged_printer_is_offline_and_comes_back(
    tcp_printer: TcpPrinter, ticket: TicketContent
) -> None:
    device = open_device(DeviceKind.TICKET_PRINTER, fast(tcp_printer.uri))
    try:
        tcp_printer.stop()
        with pytest.raises(TicketPrintError) as caught:
            device.print_ticket(ticket)  # type: ignore[attr-defined]
        assert caught.value.fault is PrinterFault.OFFLINE
        assert device.health().reason.startswith("offline: ")
        tcp_printer.start()  # same port: the printer is switched back on
        wait_for(lambda: device.health().state is HealthState.OK)
        device.print_ticket(ticket)  # type: ignore[attr-defined]
        assert tcp_printer.printer.paper.text.count("A023") == 1
    finally:
        device.close()


def test_opening_asks_the_printer_so_health_is_real_at_once(tcp_printer: TcpPrinter) -> None:
    tcp_printer.printer.paper_end = True
    device = open_device(DeviceKind.TICKET_PRINTER, fast(tcp_printer.uri))
    try:
        assert device.health().state is HealthState.FAULT
        assert device.health().reason == "paper_out"
        assert tcp_printer.printer.paper.status_queries == [1, 2, 4]
    finally:
        device.close()


def test_nothing_listening_is_a_bounded_offline_fault() -> None:
    with TcpPrinter() as server:
        uri = fast(server.uri)
    started = time.monotonic()
    device = open_device(DeviceKind.TICKET_PRINTER, uri)
    device.close()
    assert time.monotonic() - started < 4  # refused at once; never the OS's long timeout
    assert device.health().state is HealthState.FAULT
    assert "cannot connect" in device.health().reason


def test_two_threads_printing_get_whole_tickets_in_turn(
    printer: EscPosTicketPrinter, tcp_printer: TcpPrinter, ticket: TicketContent
) -> None:
    threads = [threading.Thread(target=printer.print_ticket, args=(ticket,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tickets = tcp_printer.printer.paper.tickets()
    assert len(tickets) == 4
    assert all(sum(isinstance(i, Qr) for i in t) == 1 for t in tickets)


def test_test_page_shows_every_character_class(
    printer: EscPosTicketPrinter, tcp_printer: TcpPrinter
) -> None:
    printer.print_test_page(datetime(2026, 11, 27, 22, 0, tzinfo=SHANGHAI))
    text = "\n".join(tcp_printer.printer.paper.text)
    for sample in ("ABCDEFGHIJ", "0123456789", "：（）【】《》", "鑫淼犇", "㐀䶵𠀀𪚥", "{|}~"):
        assert sample in text
    assert printer.last_replaced == ()
    assert len(tcp_printer.printer.paper.qr_payloads) == 1


def test_raw_bytes_round_trip_through_the_reader(ticket: TicketContent) -> None:
    from devices.ticket_printer.layout import render

    paper = read_paper(render(ticket).data)
    assert paper.inits == 1 and "A023" in paper.text


def test_status_off_prints_on_a_printer_that_cannot_answer(
    tcp_printer: TcpPrinter, ticket: TicketContent
) -> None:
    tcp_printer.printer.silent = True
    device = open_device(DeviceKind.TICKET_PRINTER, fast(tcp_printer.uri) + "&status=off")
    try:
        device.print_ticket(ticket)  # type: ignore[attr-defined]
        assert device.health().state is HealthState.OK
    finally:
        device.close()
    # Without status reads nothing waits for the printer: the bytes may still be in flight.
    wait_for(lambda: "A023" in tcp_printer.printer.paper.text)
    assert tcp_printer.printer.paper.status_queries == []


def test_the_poll_reports_each_fault_as_an_event_between_tickets(
    printer: EscPosTicketPrinter, tcp_printer: TcpPrinter
) -> None:
    events: list[DeviceEvent] = []
    printer.start(events.append)
    emulated = tcp_printer.printer
    emulated.cover_open = True
    wait_for(lambda: EventKind.COVER_OPEN in [e.kind for e in events])
    emulated.cover_open, emulated.silent = False, True
    wait_for(lambda: EventKind.OFFLINE in [e.kind for e in events])
    emulated.silent = False
    wait_for(lambda: printer.health().state is HealthState.OK)
    assert [e.kind for e in events] == [
        EventKind.COVER_OPEN,
        EventKind.OFFLINE,
        EventKind.RECOVERED,
    ]
    assert all(e.device == "ticket_printer" for e in events)
