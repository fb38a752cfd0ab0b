"""What the core asks of a ticket printer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from devices.base import Device, DeviceError

if TYPE_CHECKING:
    from devices.ticket_printer.layout import LayoutBlock, PrinterProfile, Slip
    from devices.ticket_printer.status import PrinterStatus


@dataclass(frozen=True)
class TicketContent:
    """Everything printed on one queue ticket. Carries no personal data."""

    hall_name: str
    hall_name_en: str
    number: str
    service_name: str
    service_name_en: str
    people_ahead: int
    issued_at: datetime
    qr_payload: str
    privacy_notice: str


class PrinterFault(StrEnum):
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"


class TicketPrintError(DeviceError):
    """The ticket did not come out; ``fault`` says why."""

    def __init__(self, device: str, fault: PrinterFault, reason: str = "") -> None:
        super().__init__(device, reason or fault.value)
        self.fault = fault


class TicketPrinter(Device, Protocol):
    def print_ticket(self, ticket: TicketContent) -> None:
        """Print one ticket or raise TicketPrintError. Bounded in time."""

    def print_slip(self, slip: Slip) -> None:
        """Print another printout (a receipt) with this printer's profile, or raise
        TicketPrintError. Bounded in time."""

    def configure(self, profile: PrinterProfile, layout: tuple[LayoutBlock, ...]) -> None:
        """Use this paper/charset profile and ticket layout (from config) from now on."""

    def status(self) -> PrinterStatus:
        """Ask the printer for its real-time status now. Bounded in time, never raises."""
