"""Which journeys this terminal offers, wired to its devices (part of the composition root)."""

from __future__ import annotations

from kiosk.flows.diagnostics import diagnostics_entry
from kiosk.flows.journey import JourneyEntry
from kiosk.flows.photo import PhotoEngine, photo_entry
from kiosk.flows.ticket import ticket_entry
from kiosk.terminal import Terminal
from kiosk.tickets.service import TicketService, build_allocator


def available_journeys(terminal: Terminal) -> list[JourneyEntry]:
    """The menu, in order. A journey appears only when what it needs exists."""
    config = terminal.config
    issuer = TicketService(config, terminal.ticket_printer, build_allocator(config))
    return [
        ticket_entry(issuer),
        photo_entry(
            terminal.camera, lambda: booth_engine(config.photo.spec, config.photo.background)
        ),
        diagnostics_entry(terminal),
    ]


def booth_engine(spec_id: str, background: str) -> PhotoEngine:
    """The booth's engine for the configured spec ([photo] in the config). Imported
    on first use, so the attract screen does not wait for OpenCV and mediapipe."""
    from kiosk.photo.engine import BoothEngine
    from kiosk.photo.specs import get_spec

    return BoothEngine(get_spec(spec_id), background or None)
