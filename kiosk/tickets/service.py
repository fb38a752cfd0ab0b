"""Issue a queue ticket: allocate the number, fill the ticket from config, print it.

The number is issued before anything is printed and is returned whatever the
printer does, so a paper-out or offline printer never burns or repeats a number:
the flow shows it large on screen with the QR code instead.

    service = TicketService(config, printer, allocator)
    ticket = service.issue("HUJI")          # or issue("HUJI", now)
    ticket.number, ticket.printed, ticket.printer_status, ticket.qr_payload
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from devices.health import HealthState
from devices.ticket_printer.escpos import Align
from devices.ticket_printer.gbtext import Charset
from devices.ticket_printer.layout import (
    DEFAULT_LAYOUT,
    BlockKind,
    LayoutBlock,
    PrinterProfile,
    QrMode,
)
from devices.ticket_printer.protocol import TicketContent, TicketPrinter, TicketPrintError
from kiosk.config import KioskConfig
from kiosk.config.schema import LayoutBlockConfig
from kiosk.outbox import client_settings
from kiosk.tickets import qr
from kiosk.tickets.allocator import NumberAllocator
from kiosk.tickets.central import CentralTicketClient
from kiosk.tickets.numbers import LocalNumberStore

log = logging.getLogger(__name__)


class UnknownService(LookupError):
    """No service category with this code in the config."""

    def __init__(self, code: str, known: list[str]) -> None:
        super().__init__(f"unknown service {code!r} (known: {', '.join(known)})")
        self.code = code
        self.known = known


@dataclass(frozen=True)
class IssuedTicket:
    """One issued number and what happened at the printer. Holds no personal data."""

    number: str
    service_code: str
    service_name: str
    service_name_en: str
    people_ahead: int
    issued_at: datetime
    qr_payload: str
    verification_code: str
    printed: bool
    printer_status: str  # ok, paper_low, paper_out, cover_open, offline, error
    source: str  # central or offline
    content: TicketContent

    def as_json(self) -> dict[str, object]:
        """The keys of ``kiosk ticket print --json``."""
        return {
            "number": self.number,
            "service_code": self.service_code,
            "service_name": self.service_name,
            "service_name_en": self.service_name_en,
            "people_ahead": self.people_ahead,
            "issued_at": self.issued_at.isoformat(timespec="seconds"),
            "qr_payload": self.qr_payload,
            "printed": self.printed,
            "printer_status": self.printer_status,
        }


def printer_profile(config: KioskConfig) -> PrinterProfile:
    p = config.ticket.printer
    return PrinterProfile(
        paper_mm=p.paper_mm,
        chars_per_line=p.chars_per_line,
        cutter=p.cutter,
        code_page=Charset(p.code_page),
        qr=QrMode(p.qr),
    )


def _block(b: LayoutBlockConfig) -> LayoutBlock:
    return LayoutBlock(
        kind=BlockKind(b.kind),
        text=b.text,
        align=Align[b.align.upper()],
        width=b.width,
        height=b.height,
        bold=b.bold,
        lines=b.lines,
        module=b.module,
        char=b.char,
    )


def ticket_layout(config: KioskConfig) -> tuple[LayoutBlock, ...]:
    """``[[ticket.layout]]`` as the driver's blocks; the built-in layout when empty."""
    return tuple(_block(b) for b in config.ticket.layout) or DEFAULT_LAYOUT


def build_allocator(config: KioskConfig, data_dir: Path | None = None) -> NumberAllocator:
    """The allocator a terminal uses: its SQLite store, its offline tag, the centre if set."""
    t = config.ticket
    store = LocalNumberStore(
        (data_dir or config.terminal.data_path) / "tickets.sqlite", config.terminal.timezone
    )
    central = (
        CentralTicketClient(
            client_settings(config.central),
            config.terminal.hall_id,
            config.terminal.id,
            t.central_timeout_s,
        )
        if t.central_numbers and config.central.url
        else None
    )
    return NumberAllocator(store, t.offline_tag, central, t.central_retry_s)


class TicketService:
    """Issues tickets for one terminal. ``issue`` is safe to call from any one thread."""

    def __init__(
        self, config: KioskConfig, printer: TicketPrinter, allocator: NumberAllocator
    ) -> None:
        self.config = config
        self.printer = printer
        self.allocator = allocator
        self._tz = ZoneInfo(config.terminal.timezone)
        printer.configure(printer_profile(config), ticket_layout(config))

    def issue(self, service_code: str, now: datetime | None = None) -> IssuedTicket:
        """Allocate a number for ``service_code`` and print it. Never loses the number.

        Raises UnknownService for a code not in the config; printer trouble does not
        raise: the ticket comes back with ``printed=False`` and the printer's status.
        """
        try:
            service = self.config.service(service_code)
        except KeyError:
            raise UnknownService(service_code, [s.code for s in self.config.services]) from None
        now = (now or datetime.now(self._tz)).astimezone(self._tz)
        issued = self.allocator.allocate(service.code, service.prefix, now)
        terminal = self.config.terminal
        ticket_qr, payload = qr.build(
            self.config.ticket.verification_secret or terminal.hall_id,
            terminal.hall_id,
            issued.number,
            issued.issued_at,
            self.config.ticket.follow_url,
        )
        content = TicketContent(
            hall_name=terminal.hall_name,
            hall_name_en=terminal.hall_name_en,
            number=issued.number,
            service_name=service.name,
            service_name_en=service.name_en,
            people_ahead=issued.people_ahead,
            issued_at=issued.issued_at,
            qr_payload=payload,
            privacy_notice=self.config.ticket.privacy_notice,
        )
        printed, status = self._print(content)
        self.allocator.store.mark_printed(issued.day, issued.number, printed)
        return IssuedTicket(
            number=issued.number,
            service_code=service.code,
            service_name=service.name,
            service_name_en=service.name_en,
            people_ahead=issued.people_ahead,
            issued_at=issued.issued_at,
            qr_payload=payload,
            verification_code=ticket_qr.code,
            printed=printed,
            printer_status=status,
            source=issued.source,
            content=content,
        )

    def _print(self, content: TicketContent) -> tuple[bool, str]:
        try:
            self.printer.print_ticket(content)
        except TicketPrintError as exc:
            # INFO: the printer's own health event already carries the fault.
            log.info("ticket %s issued, not printed: %s", content.number, exc.fault.value)
            return False, exc.fault.value
        except Exception:
            # A driver bug must not take the number from the citizen who was given it.
            log.exception("ticket %s not printed: driver failed", content.number)
            return False, "error"
        health = self.printer.health()
        return True, "paper_low" if health.state is HealthState.DEGRADED else "ok"
