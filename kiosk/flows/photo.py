"""The ID-photo journey: choose the photo, live preview with guidance, countdown,
capture, result, saved (receipt printed), help.

The UI shows the state; it never decides the next one. Live analysis and the still
pipeline run on the journey pool, never on the UI thread. A lost camera moves the
journey to CAMERA_LOST (a clear screen), and back to the preview when it returns.
After three captures that gave no compliant photo the terminal offers staff help.

The countdown never starts the moment the citizen arrives: it starts when they tap
"I'm ready" (as soon as the pose is right), or by itself once the pose has been
right for a few seconds and the preview has been up long enough to be explained.
A photo the citizen does not accept is not kept: when the result screen times out
the photo is forgotten, and that screen says so beside its countdown (ADR 0012).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum, auto
from typing import TYPE_CHECKING, Protocol

from devices.camera.protocol import Camera, Frame
from devices.health import DeviceEvent, HealthState
from kiosk.flows.journey import JourneyContext, JourneyEntry
from kiosk.flows.machine import Machine, Timeout
from kiosk.photo.context import Image, PhotoContext
from kiosk.photo.errors import PhotoError
from kiosk.photo.specs import PhotoSpec

if TYPE_CHECKING:  # the live analyser pulls in OpenCV: not at terminal start-up
    from kiosk.photo.live import Guidance

log = logging.getLogger(__name__)


class PhotoState(Enum):
    CHOOSE = auto()  # which photo (only when the hall offers more than one)
    PREVIEW = auto()
    COUNTDOWN = auto()
    PROCESSING = auto()
    RESULT = auto()
    SAVING = auto()
    SAVED = auto()
    HELP = auto()
    CAMERA_LOST = auto()
    FINISHED = auto()


class PhotoEvent(Enum):
    CHOSEN = auto()
    CHOOSE_AGAIN = auto()
    READY = auto()
    NOT_READY = auto()
    COUNTED_DOWN = auto()
    PROCESSED = auto()
    FAILED = auto()
    TOO_MANY_FAILURES = auto()
    RETAKE = auto()
    ACCEPT = auto()
    SAVED = auto()
    CAMERA_LOST = auto()
    CAMERA_BACK = auto()
    TIMEOUT = auto()
    CLOSE = auto()


SCREENS = {
    PhotoState.CHOOSE: "photo_choose",
    PhotoState.PREVIEW: "photo_preview",
    PhotoState.COUNTDOWN: "photo_countdown",
    PhotoState.PROCESSING: "photo_processing",
    PhotoState.RESULT: "photo_result",
    PhotoState.SAVING: "photo_result",
    PhotoState.SAVED: "photo_saved",
    PhotoState.HELP: "photo_help",
    PhotoState.CAMERA_LOST: "photo_camera_lost",
    PhotoState.FINISHED: "photo_result",
}


class PhotoEngine(Protocol):
    def use(self, spec: PhotoSpec) -> None:
        """Make photos of this spec from now on (the citizen's choice)."""

    def analyse_live(self, frame: Image) -> Guidance: ...

    def preview(self, frame: Image) -> Image: ...

    def take(self, frames: list[Image]) -> PhotoContext: ...


# Queues an accepted photo for the centre and returns its receipt number.
PhotoDelivery = Callable[["PhotoOutcome"], str]
# Prints the receipt slip for a queued photo (receipt number, spec); raises if not printed.
ReceiptPrinter = Callable[[str, PhotoSpec], None]


def _keep_nowhere(outcome: PhotoOutcome) -> str:
    raise RuntimeError("this terminal has no outbox for photos")


class Printed(Enum):
    """What became of the receipt slip."""

    NOT_TRIED = auto()  # nothing was saved, or this terminal prints no slips
    PRINTED = auto()
    FAILED = auto()


@dataclass(frozen=True)
class PhotoTimings:
    countdown_s: float = 3.0
    # The countdown starts by itself only after the pose has been right this long,
    # and never sooner than min_preview_s after the preview appears (its spoken
    # explanation takes ~4 s; an elderly citizen needs time to sit and look).
    steady_s: float = 3.0
    min_preview_s: float = 6.0
    steady_frames: int = 3  # consecutive analyses that confirm (or undo) readiness
    burst: int = 4  # frames captured at the end of the countdown
    choose_timeout_s: float = 120.0
    preview_timeout_s: float = 180.0
    result_timeout_s: float = 120.0  # then the photo is NOT kept (the screen says so)
    saved_timeout_s: float = 30.0  # the receipt stays up this long
    help_timeout_s: float = 120.0
    max_failures: int = 3


@dataclass
class PhotoOutcome:
    """The finished photo (personal data: memory only, wiped with the journey)."""

    jpeg: bytes
    preview_bgr: Image
    compliant: bool
    failed_checks: list[str]
    spec_id: str = ""  # which photo the citizen chose (kiosk/photo/specs.toml)


class PhotoJourney:
    """One citizen taking one ID photo. The UI calls ``tick``, ``choose``, ``ready``,
    ``retake``, ``accept``."""

    name = "photo"

    def __init__(
        self,
        camera: Camera,
        engine: PhotoEngine,
        pool: ThreadPoolExecutor,
        now: float,
        timings: PhotoTimings | None = None,
        deliver: PhotoDelivery | None = None,
        specs: tuple[PhotoSpec, ...] = (),
        print_receipt: ReceiptPrinter | None = None,
    ) -> None:
        self.camera = camera
        self._deliver = deliver or _keep_nowhere
        self._print_receipt = print_receipt
        self._saving: Future[tuple[str, Printed]] | None = None
        self.receipt: str | None = None  # after SAVED: the number, or "" if it failed
        self.printed = Printed.NOT_TRIED  # after SAVED: the receipt slip
        self.engine = engine
        self.specs = specs  # what the hall offers; empty: whatever the engine makes
        self.spec: PhotoSpec | None = specs[0] if len(specs) == 1 else None
        self._pool = pool
        self.t = timings or PhotoTimings()
        self.guidance: Guidance | None = None
        self.frame: Frame | None = None  # the frame the guidance belongs to
        self.preview: Image | None = None  # that frame with the new background
        self.outcome: PhotoOutcome | None = None
        self.failures = 0
        self.last_failure: str = ""  # key of the instruction explaining the last failure
        self.asked = False  # the citizen tapped "I'm ready"
        self._preview_since = now
        self._ready_since: float | None = None  # since when every live check passes
        self._steady = 0
        self._unsteady = 0
        self._analysing: Future[tuple[Frame, Guidance, Image | None]] | None = None
        self._taking: Future[PhotoContext] | None = None
        S, E = PhotoState, PhotoEvent
        self.machine: Machine[PhotoState, PhotoEvent] = Machine(
            "photo",
            S.CHOOSE if len(specs) > 1 else S.PREVIEW,
            {
                (S.CHOOSE, E.CHOSEN): S.PREVIEW,
                (S.CHOOSE, E.TIMEOUT): S.FINISHED,
                (S.PREVIEW, E.CHOOSE_AGAIN): S.CHOOSE,
                (S.PREVIEW, E.READY): S.COUNTDOWN,
                (S.COUNTDOWN, E.NOT_READY): S.PREVIEW,
                (S.COUNTDOWN, E.COUNTED_DOWN): S.PROCESSING,
                (S.PROCESSING, E.PROCESSED): S.RESULT,
                (S.PROCESSING, E.FAILED): S.PREVIEW,
                (S.PROCESSING, E.TOO_MANY_FAILURES): S.HELP,
                (S.RESULT, E.RETAKE): S.PREVIEW,
                (S.RESULT, E.ACCEPT): S.SAVING,
                (S.SAVING, E.SAVED): S.SAVED,
                (S.SAVED, E.TIMEOUT): S.FINISHED,
                (S.SAVED, E.CLOSE): S.FINISHED,
                # Not accepted in time: the photo is not kept (the screen says so).
                (S.RESULT, E.TIMEOUT): S.FINISHED,
                (S.HELP, E.RETAKE): S.PREVIEW,
                (S.HELP, E.TIMEOUT): S.FINISHED,
                (S.HELP, E.CLOSE): S.FINISHED,
                (S.PREVIEW, E.CAMERA_LOST): S.CAMERA_LOST,
                (S.COUNTDOWN, E.CAMERA_LOST): S.CAMERA_LOST,
                (S.CAMERA_LOST, E.CAMERA_BACK): S.PREVIEW,
                (S.CAMERA_LOST, E.TIMEOUT): S.FINISHED,
                (S.CAMERA_LOST, E.CLOSE): S.FINISHED,
                (S.PREVIEW, E.TIMEOUT): S.FINISHED,
                (S.PREVIEW, E.CLOSE): S.FINISHED,
                (S.COUNTDOWN, E.CLOSE): S.FINISHED,
                (S.RESULT, E.CLOSE): S.FINISHED,
            },
            {
                S.CHOOSE: Timeout(self.t.choose_timeout_s, E.TIMEOUT),
                S.COUNTDOWN: Timeout(self.t.countdown_s, E.COUNTED_DOWN),
                S.PREVIEW: Timeout(self.t.preview_timeout_s, E.TIMEOUT),
                S.RESULT: Timeout(self.t.result_timeout_s, E.TIMEOUT),
                S.SAVED: Timeout(self.t.saved_timeout_s, E.TIMEOUT),
                S.HELP: Timeout(self.t.help_timeout_s, E.TIMEOUT),
                S.CAMERA_LOST: Timeout(self.t.help_timeout_s, E.TIMEOUT),
            },
            now=now,
        )
        self.machine.on_enter(self._entered)
        if self.spec is not None:
            engine.use(self.spec)

    # -- what the UI reads ------------------------------------------------------------
    @property
    def state(self) -> PhotoState:
        return self.machine.state

    @property
    def finished(self) -> bool:
        return self.state is PhotoState.FINISHED

    @property
    def holds_personal_data(self) -> bool:
        return True  # a face

    @property
    def screen(self) -> str:
        if self.state is PhotoState.SAVED and self.printed is Printed.FAILED:
            return "photo_not_printed"  # saved, but the receipt slip did not come out
        return SCREENS[self.state]

    @property
    def can_go_back(self) -> bool:
        return self.state in (
            PhotoState.CHOOSE,
            PhotoState.PREVIEW,
            PhotoState.COUNTDOWN,
            PhotoState.CAMERA_LOST,
            PhotoState.HELP,
        )

    @property
    def can_choose_again(self) -> bool:
        """Back from the preview goes to the choice of photo, not out of the journey."""
        return len(self.specs) > 1 and self.machine.can(PhotoEvent.CHOOSE_AGAIN)

    @property
    def idle_exempt(self) -> bool:
        # A citizen posing for the camera touches nothing: every state of this
        # journey times out by itself instead.
        return True

    def prompt_values(self) -> dict[str, str]:
        # "T01-20261127-7KQ3MX" is read as its last part, character by character.
        tail = self.receipt.rsplit("-", 1)[-1] if self.receipt else ""
        return {"receipt": " ".join(tail)}

    def on_device_event(self, event: DeviceEvent, now: float) -> bool:
        # Camera loss is read from the camera's health on every tick.
        return False

    def remaining(self, now: float) -> float | None:
        return self.machine.remaining(now)

    def countdown_left(self, now: float) -> float | None:
        """Seconds of the 3-2-1 left, or None when no countdown runs."""
        return self.remaining(now) if self.state is PhotoState.COUNTDOWN else None

    # -- what the citizen does --------------------------------------------------------
    def choose(self, spec_id: str, now: float) -> None:
        """The citizen picked which photo to take (one of the hall's specs)."""
        spec = next((s for s in self.specs if s.id == spec_id), None)
        if spec is None:
            raise ValueError(f"photo {spec_id!r} is not offered here")
        if self.machine.can(PhotoEvent.CHOSEN):
            self.spec = spec
            self.engine.use(spec)
            self.machine.fire(PhotoEvent.CHOSEN, now)

    def choose_again(self, now: float) -> None:
        if self.can_choose_again:
            self.machine.fire(PhotoEvent.CHOOSE_AGAIN, now)

    def ready(self, now: float) -> None:
        """The citizen tapped "I'm ready": the countdown starts now if the pose is
        right, else as soon as it is (the instruction on screen says what to change)."""
        if self.state is not PhotoState.PREVIEW:
            return
        self.asked = True
        if self.guidance is not None and self.guidance.ready:
            self.machine.fire(PhotoEvent.READY, now)

    def retake(self, now: float) -> None:
        if self.machine.can(PhotoEvent.RETAKE):
            if self.state is PhotoState.HELP:
                self.failures = 0
            self.machine.fire(PhotoEvent.RETAKE, now)

    def accept(self, now: float) -> None:
        """The citizen keeps the photo: it is queued for the centre under a receipt
        number, then the receipt slip is printed."""
        if self.machine.can(PhotoEvent.ACCEPT) and self.outcome is not None:
            self.machine.fire(PhotoEvent.ACCEPT, now)
            self._saving = self._pool.submit(self._save, self.outcome)

    def close(self) -> None:
        """The journey is left: forget the face and drop work in flight."""
        for future in (self._analysing, self._taking, self._saving):
            if future is not None:
                future.cancel()
        self._analysing = self._taking = self._saving = None
        self.wipe()

    def wipe(self) -> None:
        """Forget the face: the outcome and the frames the preview kept."""
        self.outcome = None
        self.frame = None
        self.preview = None
        self.guidance = None

    # -- time -------------------------------------------------------------------------
    def tick(self, now: float) -> bool:
        """Advance on camera health, finished analyses and timeouts; True if changed."""
        before = (self.state, self.outcome)
        self._watch_camera(now)
        if self.state in (PhotoState.PREVIEW, PhotoState.COUNTDOWN):
            self._collect_analysis(now)
            self._start_analysis()
        if self.state is PhotoState.PROCESSING:
            self._collect_photo(now)
        if self.state is PhotoState.SAVING:
            self._collect_saved(now)
        self.machine.tick(now)
        if self.state is PhotoState.FINISHED:
            self.wipe()  # e.g. the result was not accepted in time: not kept
        # Guidance changes are not screen changes: the booth view-model polls those.
        return before != (self.state, self.outcome)

    def _watch_camera(self, now: float) -> None:
        if self.state is PhotoState.CHOOSE:
            return
        faulty = self.camera.health().state is HealthState.FAULT
        if faulty and self.machine.can(PhotoEvent.CAMERA_LOST):
            self.guidance = None
            self.machine.fire(PhotoEvent.CAMERA_LOST, now)
        elif not faulty and self.state is PhotoState.CAMERA_LOST:
            self.machine.fire(PhotoEvent.CAMERA_BACK, now)

    def _start_analysis(self) -> None:
        if self._analysing is not None:
            return
        frame = self.camera.latest()
        if frame is None or (self.frame is not None and frame.seq == self.frame.seq):
            return
        self._analysing = self._pool.submit(self._analyse, frame)

    def _analyse(self, frame: Frame) -> tuple[Frame, Guidance, Image | None]:
        guidance = self.engine.analyse_live(frame.image)
        try:
            preview = self.engine.preview(frame.image)
        except Exception:  # the raw frame still guides the citizen
            log.exception("preview background failed")
            preview = None
        return frame, guidance, preview

    def _collect_analysis(self, now: float) -> None:
        if self._analysing is None or not self._analysing.done():
            return
        future, self._analysing = self._analysing, None
        try:
            self.frame, self.guidance, self.preview = future.result()
        except Exception:
            log.exception("live analysis failed")
            return
        if self.guidance.ready:
            self._steady, self._unsteady = self._steady + 1, 0
            if self._ready_since is None:
                self._ready_since = now
        else:
            self._steady, self._unsteady = 0, self._unsteady + 1
            self._ready_since = None
        if self.state is PhotoState.PREVIEW and self._may_start(now):
            self.machine.fire(PhotoEvent.READY, now)
        elif self.state is PhotoState.COUNTDOWN and self._unsteady >= self.t.steady_frames:
            self.machine.fire(PhotoEvent.NOT_READY, now)

    def _may_start(self, now: float) -> bool:
        if self.asked:  # the citizen said so: start once the pose is right
            return self._steady >= 1
        return (
            self._ready_since is not None
            and self._steady >= self.t.steady_frames
            and now - self._ready_since >= self.t.steady_s
            and now - self._preview_since >= self.t.min_preview_s
        )

    def _entered(self, state: PhotoState) -> None:
        if state is PhotoState.PROCESSING:
            self._taking = self._pool.submit(self._capture)
        if state is PhotoState.PREVIEW:
            self._steady = self._unsteady = 0
            self._ready_since = None
            self.asked = False
            self._preview_since = self.machine.entered_at
            self.outcome = None

    def _capture(self) -> PhotoContext:
        """The newest few frames (distinct), then the engine keeps the best one."""
        frames: list[Image] = []
        seen = -1
        deadline = time.monotonic() + 1.5
        while len(frames) < self.t.burst and time.monotonic() < deadline:
            frame = self.camera.latest()
            if frame is not None and frame.seq != seen:
                seen = frame.seq
                frames.append(frame.image)
            else:
                time.sleep(0.01)
        if not frames:
            raise PhotoError("no frames from the camera")
        return self.engine.take(frames)

    def _collect_photo(self, now: float) -> None:
        if self._taking is None or not self._taking.done():
            return
        future, self._taking = self._taking, None
        try:
            ctx = future.result()
        except Exception as exc:  # no face, camera gone: a failed try, never a crash
            log.info("photo capture failed: %s", type(exc).__name__)
            self.last_failure = "no_face"
            self._failed(now)
            return
        failed = [c.name for c in ctx.checks if not c.passed]
        if not ctx.compliant or ctx.jpeg is None or ctx.output is None:
            self.last_failure = failed[0] if failed else "no_face"
            self._failed(now)
            return
        self.outcome = PhotoOutcome(ctx.jpeg, ctx.output, True, failed, ctx.spec.id)
        self.machine.fire(PhotoEvent.PROCESSED, now)

    def _save(self, outcome: PhotoOutcome) -> tuple[str, Printed]:
        """Queue first (the photo is safe once this returns), then print the slip."""
        receipt = self._deliver(outcome)
        if self._print_receipt is None or self.spec is None:
            return receipt, Printed.NOT_TRIED
        try:
            self._print_receipt(receipt, self.spec)
        except Exception as exc:  # paper out, printer gone: the screen says so
            log.info("photo receipt not printed: %s", type(exc).__name__)
            return receipt, Printed.FAILED
        return receipt, Printed.PRINTED

    def _collect_saved(self, now: float) -> None:
        if self._saving is None or not self._saving.done():
            return
        future, self._saving = self._saving, None
        try:
            self.receipt, self.printed = future.result()
        except Exception as exc:  # outbox full or broken: say so, never crash
            log.warning("photo could not be queued: %s", type(exc).__name__)
            self.receipt, self.printed = "", Printed.NOT_TRIED
        # The photo has left the journey (encrypted in the outbox, or refused): forget it.
        self.outcome = None
        self.machine.fire(PhotoEvent.SAVED, now)

    def _failed(self, now: float) -> None:
        self.failures += 1
        if self.failures >= self.t.max_failures:
            self.machine.fire(PhotoEvent.TOO_MANY_FAILURES, now)
        else:
            self.machine.fire(PhotoEvent.FAILED, now)


def _short_names(specs: tuple[PhotoSpec, ...], zh: bool) -> str:
    names = [s.short_name if zh else s.short_name_en for s in specs]
    if len(names) > 3:  # the tile has room for three; the choice screen shows all
        names = names[:3]
        return ("、".join(names) + "等") if zh else (", ".join(names) + " and more")
    return "、".join(names) if zh else ", ".join(names)


def photo_entry(
    camera: Camera,
    engine: Callable[[], PhotoEngine],
    deliver: PhotoDelivery | None = None,
    specs: tuple[PhotoSpec, ...] = (),
    print_receipt: ReceiptPrinter | None = None,
) -> JourneyEntry:
    """The menu tile for the free ID photo: it names the photos this hall offers.
    The engine is built on first use."""
    built: list[PhotoEngine] = []

    def start(ctx: JourneyContext, now: float) -> PhotoJourney:
        if not built:
            built.append(engine())
        return PhotoJourney(
            camera, built[0], ctx.pool, now, specs=specs, print_receipt=print_receipt,
            deliver=ctx.session.keeping_booth_photo(deliver or _keep_nowhere),
        )  # fmt: skip

    offered_zh = _short_names(specs, zh=True) if specs else "证件"
    offered_en = _short_names(specs, zh=False) if specs else "ID"
    return JourneyEntry(
        name="photo",
        title_zh="免费证件照",
        title_en="Free ID photo",
        subtitle_zh=f"{offered_zh}照片，当场拍好",
        subtitle_en=f"{offered_en} photos, ready in a minute",
        icon="照",
        start=start,
    )
