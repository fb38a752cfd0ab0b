"""``kiosk ticket``: queue tickets from the command line.

``services`` lists the categories, ``print`` issues and prints one ticket (the number
is issued even when the printer fails: the JSON is printed and the exit is non-zero),
``test-print`` prints a page with every character class for technicians.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from devices.base import DeviceKind
from devices.registry import open_device
from devices.ticket_printer.layout import render, sample_ticket
from devices.ticket_printer.protocol import TicketPrinter, TicketPrintError
from devices.ticket_printer.testpage import TEST_PAGE_LAYOUT
from devices.uri import DeviceUriError
from kiosk.cli.common import CliError, add_config_arg, config_from, print_json
from kiosk.config import KioskConfig
from kiosk.tickets.service import (
    TicketService,
    UnknownService,
    build_allocator,
    printer_profile,
    ticket_layout,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ticket", help="queue tickets")
    tsub = p.add_subparsers(dest="ticket_command", metavar="ACTION", required=True)
    services = tsub.add_parser("services", help="list the service categories")
    add_config_arg(services)
    services.add_argument("--json", action="store_true")
    services.set_defaults(func=_services)

    issue = tsub.add_parser("print", help="issue a number and print its ticket")
    add_config_arg(issue)
    issue.add_argument("--service", required=True, metavar="CODE", help="e.g. HUJI")
    issue.add_argument("--printer", metavar="URI", help="instead of devices.ticket_printer")
    issue.add_argument("--json", action="store_true")
    issue.set_defaults(func=_print)

    test = tsub.add_parser("test-print", help="print a test page with every character class")
    add_config_arg(test)
    test.add_argument("--printer", metavar="URI", help="instead of devices.ticket_printer")
    test.set_defaults(func=_test_print)


def _services(args: argparse.Namespace) -> int:
    config = config_from(args)
    rows = [s.model_dump() for s in config.services]
    if args.json:
        print_json(rows)
    else:
        for s in rows:
            print(f"{s['code']:<8} {s['prefix']:<3} {s['name']}  {s['name_en']}")
    return 0


def _open_printer(config: KioskConfig, uri: str | None) -> TicketPrinter:
    target = uri or config.devices.ticket_printer
    try:
        device = open_device(DeviceKind.TICKET_PRINTER, target)
    except DeviceUriError as exc:
        raise CliError(str(exc)) from None
    except (OSError, ImportError) as exc:
        raise CliError(f"cannot open ticket printer {target}: {exc}") from None
    return device  # type: ignore[return-value]


def _print(args: argparse.Namespace) -> int:
    config = config_from(args)
    printer = _open_printer(config, args.printer)
    try:
        service = TicketService(config, printer, build_allocator(config))
        try:
            ticket = service.issue(args.service)
        except UnknownService as exc:
            raise CliError(str(exc)) from None
    finally:
        printer.close()
    if args.json:
        print_json(ticket.as_json())
    else:
        where = "printed" if ticket.printed else "NOT printed"
        print(
            f"{ticket.number}  {ticket.service_name} / {ticket.service_name_en}"
            f"  ahead: {ticket.people_ahead}  {where} ({ticket.printer_status})"
        )
    if not ticket.printed:
        raise CliError(
            f"ticket {ticket.number} was issued but not printed: {ticket.printer_status}"
        )
    return 0


def _test_print(args: argparse.Namespace) -> int:
    config = config_from(args)
    printer = _open_printer(config, args.printer)
    profile = printer_profile(config)
    now = datetime.now(ZoneInfo(config.terminal.timezone))
    try:
        printer.configure(profile, ticket_layout(config))
        print_page = getattr(printer, "print_test_page", None)
        try:
            if print_page is not None:
                print_page(now)
            else:  # the simulator has no test page: a sample ticket shows the same
                printer.print_ticket(sample_ticket(now))
        except TicketPrintError as exc:
            raise CliError(f"test page not printed: {exc.fault.value} ({exc.reason})") from None
        status = printer.status()
    finally:
        printer.close()
    replaced = render(sample_ticket(now), profile, TEST_PAGE_LAYOUT).replaced
    print(f"test page printed on {args.printer or config.devices.ticket_printer}")
    print(f"printer status: {status.state.value}")
    if replaced:
        chars = " ".join(f"{r.char}({r.codepoint})" for r in replaced)
        print(f"not in {profile.code_page.value}, printed as □: {chars}")
    return 0
