"""Which journeys this terminal offers, wired to its devices (part of the composition root)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import cast
from zoneinfo import ZoneInfo

from devices.base import DeviceKind
from devices.camera.protocol import Camera
from devices.health import HealthState
from kiosk.fleet.forms import with_fleet_forms
from kiosk.flows.diagnostics import diagnostics_entry
from kiosk.flows.form import FormServices, form_entry
from kiosk.flows.identity import identity_entry
from kiosk.flows.journey import Journey, JourneyContext, JourneyEntry
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


@dataclass(frozen=True)
class JourneyOffer:
    """One citizen journey: the devices it cannot run without, and how to build its tile.

    ``needs``: a device that could not be opened keeps the journey out of the menu (and
    ``build``, which may talk to that device, is not called: the menu names the journey
    by ``title_zh``/``title_en`` as not available). ``needs_working``: while one of these
    reports FAULT (a reader that cannot open its port, a printer out of paper) the journey
    leaves the menu too, and comes back when the device recovers. ``build`` returns None
    when the journey does not exist on this terminal at all (e.g. no PDF renderer).
    ``queues_bytes``: about what one citizen's record takes in the outbox; while the
    outbox cannot take that much (full, no key to seal it) the journey leaves the menu,
    so nobody does the work of a journey whose result could not be kept (issue 13.2).
    """

    name: str
    title_zh: str
    title_en: str
    needs: tuple[DeviceKind, ...]
    build: Callable[[Terminal], JourneyEntry | None]
    needs_working: tuple[DeviceKind, ...] = ()
    queues_bytes: int = 0

    def unavailable_entry(self, reason: str) -> JourneyEntry:
        return JourneyEntry(
            self.name,
            self.title_zh,
            self.title_en,
            "",
            "",
            "",
            _not_offered,
            unavailable=lambda: reason,
        )

    def faults(self, terminal: Terminal) -> str:
        """The FAULT of any device in ``needs_working``, as "kind: reason"; "" if none."""
        down = []
        for kind in self.needs_working:
            health = terminal.devices[kind].health()
            if health.state is HealthState.FAULT:
                down.append(f"{kind.value}: {health.reason or 'fault'}")
        return "; ".join(down)

    def refusal(self, terminal: Terminal) -> str:
        """Why a citizen cannot start this journey now ("" if they can)."""
        faults = self.faults(terminal)
        if faults or not self.queues_bytes:
            return faults
        admission = terminal.outbox.can_accept(self.queues_bytes, pii=True)
        return "" if admission.ok else f"outbox: {admission.reason}"


def _not_offered(_ctx: JourneyContext, _now: float) -> Journey:
    raise RuntimeError("an unavailable journey is never started")


def ticket_offer(terminal: Terminal) -> JourneyEntry:
    config = terminal.config
    return ticket_entry(TicketService(config, terminal.ticket_printer, build_allocator(config)))


def photo_offer(terminal: Terminal) -> JourneyEntry:
    config = terminal.config
    entry = photo_entry(
        cast(Camera, terminal.devices[DeviceKind.CAMERA]),  # not started yet: see starting()
        lambda: booth_engine(config.photo.offered[0], config.photo.background),
        photo_delivery(terminal),
        offered_specs(terminal),
        receipt_printer(terminal),
    )
    return starting(terminal, DeviceKind.CAMERA, entry)


def starting(terminal: Terminal, kind: DeviceKind, entry: JourneyEntry) -> JourneyEntry:
    """``entry`` whose journey first starts the lazy device ``kind`` (the camera: its
    capture and OpenCV load when a citizen first opens the journey, not at boot)."""

    def start(ctx: JourneyContext, now: float) -> Journey:
        terminal.use(kind)
        return entry.start(ctx, now)

    return replace(entry, start=start)


def form_offer(terminal: Terminal) -> JourneyEntry | None:
    forms = form_services(terminal)
    return None if forms is None else form_entry(forms)


def identity_offer(terminal: Terminal) -> JourneyEntry | None:
    """The identity check (issue 10), or None when its face models are not installed;
    the models and the camera load on first use."""
    from kiosk.identity.models import ModelError, model_files
    from kiosk.identity.wiring import identity_services

    try:
        model_files()
    except ModelError as exc:
        log.warning("identity check not offered: %s", exc.problem)
        return None
    return starting(terminal, DeviceKind.CAMERA, identity_entry(identity_services(terminal)))


ID_CARD, CAMERA = DeviceKind.ID_CARD, DeviceKind.CAMERA
TICKET_PRINTER, FORM_PRINTER = DeviceKind.TICKET_PRINTER, DeviceKind.FORM_PRINTER

# The menu, in order. A new journey adds one line here. A printer that is out of paper
# does not close a journey: the ticket number and the form's receipt are shown on screen
# (and the form is queued for the centre) when they cannot be printed.
# The form journey asks the outbox itself (its own screen says why it cannot start).
PHOTO_BYTES = 1024 * 1024  # the accepted JPEG and its record, with room to spare
EVIDENCE_BYTES = 1024 * 1024  # the best frame, the measurements, the document data
OFFERS: list[JourneyOffer] = [
    JourneyOffer("ticket", "取号排队", "Queue number", (TICKET_PRINTER,), ticket_offer),
    JourneyOffer("photo", "免费证件照", "ID photo", (CAMERA,), photo_offer, (CAMERA,), PHOTO_BYTES),
    JourneyOffer("form", "自助填表", "Forms", (ID_CARD, FORM_PRINTER), form_offer, (ID_CARD,)),
    JourneyOffer(
        "identity",
        "身份核验",
        "Verify identity",
        (ID_CARD, CAMERA),
        identity_offer,
        (ID_CARD, CAMERA),
        EVIDENCE_BYTES,
    ),
]


def available_journeys(terminal: Terminal) -> list[JourneyEntry]:
    """The menu, in order. A journey whose device could not be opened stays out of the
    menu (marked ``unavailable`` so the menu can say so); the others are unaffected."""
    entries: list[JourneyEntry] = []
    for offer in OFFERS:
        missing = [f"{k.value}: {why}" for k in offer.needs if (why := terminal.unavailable(k))]
        if missing:
            log.warning("journey %s not offered: %s", offer.name, "; ".join(missing))
            entries.append(offer.unavailable_entry("; ".join(missing)))
            continue
        entry = offer.build(terminal)
        if entry is not None and (offer.needs_working or offer.queues_bytes):
            entry = replace(entry, unavailable=partial(offer.refusal, terminal))
        if entry is not None:
            entries.append(entry)
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
        with_fleet_forms(load_catalog(), terminal.config),
        terminal.id_card,
        desk,
        today=lambda: datetime.now(tz).date(),
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
