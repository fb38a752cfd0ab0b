"""TicketService: a number is issued once, printed when possible, never lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from central_peer import FakeCentre

from devices.ticket_printer.layout import DEFAULT_LAYOUT
from devices.ticket_printer.protocol import PrinterFault
from devices.ticket_printer.sim import SimTicketPrinter
from devices.uri import DeviceUri
from kiosk.config import KioskConfig
from kiosk.tickets import qr
from kiosk.tickets.service import (
    TicketService,
    UnknownService,
    build_allocator,
    ticket_layout,
)

NOW = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)
MakeConfig = Callable[..., KioskConfig]


def sim() -> SimTicketPrinter:
    return SimTicketPrinter(DeviceUri.parse("sim://?delay_ms=0"))


def test_issue_prints_the_centres_number_with_everything_on_it(
    make_config: MakeConfig, centre: FakeCentre
) -> None:
    config = make_config(central_url=centre.url)
    printer = sim()
    ticket = TicketService(config, printer, build_allocator(config)).issue("CRJ", NOW)
    assert (ticket.number, ticket.source, ticket.printed, ticket.printer_status) == (
        "B001",
        "central",
        True,
        "ok",
    )
    assert ticket.people_ahead == 10
    assert ticket.issued_at.isoformat() == "2026-11-27T09:30:00+08:00"
    printed = printer.printed[0]
    assert (printed.number, printed.service_name, printed.service_name_en) == (
        "B001",
        "出入境业务",
        "Exit and entry",
    )
    assert printed.hall_name == "武汉市民之家"
    assert ticket.qr_payload == printed.qr_payload
    fields = qr.parse_payload(ticket.qr_payload)
    assert (fields.hall_id, fields.number, fields.issued_at) == (
        "wuhan-citizen-centre",
        "B001",
        "2026-11-27T09:30+08:00",
    )
    # No secret configured: no code at all, so nothing on the ticket can be forged.
    assert fields.code == ticket.verification_code == ""
    assert not qr.verify(ticket.qr_payload, "wuhan-citizen-centre")


def test_paper_out_still_issues_the_number_and_never_reuses_it(make_config: MakeConfig) -> None:
    config = make_config()
    printer = sim()
    service = TicketService(config, printer, build_allocator(config))
    printer.inject(PrinterFault.PAPER_OUT)
    lost = service.issue("HUJI", NOW)
    assert (lost.number, lost.printed, lost.printer_status) == ("AK001", False, "paper_out")
    assert lost.as_json()["printed"] is False
    printer.refill()
    again = service.issue("HUJI", NOW)
    assert (again.number, again.printed) == ("AK002", True)
    day = service.allocator.store.local_day(NOW)
    assert service.allocator.store.issued(day) == [
        ("AK001", "HUJI", "offline", False),
        ("AK002", "HUJI", "offline", True),
    ]


def test_a_driver_bug_does_not_take_the_number_away(make_config: MakeConfig) -> None:
    config = make_config()
    printer = sim()
    service = TicketService(config, printer, build_allocator(config))

    def broken(_ticket: object) -> None:
        raise RuntimeError("bug")

    printer.print_ticket = broken  # type: ignore[method-assign]
    ticket = service.issue("HUJI", NOW)
    assert (ticket.number, ticket.printed, ticket.printer_status) == ("AK001", False, "error")


def test_unknown_service_names_the_known_ones(make_config: MakeConfig) -> None:
    config = make_config()
    service = TicketService(config, sim(), build_allocator(config))
    with pytest.raises(UnknownService) as caught:
        service.issue("NOPE", NOW)
    assert "HUJI" in str(caught.value)


def test_follow_url_makes_the_qr_a_link(make_config: MakeConfig) -> None:
    secret = "3" * 64
    config = make_config(
        f'follow_url = "https://queue.example.cn/t"\nverification_secret = "{secret}"\n'
    )
    ticket = TicketService(config, sim(), build_allocator(config)).issue("QIYE", NOW)
    assert ticket.qr_payload.startswith("https://queue.example.cn/t?h=wuhan-citizen-centre&n=DK001")
    assert qr.verify(ticket.qr_payload, secret)
    assert not qr.verify(ticket.qr_payload, "wuhan-citizen-centre")


def test_json_has_exactly_the_cli_keys(make_config: MakeConfig) -> None:
    config = make_config()
    ticket = TicketService(config, sim(), build_allocator(config)).issue("HUJI", NOW)
    assert list(ticket.as_json()) == [
        "number",
        "service_code",
        "service_name",
        "service_name_en",
        "people_ahead",
        "issued_at",
        "qr_payload",
        "printed",
        "printer_status",
    ]


def test_layout_in_defaults_is_the_built_in_one(make_config: MakeConfig) -> None:
    assert ticket_layout(make_config()) == DEFAULT_LAYOUT
