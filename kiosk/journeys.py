"""Which journeys this terminal offers, wired to its devices (part of the composition root)."""

from __future__ import annotations

from kiosk.flows.diagnostics import diagnostics_entry
from kiosk.flows.journey import JourneyEntry
from kiosk.flows.ticket import ticket_entry
from kiosk.terminal import Terminal
from kiosk.tickets.service import TicketService, build_allocator


def available_journeys(terminal: Terminal) -> list[JourneyEntry]:
    """The menu, in order. A journey appears only when what it needs exists."""
    config = terminal.config
    issuer = TicketService(config, terminal.ticket_printer, build_allocator(config))
    return [ticket_entry(issuer), diagnostics_entry(terminal)]
