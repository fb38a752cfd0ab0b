"""A simulated ticket printer: takes time, runs out of paper, keeps what it printed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from devices.health import EventKind, EventSink, Health, HealthState, HealthTracker
from devices.ticket_printer.layout import (
    DEFAULT_LAYOUT,
    LayoutBlock,
    PrinterProfile,
    Slip,
    check_layout,
    render,
    render_slip,
)
from devices.ticket_printer.protocol import PrinterFault, TicketContent, TicketPrintError
from devices.ticket_printer.status import PrinterStatus
from devices.uri import DeviceUri

_FAULT_EVENTS = {
    PrinterFault.PAPER_OUT: EventKind.PAPER_OUT,
    PrinterFault.COVER_OPEN: EventKind.COVER_OPEN,
    PrinterFault.OFFLINE: EventKind.OFFLINE,
    PrinterFault.ERROR: EventKind.OFFLINE,
}


class SimTicketPrinter:
    """``sim://?delay_ms=300&paper=500``: ``paper`` tickets fit on the roll."""

    LOW_PAPER = 20

    def __init__(self, uri: DeviceUri, role: str = "ticket_printer") -> None:
        self.uri = uri.raw
        self.role = role
        self.delay_s = uri.int_param("delay_ms", 300) / 1000
        self.paper_left = uri.int_param("paper", 500)
        self.printed: list[TicketContent] = []
        self.slips: list[Slip] = []  # receipts and other printouts
        self.rendered: list[bytes] = []  # the ESC/POS bytes a real printer would have got
        self.profile = PrinterProfile()
        self.layout: tuple[LayoutBlock, ...] = DEFAULT_LAYOUT
        self._fault: PrinterFault | None = None
        self._lock = threading.Lock()
        self._health = HealthTracker(role)

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        pass

    def configure(self, profile: PrinterProfile, layout: tuple[LayoutBlock, ...]) -> None:
        check_layout(layout)
        self.profile = profile
        self.layout = tuple(layout)

    def status(self) -> PrinterStatus:
        with self._lock:
            fault, left = self._fault, self.paper_left
        return PrinterStatus(
            online=fault is not PrinterFault.OFFLINE,
            cover_open=fault is PrinterFault.COVER_OPEN,
            paper_end=fault is PrinterFault.PAPER_OUT or left <= 0,
            paper_near_end=left <= self.LOW_PAPER,
            error=fault is PrinterFault.ERROR,
            reason="simulated" if fault is PrinterFault.OFFLINE else "",
        )

    def inject(self, fault: PrinterFault | None) -> None:
        """Make the printer fail (or recover), as a technician's test would."""
        with self._lock:
            self._fault = fault
        if fault is None:
            self._health.set(HealthState.OK, "", EventKind.RECOVERED)
        else:
            self._health.set(HealthState.FAULT, fault.value, _FAULT_EVENTS[fault])

    def refill(self, tickets: int = 500) -> None:
        with self._lock:
            self.paper_left = tickets
        self.inject(None)

    def print_ticket(self, ticket: TicketContent) -> None:
        data = render(ticket, self.profile, self.layout).data
        self._feed(data, lambda: self.printed.append(ticket))

    def print_slip(self, slip: Slip) -> None:
        data = render_slip(slip, self.profile).data  # a bad layout fails before any paper
        self._feed(data, lambda: self.slips.append(slip))

    def _feed(self, data: bytes, keep: Callable[[], None]) -> None:
        """One printout: fails as the printer would, else takes time and paper."""
        with self._lock:
            fault = self._fault
            if fault is None and self.paper_left <= 0:
                fault = PrinterFault.PAPER_OUT
        if fault is not None:
            self._health.count("failed")
            self.inject(fault)
            raise TicketPrintError(self.role, fault)
        time.sleep(self.delay_s)  # the head and the cutter take time
        with self._lock:
            self.paper_left -= 1
            keep()
            self.rendered.append(data)
            left = self.paper_left
        self._health.count("tickets")
        if left <= self.LOW_PAPER:
            self._health.set(HealthState.DEGRADED, "paper low", EventKind.PAPER_LOW)
