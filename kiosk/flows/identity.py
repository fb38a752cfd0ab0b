"""The identity check journey: consent, the document, the live check, the match, a result.

A state machine like the other journeys (docs/adr/0002). The live check asks for a few
actions drawn at random, one at a time, each on its own screen id so the screen and the
spoken prompt change with it; liveness is judged on camera frame times, not the UI clock.
Frame analysis, the match and writing the evidence run on the journey pool.

Nothing of the face reaches the disk except inside the encrypted outbox record; the
analyser's crops, the document and the evidence are wiped when the session ends.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Any, Protocol

from devices.base import DeviceError
from devices.camera.protocol import Camera, Frame
from devices.health import DeviceEvent, EventKind, HealthState
from devices.idcard.protocol import CardReadError, DocumentAccess, IdCardReader, Presence
from devices.idcard.record import IdDocument
from kiosk.config.schema import IdentityConfig
from kiosk.flows.journey import JourneyContext, JourneyEntry
from kiosk.flows.machine import Machine, Timeout
from kiosk.identity.challenges import INSTRUCTIONS, Action, ChallengeSet, draw_challenges
from kiosk.identity.document import Reference, access_from_typed, reference_of
from kiosk.identity.liveness import FailReason, LivenessSession, LiveState, Observation
from kiosk.identity.matcher import MatchResult
from kiosk.session import Session

log = logging.getLogger(__name__)

CARD_READ_TIMEOUT_S = 2.0
CARD_READ_TRIES = 3  # a misread placement is read again this often, then lifted
ANALYSIS_SLICE_S = 0.12  # one pool job analyses the new frames of about one UI tick


class IdState(Enum):
    CONSENT = auto()
    DECLINED = auto()
    DOCUMENT = auto()
    MRZ = auto()
    LOOK = auto()  # find one face looking ahead (the baseline)
    ACTING = auto()  # one action asked
    RETRY = auto()  # a try failed: new actions in a moment
    CAMERA_LOST = auto()
    MATCHING = auto()  # match and evidence being written
    RESULT = auto()
    FINISHED = auto()


class IdEvent(Enum):
    AGREE = auto()
    DECLINE = auto()
    PASSPORT = auto()
    MRZ_DONE = auto()
    BACK = auto()
    DOCUMENT_READ = auto()
    FACE_READY = auto()
    TRY_FAILED = auto()
    AGAIN = auto()
    LIVE_DONE = auto()
    CAMERA_LOST = auto()
    CAMERA_BACK = auto()
    SAVED = auto()
    TIMEOUT = auto()
    CLOSE = auto()


class CardStep(Enum):
    """What the document screen asks (a card is read only when placed in this journey)."""

    PLACE = "place"
    LIFT_FIRST = "lift_first"  # a card lay there before this journey asked: lift it
    READING = "reading"
    PLACE_AGAIN = "place_again"  # it could not be read: lift it and place it again


class Outcome(Enum):
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"
    REVIEW = "review"


# The live screen is one QML file; each action has its own id so the prompt is spoken.
ACTION_SCREENS = {a: f"identity_{a.value}" for a in Action}
SCREENS = {
    IdState.CONSENT: "identity_consent",
    IdState.DECLINED: "identity_declined",
    IdState.DOCUMENT: "identity_document",
    IdState.MRZ: "identity_mrz",
    IdState.LOOK: "identity_look",
    IdState.RETRY: "identity_retry",
    IdState.CAMERA_LOST: "identity_camera_lost",
    IdState.MATCHING: "identity_matching",
    IdState.RESULT: "identity_result",
    IdState.FINISHED: "identity_result",
}

# Shown and signed: what the citizen agrees to (the evidence keeps its SHA-256).
CONSENT_ZH = (
    "身份核验会采集：一张最清晰的人脸照片、动作测量数据（眨眼、张嘴、转头的数值，不录像）"
    "以及证件信息。用途：确认您本人在场并与证件照片一致。保存期限：{days} 天，之后删除。"
    "您也可以不用人脸识别，持证件原件到人工窗口核验。"
    "本动作检测不是经认证的防伪攻击检测设备。"
)
CONSENT_EN = (
    "The identity check collects one best image of your face, the measurements of the "
    "actions you make (numbers for blinking, mouth and head movements, no video) and your "
    "document's data. Why: to confirm you are here in person and match your document's "
    "photo. Kept for {days} days, then deleted. You may instead have your original "
    "document checked at a counter, without face recognition. This action check is not a "
    "certified presentation-attack detector."
)


class IdentityEngine(Protocol):
    """Frame analysis and matching (OpenCV and mediapipe: built on first use)."""

    model_id: str
    model_sha256: str

    def analyse(self, image: Any, t_ms: int) -> Observation: ...

    def best_frame_jpeg(self) -> tuple[bytes, float, int, int] | None: ...

    def match(self, reference: Any, threshold: float) -> MatchResult | None: ...

    def wipe(self) -> None: ...


@dataclass
class CheckRecord:
    """What the finished check hands to the outbox (personal data; wiped after)."""

    check_id: str
    reference: Reference
    consent: dict[str, Any]
    tries: list[dict[str, Any]]
    best_frame: tuple[bytes, float, int, int] | None
    model_id: str
    model_sha256: str
    threshold: float
    match: MatchResult | None
    outcome: Outcome
    reason: str
    issued_at: float
    completed_at: float = field(default_factory=time.time)

    def wipe(self) -> None:
        self.reference.wipe()
        self.best_frame = None
        self.tries = []


# Queues the check's evidence for the centre; returns the receipt number.
EvidenceDelivery = Callable[[CheckRecord], str]


@dataclass
class IdentityServices:
    reader: IdCardReader
    camera: Camera
    engine: Callable[[], IdentityEngine]
    deliver: EvidenceDelivery
    online: Callable[[], bool]
    settings: IdentityConfig
    # Draws each try's actions; the tour scripts it so that every action is shown.
    draw: Callable[[int], ChallengeSet] = draw_challenges


@dataclass
class TryState:
    challenges: ChallengeSet
    session: LivenessSession
    issued_at: float = field(default_factory=time.time)
    completed_at: float | None = None
    t0: float | None = None  # the first frame's timestamp: t_ms counts from here


class IdentityJourney:
    """One citizen proving "I am me". The UI calls the verbs and ``tick``."""

    name = "identity"

    def __init__(
        self, services: IdentityServices, session: Session, pool: ThreadPoolExecutor, now: float
    ) -> None:
        self._s = services
        self._pool = pool
        self.settings = services.settings
        self.language = session.language
        self.document: IdDocument | None = None
        self.reference: Reference | None = None
        self.access: DocumentAccess | None = None
        self.mrz_problem = ""
        self.tries: list[TryState] = []
        self.failures = 0
        self.last_failure: FailReason | None = None
        self.outcome: Outcome | None = None
        self.reason = ""
        self.match: MatchResult | None = None
        self.receipt: str | None = None
        self.consent_at: float | None = None
        self.frame: Frame | None = None  # the newest analysed frame (for the preview)
        self._engine: IdentityEngine | None = None
        self._reading: Future[IdDocument] | None = None
        self.card_step = CardStep.PLACE
        self._placed = False  # a card was placed during this journey and is still there
        self._read_due = False
        self._read_tries = 0
        self._analysing: Future[list[tuple[Frame, Observation]]] | None = None
        self._finishing: Future[tuple[str, CheckRecord]] | None = None
        session.put("identity_journey", self)  # wiped (via wipe()) when the session ends
        S, E = IdState, IdEvent
        self.machine: Machine[IdState, IdEvent] = Machine(
            "identity",
            S.CONSENT,
            {
                (S.CONSENT, E.AGREE): S.DOCUMENT,
                (S.CONSENT, E.DECLINE): S.DECLINED,
                (S.DECLINED, E.TIMEOUT): S.FINISHED,
                (S.DECLINED, E.CLOSE): S.FINISHED,
                (S.DOCUMENT, E.DOCUMENT_READ): S.LOOK,
                (S.DOCUMENT, E.PASSPORT): S.MRZ,
                (S.DOCUMENT, E.BACK): S.CONSENT,
                (S.DOCUMENT, E.TIMEOUT): S.FINISHED,
                (S.MRZ, E.MRZ_DONE): S.DOCUMENT,
                (S.MRZ, E.BACK): S.DOCUMENT,
                (S.MRZ, E.TIMEOUT): S.FINISHED,
                (S.LOOK, E.FACE_READY): S.ACTING,
                (S.LOOK, E.TRY_FAILED): S.RETRY,
                (S.LOOK, E.LIVE_DONE): S.MATCHING,
                (S.ACTING, E.FACE_READY): S.ACTING,  # next action
                (S.ACTING, E.TRY_FAILED): S.RETRY,
                (S.ACTING, E.LIVE_DONE): S.MATCHING,
                (S.RETRY, E.AGAIN): S.LOOK,
                (S.RETRY, E.LIVE_DONE): S.MATCHING,
                (S.LOOK, E.CAMERA_LOST): S.CAMERA_LOST,
                (S.ACTING, E.CAMERA_LOST): S.CAMERA_LOST,
                (S.CAMERA_LOST, E.CAMERA_BACK): S.LOOK,
                (S.CAMERA_LOST, E.TIMEOUT): S.MATCHING,
                (S.MATCHING, E.SAVED): S.RESULT,
                (S.RESULT, E.TIMEOUT): S.FINISHED,
                (S.RESULT, E.CLOSE): S.FINISHED,
            },
            {
                S.CONSENT: Timeout(120.0, E.DECLINE),
                S.DECLINED: Timeout(60.0, E.TIMEOUT),
                S.DOCUMENT: Timeout(120.0, E.TIMEOUT),
                S.MRZ: Timeout(180.0, E.TIMEOUT),
                S.LOOK: Timeout(30.0, E.TRY_FAILED),
                # A backstop: each action's own window runs on the camera's clock.
                S.ACTING: Timeout(20.0, E.TRY_FAILED),
                S.RETRY: Timeout(3.0, E.AGAIN),
                S.CAMERA_LOST: Timeout(60.0, E.TIMEOUT),
                S.RESULT: Timeout(60.0, E.TIMEOUT),
            },
            now=now,
        )
        self.machine.on_enter(self._entered)

    # -- what the UI reads ------------------------------------------------------------
    @property
    def state(self) -> IdState:
        return self.machine.state

    @property
    def finished(self) -> bool:
        return self.state is IdState.FINISHED

    @property
    def screen(self) -> str:
        action = self.current_action
        if self.state is IdState.ACTING and action is not None:
            return ACTION_SCREENS[action]
        return SCREENS[self.state]

    @property
    def current_try(self) -> TryState | None:
        return self.tries[-1] if self.tries else None

    @property
    def current_action(self) -> Action | None:
        t = self.current_try
        step = t.session.current if t is not None else None
        return step.action if step is not None else None

    @property
    def step_number(self) -> int:
        t = self.current_try
        return t.session.index + 1 if t is not None else 0

    @property
    def step_count(self) -> int:
        t = self.current_try
        return len(t.challenges.actions) if t is not None else self.settings.actions

    @property
    def instruction(self) -> tuple[str, str]:
        action = self.current_action
        if self.state is IdState.ACTING and action is not None:
            w = INSTRUCTIONS[action]
            return w.zh, w.en
        return "请正对镜头，保持一人入镜", "Look at the camera. Only one person, please."

    def step_seconds_left(self) -> int | None:
        t = self.current_try
        if t is None or t.t0 is None or self.frame is None or self.state is not IdState.ACTING:
            return None
        left = t.session.time_left_ms(self._t_ms(t, self.frame))
        return None if left is None else max(0, -(-left // 1000))

    @property
    def can_go_back(self) -> bool:
        return self.state in (IdState.CONSENT, IdState.DECLINED)

    @property
    def idle_exempt(self) -> bool:
        # Acting in front of the camera, the citizen touches nothing; every state of
        # this journey returns by itself.
        return True

    @property
    def holds_personal_data(self) -> bool:
        return self.document is not None or bool(self.tries)

    def prompt_values(self) -> dict[str, str]:
        tail = self.receipt.rsplit("-", 1)[-1] if self.receipt else ""
        return {"receipt": " ".join(tail)}

    def remaining(self, now: float) -> float | None:
        return self.machine.remaining(now)

    def consent_text(self) -> tuple[str, str]:
        days = self.settings.evidence_retention_days
        return CONSENT_ZH.format(days=days), CONSENT_EN.format(days=days)

    # -- what the citizen does --------------------------------------------------------
    def agree(self, now: float) -> None:
        if self.machine.can(IdEvent.AGREE):
            self.consent_at = time.time()
            self.machine.fire(IdEvent.AGREE, now)

    def decline(self, now: float) -> None:
        if self.machine.can(IdEvent.DECLINE):
            self.machine.fire(IdEvent.DECLINE, now)

    def passport(self, now: float) -> None:
        if self.machine.can(IdEvent.PASSPORT):
            self._reading = None
            self.machine.fire(IdEvent.PASSPORT, now)

    def enter_mrz(self, number: str, birth: str, expiry: str, now: float) -> bool:
        """The passport's number, birth and expiry dates as typed; False (and
        ``mrz_problem`` set to the field) when one is not valid."""
        try:
            self.access = access_from_typed(number, birth, expiry)
        except ValueError as exc:
            self.mrz_problem = getattr(exc, "field", "document_number")
            return False
        self.mrz_problem = ""
        self.machine.fire(IdEvent.MRZ_DONE, now)
        return True

    def back(self, now: float) -> bool:
        if not self.machine.can(IdEvent.BACK):
            return False
        self._reading = None
        self.machine.fire(IdEvent.BACK, now)
        return True

    def done(self, now: float) -> None:
        if self.machine.can(IdEvent.CLOSE):
            self.machine.fire(IdEvent.CLOSE, now)

    def on_device_event(self, event: DeviceEvent, now: float) -> bool:
        """A card placed now is read once; one lifted changes what the screen asks."""
        if event.kind is EventKind.CARD_INSERTED:
            self._placed = True
            if self.state is IdState.DOCUMENT and self._reading is None:
                self._read_due, self._read_tries = True, 0
                self.card_step = CardStep.READING
                return True
        elif event.kind is EventKind.CARD_REMOVED:
            self._placed = False
            if self.state is IdState.DOCUMENT and self.card_step is not CardStep.PLACE:
                self._read_due = False
                self.card_step = CardStep.PLACE
                return True
        return False

    def close(self) -> None:
        for future in (self._reading, self._analysing):
            if future is not None:
                future.cancel()
        self._reading = self._analysing = None
        # A check being written completes (the outbox is atomic); its receipt is not shown.
        self.wipe()

    def wipe(self) -> None:
        """Forget the face, the document and the measurements."""
        if self.document is not None:
            self.document.wipe()
        self.document = None
        if self.reference is not None:
            self.reference.wipe()
        self.reference = None
        self.access = None
        self.tries = []
        self.frame = None
        if self._engine is not None:
            self._engine.wipe()

    # -- time -------------------------------------------------------------------------
    def tick(self, now: float) -> bool:
        before = (self.screen, self.card_step)
        if self.state is IdState.DOCUMENT:
            self._poll_document(now)
        if self.state in (IdState.LOOK, IdState.ACTING, IdState.CAMERA_LOST):
            self._watch_camera(now)
        if self.state in (IdState.LOOK, IdState.ACTING):
            self._collect_analysis(now)
            self._start_analysis()
        if self.state is IdState.RETRY and self.failures >= self.settings.max_tries:
            self._finish(now)  # the counter route: no more tries
        if self.state is IdState.MATCHING:
            self._collect_result(now)
        self.machine.tick(now)
        return before != (self.screen, self.card_step)

    def _ask_for_document(self) -> None:
        """The document screen appears: read a card placed in this journey (or a passport
        whose data page the citizen just typed), never one left from before."""
        self._reading = None
        try:
            self._s.reader.ask_for_card()
            there = self._s.reader.presence is not Presence.ABSENT
        except DeviceError as exc:
            log.warning("document reader: %s", exc.reason)
            there = False
        self._read_tries = 0
        # The typed MRZ is the chip's key: the passport on the reader is this citizen's.
        self._read_due = there and (self._placed or self.access is not None)
        if self._read_due:
            self.card_step = CardStep.READING
        else:
            self.card_step = CardStep.LIFT_FIRST if there else CardStep.PLACE

    def _poll_document(self, now: float) -> None:
        if self._reading is None:
            if self._read_due:
                self._read_due = False
                self._read_tries += 1
                access = self.access
                self._reading = self._pool.submit(self._s.reader.read, CARD_READ_TIMEOUT_S, access)
            return
        if not self._reading.done():
            return
        future, self._reading = self._reading, None
        try:
            doc = future.result()
        except Exception as exc:
            if not isinstance(exc, CardReadError):  # a driver bug must not take the screen down
                log.error("document read failed: %s", type(exc).__name__)
            if self._read_tries < CARD_READ_TRIES:
                self._read_due = True  # the same placement, read again
            else:
                self.card_step = CardStep.PLACE_AGAIN
            return
        self.document = doc
        self.reference = reference_of(doc)
        self.machine.fire(IdEvent.DOCUMENT_READ, now)

    def _watch_camera(self, now: float) -> None:
        faulty = self._s.camera.health().state is HealthState.FAULT
        if faulty and self.machine.can(IdEvent.CAMERA_LOST):
            self._analysing = None
            self.machine.fire(IdEvent.CAMERA_LOST, now)
        elif not faulty and self.state is IdState.CAMERA_LOST:
            self.machine.fire(IdEvent.CAMERA_BACK, now)

    def _engine_ready(self) -> IdentityEngine:
        if self._engine is None:
            self._engine = self._s.engine()
        return self._engine

    def _start_analysis(self) -> None:
        if self._analysing is not None:
            return
        frame = self._s.camera.latest()
        if frame is None or (self.frame is not None and frame.seq <= self.frame.seq):
            return
        t = self.current_try
        if t is None:
            return
        if t.t0 is None:
            t.t0 = frame.timestamp
        last = self.frame.seq if self.frame is not None else -1
        self._analysing = self._pool.submit(self._analyse, t, last)

    @staticmethod
    def _t_ms(t: TryState, frame: Frame) -> int:
        return round((frame.timestamp - (t.t0 or frame.timestamp)) * 1000)

    def _analyse(self, t: TryState, last_seq: int) -> list[tuple[Frame, Observation]]:
        """Every new camera frame for up to one UI tick: the analysis keeps the camera's
        pace (an action of a few frames is not missed), not the screen's."""
        engine = self._engine_ready()
        out: list[tuple[Frame, Observation]] = []
        started = time.monotonic()
        while time.monotonic() - started < ANALYSIS_SLICE_S:
            frame = self._s.camera.latest()
            if frame is None or frame.seq <= last_seq:
                if out:
                    break
                time.sleep(0.005)
                continue
            last_seq = frame.seq
            out.append((frame, engine.analyse(frame.image, self._t_ms(t, frame))))
        return out

    def _collect_analysis(self, now: float) -> None:
        if self._analysing is None or not self._analysing.done():
            return
        future, self._analysing = self._analysing, None
        try:
            analysed = future.result()
        except Exception:
            log.exception("live analysis failed")
            return
        for frame, obs in analysed:
            self._take(frame, obs, now)
            if self.state not in (IdState.LOOK, IdState.ACTING):
                break

    def _take(self, frame: Frame, obs: Observation, now: float) -> None:
        """One analysed frame into the current try; moves the journey on its outcome."""
        t = self.current_try
        if t is None:
            return
        self.frame = frame
        before_index = t.session.index
        state = t.session.feed(obs)
        if state is LiveState.ACTING:
            t.session.timeout(self._t_ms(t, frame))
            state = t.session.state
        if state is LiveState.ACTING and (
            self.state is IdState.LOOK or t.session.index != before_index
        ):
            self.machine.fire(IdEvent.FACE_READY, now)
        elif state is LiveState.PASSED:
            t.completed_at = time.time()
            self._finish(now)
        elif state is LiveState.FAILED:
            t.completed_at = time.time()
            self.last_failure = t.session.fail_reason
            if t.session.fail_reason is FailReason.SWAPPED:
                self.failures += 1
                self._finish(now)  # another person: no further try
            else:
                self.machine.fire(IdEvent.TRY_FAILED, now)

    def _entered(self, state: IdState) -> None:
        if state is IdState.DOCUMENT:
            self._ask_for_document()
        if state is IdState.LOOK:
            challenges = self._s.draw(self.settings.actions)
            self.tries.append(TryState(challenges, LivenessSession(challenges.actions)))
            self.frame = None
        if state is IdState.RETRY:
            # Also reached by the LOOK/ACTING timeouts (no face, camera frozen).
            self._analysing = None
            self.failures += 1
            t = self.current_try
            if t is not None and t.completed_at is None:
                t.completed_at = time.time()
                if self.last_failure is None or not t.session.done:
                    self.last_failure = t.session.fail_reason or FailReason.TIMEOUT

    def _finish(self, now: float) -> None:
        """Liveness is over (passed, or no tries left): match, decide, queue the evidence."""
        self.machine.fire(IdEvent.LIVE_DONE, now)
        self._finishing = self._pool.submit(self._decide_and_deliver)

    def _decide_and_deliver(self) -> tuple[str, CheckRecord]:
        engine = self._engine_ready()
        ref = self.reference or Reference("centre", "unknown", "0" * 64)
        t = self.current_try
        live = t is not None and t.session.state is LiveState.PASSED
        match: MatchResult | None = None
        threshold = self.settings.match_threshold
        if not live:
            outcome = Outcome.NOT_VERIFIED
            reason = self.last_failure.value if self.last_failure else "camera_lost"
        elif ref.image is None:
            outcome, reason = Outcome.REVIEW, "no_local_reference"
        else:
            match = engine.match(ref.image, threshold)
            if match is None:
                outcome, reason = Outcome.REVIEW, "no_usable_face"
            elif not match.same_person:
                outcome, reason = Outcome.NOT_VERIFIED, "not_same_person"
            elif not self._s.online():
                outcome, reason = Outcome.REVIEW, "offline"
            else:
                outcome, reason = Outcome.VERIFIED, ""
        days = self.settings.evidence_retention_days
        zh, en = self.consent_text()
        record = CheckRecord(
            check_id=uuid.uuid4().hex,
            reference=ref,
            consent={
                "given": True,
                "at": self.consent_at or time.time(),
                "language": self.language,
                "wording": zh if self.language == "zh_CN" else en,
                "retention_days": days,
            },
            tries=[
                {
                    "nonce": tr.challenges.nonce,
                    "actions": [a.value for a in tr.challenges.actions],
                    "issued_at": tr.issued_at,
                    "completed_at": tr.completed_at or time.time(),
                    "passed": tr.session.state is LiveState.PASSED,
                    "fail_reason": tr.session.fail_reason.value if tr.session.fail_reason else "",
                    **tr.session.series(),
                }
                for tr in self.tries
            ],
            best_frame=engine.best_frame_jpeg() if live else None,
            model_id=engine.model_id,
            model_sha256=engine.model_sha256,
            threshold=threshold,
            match=match,
            outcome=outcome,
            reason=reason,
            issued_at=self.tries[0].issued_at if self.tries else time.time(),
        )
        try:
            return self._s.deliver(record), record
        finally:
            record.wipe()

    def _collect_result(self, now: float) -> None:
        if self._finishing is None or not self._finishing.done():
            return
        future, self._finishing = self._finishing, None
        try:
            receipt, record = future.result()
            self.receipt = receipt
            self.outcome, self.reason, self.match = record.outcome, record.reason, record.match
        except Exception as exc:  # outbox full or broken: say so, never crash
            log.warning("identity check could not be queued: %s", type(exc).__name__)
            self.receipt = ""
            self.outcome, self.reason = Outcome.REVIEW, "not_saved"
        # The evidence has left the journey: forget the face now.
        if self._engine is not None:
            self._engine.wipe()
        self.machine.fire(IdEvent.SAVED, now)


def identity_entry(services: IdentityServices) -> JourneyEntry:
    """The menu tile for the identity check."""

    def start(ctx: JourneyContext, now: float) -> IdentityJourney:
        return IdentityJourney(services, ctx.session, ctx.pool, now)

    return JourneyEntry(
        name="identity",
        title_zh="身份核验",
        title_en="Verify identity",
        subtitle_zh="刷证件，按提示做动作，核对是否本人",
        subtitle_en="Your document, a few actions, and a face match",
        icon="验",
        start=start,
    )
