"""Which journeys this terminal offers, wired to its devices (part of the composition root)."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.flows.diagnostics import diagnostics_entry
from kiosk.flows.form import FormServices, form_entry
from kiosk.flows.journey import JourneyEntry
from kiosk.flows.photo import (
    PhotoDelivery,
    PhotoEngine,
    PhotoOutcome,
    ReceiptPrinter,
    photo_entry,
)
from kiosk.flows.ticket import ticket_entry
from kiosk.forms.catalog import load_catalog
from kiosk.forms.desk import FormDesk
from kiosk.forms.outbox_recorder import OutboxRecorder
from kiosk.forms.ports import PageHeader, RendererUnavailable, load_renderer
from kiosk.forms.receipt import new_receipt
from kiosk.photo.specs import PhotoSpec
from kiosk.terminal import Terminal
from kiosk.tickets.service import TicketService, build_allocator

log = logging.getLogger(__name__)


def available_journeys(terminal: Terminal) -> list[JourneyEntry]:
    """The menu, in order. A journey appears only when what it needs exists."""
    config = terminal.config
    issuer = TicketService(config, terminal.ticket_printer, build_allocator(config))
    entries = [
        ticket_entry(issuer),
        photo_entry(
            terminal.camera,
            lambda: booth_engine(config.photo.offered[0], config.photo.background),
            photo_delivery(terminal),
            offered_specs(terminal),
            receipt_printer(terminal),
        ),
    ]
    forms = form_services(terminal)
    if forms is not None:
        entries.append(form_entry(forms))
    return [*entries, diagnostics_entry(terminal)]


def form_services(terminal: Terminal) -> FormServices | None:
    """The form journey's parts, or None when no PDF renderer is installed.

    Each printed form is queued in the terminal's outbox in the same transaction that
    records the print (:class:`kiosk.forms.outbox_recorder.OutboxRecorder`).
    """
    try:
        renderer = load_renderer()
    except RendererUnavailable as exc:
        log.warning("form journey not offered: %s", exc)
        return None
    t = terminal.config.terminal
    tz = ZoneInfo(t.timezone)
    desk = FormDesk(
        renderer,
        terminal.form_printer,
        OutboxRecorder(terminal.outbox),
        PageHeader(t.hall_name, t.hall_name_en, t.id),
        now=lambda: datetime.now(tz),
    )
    return FormServices(
        load_catalog(), terminal.id_card, desk, today=lambda: datetime.now(tz).date()
    )


def photo_delivery(terminal: Terminal) -> PhotoDelivery:
    """An accepted photo goes to the centre through the outbox (encrypted on disk), under
    a receipt number the citizen quotes at the counter with their application."""
    t = terminal.config.terminal
    tz = ZoneInfo(t.timezone)
    default_spec = terminal.config.photo.offered[0]

    def deliver(outcome: PhotoOutcome) -> str:
        now = datetime.now(tz)
        receipt = new_receipt(t.id, now)
        spec = outcome.spec_id or default_spec
        record = {"receipt": receipt, "spec": spec, "taken_at": now.isoformat(timespec="seconds")}
        terminal.outbox.submit("photo.id", record, {"photo.jpg": outcome.jpeg}, pii=True)
        return receipt

    return deliver


def offered_specs(terminal: Terminal) -> tuple[PhotoSpec, ...]:
    """The photo specs this hall offers (``[photo] specs``), in menu order."""
    from kiosk.photo.specs import get_spec

    return tuple(get_spec(spec_id) for spec_id in terminal.config.photo.offered)


def receipt_printer(terminal: Terminal) -> ReceiptPrinter:
    """The photo receipt goes to the terminal's ticket printer (ESC/POS, the ticket's
    profile and encoder); a printer fault raises and the journey says so on screen."""
    from kiosk.photo.receipt_slip import receipt_slip

    t = terminal.config.terminal
    tz = ZoneInfo(t.timezone)

    def print_receipt(receipt: str, spec: PhotoSpec) -> None:
        slip = receipt_slip(t.hall_name, t.hall_name_en, receipt, spec, datetime.now(tz))
        terminal.ticket_printer.print_slip(slip)

    return print_receipt


def booth_engine(spec_id: str, background: str) -> PhotoEngine:
    """The booth's engine for the configured spec ([photo] in the config). Imported
    on first use, so the attract screen does not wait for OpenCV and mediapipe."""
    from kiosk.photo.engine import BoothEngine
    from kiosk.photo.specs import get_spec

    return BoothEngine(get_spec(spec_id), background or None)
