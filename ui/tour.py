"""``kiosk tour``: drive the kiosk through every screen and save each as a PNG.

Runs on simulated devices in a throw-away data folder, with a clock the tour moves
by hand so countdowns show fixed values.
"""

from __future__ import annotations

import copy
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QGuiApplication

from devices.base import DeviceKind
from devices.camera.sim import SimCamera
from devices.form_printer.sim import SimFormPrinter
from devices.idcard.record import IdDocument
from devices.idcard.sim import SimIdCardReader, sample_card
from devices.ticket_printer.protocol import PrinterFault
from devices.ticket_printer.sim import SimTicketPrinter
from kiosk.config import KioskConfig
from kiosk.flows.diagnostics import DiagnosticsJourney
from kiosk.flows.form import FormJourney, form_entry
from kiosk.flows.kiosk import KioskController
from kiosk.flows.photo import PhotoEngine, PhotoEvent, PhotoJourney, PhotoState, photo_entry
from kiosk.flows.ticket import TicketJourney, TicketResult
from kiosk.forms.desk import FormDesk
from kiosk.forms.ports import PrintRecord, Submission, SubmissionRecorder
from kiosk.journeys import form_services, offered_specs, photo_delivery, receipt_printer
from kiosk.photo.context import Image, PhotoContext
from kiosk.photo.specs import PhotoSpec
from kiosk.technician.pin import hash_pin
from kiosk.terminal import build_terminal
from ui.a11y import accessible_items
from ui.app import KioskUi

# Called after each screenshot with the PNG's name (tests audit the live scene).
Inspect = Callable[[str, KioskUi], None]

if TYPE_CHECKING:
    from kiosk.photo.live import Guidance


class ManualClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


# The tour signs in with the shipped default PIN (a terminal in a hall has its own).
TOUR_PIN = "620851"


def simulated(config: KioskConfig, data_dir: Path) -> KioskConfig:
    """The same config with every device simulated and data kept in ``data_dir``."""
    devices = config.devices.model_copy(
        update={
            "id_card": "sim://",
            "camera": "sim://",
            "form_printer": "sim://?delay_ms=50",
            "ticket_printer": "sim://?delay_ms=50",
        }
    )
    terminal = config.terminal.model_copy(update={"data_dir": str(data_dir)})
    technician = config.technician.model_copy(update={"pin_hash": hash_pin(TOUR_PIN, 1000)})
    return config.model_copy(
        update={"devices": devices, "terminal": terminal, "technician": technician}
    )


def settle(ui: KioskUi, until: Callable[[], bool] | None = None, timeout_s: float = 5.0) -> None:
    """Let Qt lay out and paint; optionally wait for a condition in the core."""
    deadline = time.monotonic() + timeout_s
    while True:
        QGuiApplication.processEvents()
        ui.tick()
        if until is None or until() or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    for _ in range(5):
        QGuiApplication.processEvents()
        time.sleep(0.01)


def new_citizen(
    c: KioskController, clock: ManualClock, language: str, large: bool, journey: str
) -> None:
    """A new citizen in ``language`` (large text or not) opens ``journey``."""
    c.set_language(language, clock())
    c.set_large_text(large, clock())
    c.start(clock())
    c.open_journey(journey, clock())


def choose(c: KioskController, code: str, now: float) -> None:
    """What a tap on a service tile does."""
    journey = c.journey_as(TicketJourney)
    assert journey is not None
    journey.choose(code, now)
    c.acted(now)


def ticket_result(c: KioskController) -> TicketResult | None:
    journey = c.journey_as(TicketJourney)
    return journey.result if journey is not None else None


_FORM_ANSWERS = {
    "mobile": "13800001234",
    "current_address": "武汉市江汉区新华路1号2栋301",
    "emergency_name": "李四",
    "emergency_phone": "027-87654321",
    "permit_action": "first",
    "destination": "hk",
    "endorsement": "tourism",
    "trips": "1",
    "had_permit": "no",
}


class _SampleSitter:
    """The booth engine for the tour's result and saved screens.

    The simulated sitter (Grace Hopper) wears her cap, which the booth rightly refuses,
    and no cap-free neutral face ships offline. So after the screens that show the
    refusal, the tour lets the cap pass: live guidance is the real one without that
    check, and the photo is the real pipeline's, its head-covering result left out.
    A layout sample for reviewers, never used by the kiosk.
    """

    def __init__(self, real: PhotoEngine) -> None:
        self.real = real

    def use(self, spec: PhotoSpec) -> None:
        self.real.use(spec)

    def analyse_live(self, frame: Image) -> Guidance:
        g = self.real.analyse_live(frame)
        rest = [c for c in g.checks if c.name != "head_covering"]
        return replace(g, checks=rest, ready=g.ready or all(c.passed for c in rest))

    def preview(self, frame: Image) -> Image:
        return self.real.preview(frame)

    def take(self, frames: list[Image]) -> PhotoContext:
        ctx = self.real.take(frames)
        ctx.checks = [c for c in ctx.checks if c.name != "head_covering"]
        return ctx


def _photo_tour(
    ui: KioskUi,
    c: KioskController,
    clock: ManualClock,
    language: str,
    large: bool,
    shot: Callable[[str], None],
) -> None:
    """The photo booth's screens (issue 6): the simulated camera shows a real face."""
    camera = ui.terminal.camera
    if not isinstance(camera, SimCamera) or "photo" not in c.entries:
        return
    new_citizen(c, clock, language, large, "photo")
    j = c.journey_as(PhotoJourney)
    assert j is not None
    if j.state is PhotoState.CHOOSE:
        shot("17-photo-choose")
        j.choose(j.specs[0].id, clock())
        c.acted(clock())
    # The first analysis loads the models; later ones take a camera frame's time.
    # Grace Hopper's cap: the booth asks her to take it off (and waits).
    settle(ui, lambda: j.guidance is not None and j.guidance.key == "hat", timeout_s=90)
    shot("17-photo-preview")
    real, spec, booth = j.engine, j.spec, c.entries["photo"]
    c.back(clock())
    t = ui.terminal
    sample = _SampleSitter(real)
    c.entries["photo"] = photo_entry(
        camera, lambda: sample, photo_delivery(t), offered_specs(t), receipt_printer(t)
    )
    try:
        c.open_journey("photo", clock())
        j = c.journey_as(PhotoJourney)
        assert j is not None
        if j.state is PhotoState.CHOOSE and spec is not None:
            j.choose(spec.id, clock())
            c.acted(clock())
        settle(ui, lambda: j.guidance is not None and j.guidance.ready, timeout_s=30)
        j.ready(clock())  # the citizen taps "I'm ready"
        c.acted(clock())
        settle(ui, lambda: j.state is PhotoState.COUNTDOWN, timeout_s=30)
        shot("18-photo-countdown")
        _photo_result_and_saved(ui, c, j, clock, shot)
    finally:
        c.entries["photo"] = booth
    c.finish(clock())
    c.set_language(language, clock())
    c.set_large_text(large, clock())
    c.open_journey("photo", clock())
    j = c.journey_as(PhotoJourney)
    assert j is not None
    if j.state is PhotoState.CHOOSE:
        j.choose(j.specs[0].id, clock())
        c.acted(clock())
    camera.lose()
    settle(ui, lambda: j.state is PhotoState.CAMERA_LOST)
    shot("21-photo-camera-lost")
    camera.show_empty_booth()
    camera.restore()
    settle(ui, lambda: j.state is PhotoState.PREVIEW)
    # Two tries already failed; the third capture of an empty booth fails too.
    j.failures = j.t.max_failures - 1
    j.machine.fire(PhotoEvent.READY, clock())
    j.machine.fire(PhotoEvent.COUNTED_DOWN, clock())
    settle(ui, lambda: j.state is PhotoState.HELP, timeout_s=60)
    shot("22-photo-help")
    camera.show_empty_booth(False)
    c.cancel(clock())


def _photo_result_and_saved(
    ui: KioskUi,
    c: KioskController,
    j: PhotoJourney,
    clock: ManualClock,
    shot: Callable[[str], None],
) -> None:
    def later() -> bool:
        """Half a second on: the countdown runs on the tour's clock; the citizen stays."""
        clock.advance(0.5)
        c.touch(clock())
        return True

    settle(
        ui, lambda: later() and j.state in (PhotoState.PROCESSING, *_AFTER_CAPTURE), timeout_s=60
    )
    if j.state is PhotoState.PROCESSING:
        shot("24-photo-processing")
    settle(ui, lambda: later() and j.state in _AFTER_CAPTURE, timeout_s=60)
    shot("19-photo-result")
    j.accept(clock())
    settle(ui, lambda: j.state is PhotoState.SAVED, timeout_s=30)
    shot("20-photo-saved")


_AFTER_CAPTURE = (PhotoState.RESULT, PhotoState.PREVIEW, PhotoState.HELP)


class _FailingRecorder:
    """An outbox that is full (refused before anything is asked) or fails while writing."""

    def __init__(self) -> None:
        self.full = "outbox nearly full (the tour)"

    def refusal(self) -> str:
        return self.full

    def record_submission(self, submission: Submission, printer: str) -> None:
        raise OSError("disk I/O error (the tour)")

    def record_print(self, receipt: str, printed: PrintRecord) -> None:
        raise AssertionError("nothing was queued, so nothing may print")


def _desk_with(desk: FormDesk, recorder: SubmissionRecorder) -> FormDesk:
    other = copy.copy(desk)
    other.recorder = recorder
    return other


def _form_tour(
    ui: KioskUi,
    c: KioskController,
    clock: ManualClock,
    language: str,
    large: bool,
    shot: Callable[[str], None],
) -> None:
    """The form journey's screens (issue 7), on the simulated reader and printer: printed,
    not printed (paper out), not submitted (the outbox failed to write), and refused before
    anything is asked (the outbox is full)."""
    reader, printer = ui.terminal.id_card, ui.terminal.form_printer
    if not isinstance(reader, SimIdCardReader) or "form" not in c.entries:
        return
    services = form_services(ui.terminal)
    assert services is not None
    failing = _FailingRecorder()
    entry = c.entries["form"]
    failing_entry = form_entry(replace(services, desk=_desk_with(services.desk, failing)))
    c.entries["form"] = failing_entry
    new_citizen(c, clock, language, large, "form")
    shot("17-form-unavailable")
    c.cancel(clock())
    failing.full = ""
    for paper_out in (False, True, None):  # None: the outbox fails while writing
        c.entries["form"] = entry if paper_out is not None else failing_entry
        new_citizen(c, clock, language, large, "form")
        journey = c.journey_as(FormJourney)
        assert journey is not None
        if not paper_out:
            shot("10-form-choose")
        journey.choose("hk_macau_travel", clock())
        c.acted(clock())
        reader.remove()
        if not paper_out:
            shot("11-form-card")
        card = sample_card()  # the fictional card; its number passes GB 11643
        reader.insert(card)
        # The reader is polled on the core's clock, which only moves when the tour says.
        settle(ui, lambda j=journey: clock.advance(0.5) or j.card is not None)  # type: ignore[misc]
        if not paper_out:
            shot("12-form-confirm")
        journey.confirm_card(clock())
        for name, value in _FORM_ANSWERS.items():
            journey.set_answer(name, value, clock())
        c.acted(clock())
        if not paper_out:
            shot("13-form-complete")
        journey.submit_answers(clock())
        c.acted(clock())
        if not paper_out:
            shot("14-form-review")
        if paper_out and isinstance(printer, SimFormPrinter):
            printer.paper_out()
        journey.print(clock())
        c.acted(clock())
        if not paper_out:
            shot("23-form-printing")  # the simulated printer takes a moment
        if paper_out is None:
            settle(ui, lambda j=journey: j.screen == "form_not_submitted", timeout_s=15)  # type: ignore[misc]
            shot("16-form-not-submitted")
            c.finish(clock())
            c.entries["form"] = entry
            continue
        settle(ui, lambda j=journey: j.receipt != "", timeout_s=15)  # type: ignore[misc]
        shot("16-form-not-printed" if paper_out else "15-form-done")
        if isinstance(printer, SimFormPrinter):
            printer.recover()
        c.finish(clock())


def _identity_tour(
    ui: KioskUi,
    c: KioskController,
    clock: ManualClock,
    language: str,
    large: bool,
    shot: Callable[[str], None],
) -> None:
    """The identity check (issue 10): consent, the card, every action performed by the
    simulated camera's portrait (warped), the result. Its actions are scripted so that
    all five show; the judgement is the real one."""

    from kiosk.flows.identity import IdentityJourney, IdState, identity_entry
    from kiosk.identity.challenges import Action, ChallengeSet, new_nonce
    from kiosk.identity.puppet import Performer, puppet_from
    from kiosk.identity.wiring import identity_services

    camera, reader = ui.terminal.camera, ui.terminal.id_card
    if not isinstance(camera, SimCamera) or not isinstance(reader, SimIdCardReader):
        return
    if "identity" not in c.entries:
        return
    services = replace(
        identity_services(ui.terminal), draw=lambda _n: ChallengeSet(tuple(Action), new_nonce())
    )
    c.entries["identity"] = identity_entry(services)
    # Paced frames: every one analysed, on frame time, whatever the machine's load.
    camera.paced = True
    performer = Performer(
        puppet_from(camera.render(0)), seconds=2.0, clock=lambda: camera.frame_time
    )
    camera.play(performer)
    try:
        new_citizen(c, clock, language, large, "identity")
        j = c.journey_as(IdentityJourney)
        assert j is not None
        shot("27-identity-consent")
        # Declining: the counter route, explained.
        j.decline(clock())
        c.acted(clock())
        shot("27-identity-declined")
        c.finish(clock())
        new_citizen(c, clock, language, large, "identity")
        j = c.journey_as(IdentityJourney)
        assert j is not None
        j.agree(clock())
        c.acted(clock())
        reader.remove()
        # A passport: its MRZ typed in, then back to the ID card.
        j.passport(clock())
        c.acted(clock())
        shot("28-identity-mrz")
        j.back(clock())
        c.acted(clock())
        shot("28-identity-document")
        card = sample_card()
        card.photo, card.photo_format = _chip_jpeg(camera.render(0)), "jpeg"
        reader.insert(card)
        settle(ui, lambda: clock.advance(0.5) or j.state is not IdState.DOCUMENT)  # type: ignore[func-returns-value]
        shown: set[str] = set()
        deadline = time.monotonic() + 240
        while j.state in (IdState.LOOK, IdState.ACTING, IdState.RETRY):
            # The tour's clock moves only here, about as fast as the real one: the camera's
            # frames and their analysis run in real time, and an action has its window.
            settle(
                ui,
                lambda: (
                    clock.advance(0.02)  # type: ignore[func-returns-value]
                    or (j.state is IdState.ACTING and j.screen not in shown)
                ),
                timeout_s=30,
            )
            action = j.current_action
            if j.state is IdState.ACTING and action is not None and j.screen not in shown:
                shown.add(j.screen)
                shot(f"29-identity-{action.value.replace('_', '-')}")  # the screen id
                # One movement ends before the next begins, as a person's would.
                settle(ui, lambda: not performer.busy, timeout_s=10)
                performer.perform(action)
            if time.monotonic() > deadline:
                break
        settle(ui, lambda: j.state is IdState.RESULT, timeout_s=60)
        shot("30-identity-result")
        c.finish(clock())
        _identity_moments(ui, c, clock, language, large, shot, card)
    finally:
        camera.play(None)
        camera.show_empty_booth(False)
        camera.paced = False


def _identity_moments(
    ui: KioskUi,
    c: KioskController,
    clock: ManualClock,
    language: str,
    large: bool,
    shot: Callable[[str], None],
    card: IdDocument,
) -> None:
    """The identity check's in-between screens, on a journey of their own (then left):
    looking for the face, the camera gone, a try whose action never came."""
    from kiosk.flows.identity import IdentityJourney, IdState

    camera, reader = ui.terminal.camera, ui.terminal.id_card
    assert isinstance(camera, SimCamera) and isinstance(reader, SimIdCardReader)
    new_citizen(c, clock, language, large, "identity")
    j = c.journey_as(IdentityJourney)
    assert j is not None
    j.agree(clock())
    c.acted(clock())
    camera.play(None)
    camera.show_empty_booth(True)  # nobody in front of the camera yet
    reader.remove()
    reader.insert(card)
    settle(ui, lambda: clock.advance(0.1) or j.state is IdState.LOOK, timeout_s=15)  # type: ignore[func-returns-value]
    shot("28-identity-look")
    camera.lose()
    settle(ui, lambda: clock.advance(0.1) or j.state is IdState.CAMERA_LOST)  # type: ignore[func-returns-value]
    shot("28-identity-camera-lost")
    camera.restore()
    camera.show_empty_booth(False)
    settle(ui, lambda: clock.advance(0.02) or j.state is IdState.ACTING, timeout_s=60)  # type: ignore[func-returns-value]
    clock.advance(21.0)  # the action's window ends: the try failed
    settle(ui, lambda: j.state is IdState.RETRY, timeout_s=10)
    shot("28-identity-retry")
    c.cancel(clock())


def _chip_jpeg(frame: np.ndarray) -> bytes:
    """The simulated portrait as an ID card chip holds it (102 x 126 JPEG)."""
    import cv2

    h, w = frame.shape[:2]
    head = frame[int(h * 0.05) : int(h * 0.6), int(w * 0.38) : int(w * 0.62)]
    ok, buf = cv2.imencode(".jpg", cv2.resize(head, (102, 126), interpolation=cv2.INTER_AREA))
    return buf.tobytes() if ok else b""


def render_tour(config: KioskConfig, out: Path, inspect: Inspect | None = None) -> list[Path]:
    """Every screen as ``out/NN-screen-LANG[-large].png``, and ``out/accessibility.json``:
    for each PNG, the accessibility tree's items with a role, in screen pixels."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    tree: dict[str, list[dict[str, object]]] = {}
    with tempfile.TemporaryDirectory(prefix="kiosk-tour-") as tmp:
        clock = ManualClock()
        ui = KioskUi(build_terminal(simulated(config, Path(tmp))), clock=clock)
        ui.window.resize(1920, 1080)
        ui.window.setPosition(0, 0)  # window pixels are screen pixels
        ui.window.show()
        c = ui.controller
        printer = ui.terminal.ticket_printer
        first_service = config.services[0].code
        try:
            for language in ("zh_CN", "en"):
                for large in (False, True):
                    suffix = f"{language}{'-large' if large else ''}"

                    def shot(name: str, suffix: str = suffix) -> None:
                        settle(ui)
                        path = out / f"{name}-{suffix}.png"
                        ui.grab(path)
                        written.append(path)
                        tree[path.name] = [i.as_dict() for i in accessible_items(ui.window)]
                        if inspect is not None:
                            inspect(path.name, ui)

                    c.set_language(language, clock())
                    c.set_large_text(large, clock())
                    shot("01-attract")
                    c.start(clock())
                    shot("02-menu")
                    c.open_journey("ticket", clock())
                    shot("03-ticket-services")
                    choose(c, first_service, clock())
                    shot("04-ticket-printing")
                    settle(ui, lambda: ticket_result(c) is not None)
                    shot("05-ticket-done")
                    c.finish(clock())
                    new_citizen(c, clock, language, large, "ticket")
                    if isinstance(printer, SimTicketPrinter):
                        printer.inject(PrinterFault.PAPER_OUT)
                    choose(c, first_service, clock())
                    settle(ui, lambda: ticket_result(c) is not None)
                    shot("06-ticket-not-printed")
                    if isinstance(printer, SimTicketPrinter):
                        printer.inject(None)
                    c.finish(clock())
                    c.set_language(language, clock())
                    c.set_large_text(large, clock())
                    c.start(clock())
                    clock.advance(config.ui.idle_timeout_s + 3)
                    shot("07-idle-warning")
                    c.cancel(clock())
                    c.set_language(language, clock())
                    c.set_large_text(large, clock())
                    c.open_journey("diagnostics", clock())
                    shot("08-tech-pin")
                    diag = c.journey_as(DiagnosticsJourney)
                    assert diag is not None
                    diag.enter_pin(TOUR_PIN, clock())
                    diag.run_test(DeviceKind.TICKET_PRINTER)
                    settle(ui, lambda d=diag: not d.idle_exempt)  # type: ignore[misc]
                    shot("09-tech-panel")
                    c.cancel(clock())
                    # Call staff with no centre set: the honest answer (issue 15 item 9).
                    c.set_language(language, clock())
                    c.set_large_text(large, clock())
                    c.start(clock())
                    ui.shell.callStaff()
                    ui.tick()
                    shot("25-staff-unreachable")
                    ui.staff.reset()
                    c.cancel(clock())
                    _form_tour(ui, c, clock, language, large, shot)
                    _photo_tour(ui, c, clock, language, large, shot)
                    _identity_tour(ui, c, clock, language, large, shot)
        finally:
            ui.close()
    (out / "accessibility.json").write_text(
        json.dumps(tree, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return written
