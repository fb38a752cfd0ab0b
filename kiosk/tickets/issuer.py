"""Issues a queue number and prints it on the ticket printer."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from devices.base import DeviceError
from devices.ticket_printer.protocol import TicketContent, TicketPrinter
from kiosk.config import KioskConfig
from kiosk.flows.ticket import TicketResult
from kiosk.tickets.numbers import IssuedNumber, LocalNumberStore

log = logging.getLogger(__name__)


def qr_payload(config: KioskConfig, issued: IssuedNumber) -> str:
    """What the ticket's QR code carries: enough to follow the queue on a phone.

    The short code lets the hall's queue page tell a real ticket from a typed-in one.
    """
    stamp = issued.issued_at.isoformat(timespec="seconds")
    hall = config.terminal.hall_id
    digest = hashlib.sha256(f"{hall}|{issued.number}|{stamp}".encode()).hexdigest()[:6].upper()
    return f"HALLQ1|{hall}|{issued.number}|{stamp}|{digest}"


class LocalTicketIssuer:
    """Number from the terminal's own counter, then print; a printer fault keeps the number."""

    def __init__(self, config: KioskConfig, printer: TicketPrinter, numbers: LocalNumberStore):
        self._config = config
        self._printer = printer
        self._numbers = numbers

    def issue(self, service_code: str, now: datetime) -> TicketResult:
        service = self._config.service(service_code)
        issued = self._numbers.allocate(service.code, service.prefix, now)
        payload = qr_payload(self._config, issued)
        content = TicketContent(
            hall_name=self._config.terminal.hall_name,
            hall_name_en=self._config.terminal.hall_name_en,
            number=issued.number,
            service_name=service.name,
            service_name_en=service.name_en,
            people_ahead=issued.people_ahead,
            issued_at=issued.issued_at,
            qr_payload=payload,
            privacy_notice=self._config.ticket.privacy_notice,
        )
        try:
            self._printer.print_ticket(content)
            printed, status = True, "ok"
        except DeviceError as exc:
            printed, status = False, exc.reason
            log.warning("ticket %s issued but not printed: %s", issued.number, exc.reason)
        log.info("ticket %s issued for %s", issued.number, service.code)
        return TicketResult(
            number=issued.number,
            service_code=service.code,
            service_name=service.name,
            service_name_en=service.name_en,
            people_ahead=issued.people_ahead,
            issued_at=issued.issued_at,
            qr_payload=payload,
            printed=printed,
            printer_status=status,
        )
