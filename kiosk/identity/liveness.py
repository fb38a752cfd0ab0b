"""One try of the live check: a neutral start, then each asked action in its own window.

The session is fed one :class:`Observation` per analysed frame (time in milliseconds
from the clip's or the camera's start) and decides; it never sees an image. The same
class judges a clip (``kiosk identity check``) and the camera (the journey).

Rules:
- before the first action, a few frames of ONE face looking ahead give the baseline;
- a second face, or the face lost for ``lost_face_ms``, restarts the current step
  (its window starts again); more than ``max_restarts`` restarts fail the try;
- the face must stay the same person: an SFace comparison with the first face below
  ``swap_similarity`` fails the whole check (``swapped``), with no further try;
- each action must come within its own window (``challenges.WINDOW_S``), in the order
  asked; an unasked turn, nod or open mouth fails the try (``wrong_action``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.identity.actions import (
    ActionDetector,
    Baseline,
    LivenessParams,
    StepOutcome,
    baseline_of,
    is_neutral,
)
from kiosk.identity.challenges import WINDOW_S, Action
from kiosk.identity.measure import Measurement


class LiveState(StrEnum):
    BASELINE = "baseline"  # waiting for one face looking ahead
    ACTING = "acting"  # an action is asked
    PASSED = "passed"
    FAILED = "failed"


class FailReason(StrEnum):
    TIMEOUT = "timeout"
    WRONG_ACTION = "wrong_action"
    SWAPPED = "swapped"  # another person took over: no further try
    UNSTEADY = "unsteady"  # too many restarts (faces coming and going)
    NO_FACE = "no_face"


class Restart(StrEnum):
    SECOND_FACE = "second_face"
    FACE_LOST = "face_lost"


@dataclass(frozen=True)
class Observation:
    """What the frame analyser says about one frame."""

    m: Measurement
    # SFace cosine to the first face of the check, when this frame was compared.
    similarity: float | None = None


@dataclass
class StepRecord:
    action: Action
    window_ms: int
    started_ms: int = -1
    outcome: StepOutcome = StepOutcome.PENDING
    at_ms: int | None = None
    wrong: str = ""
    restarts: list[dict[str, object]] = field(default_factory=list)
    series: list[list[float]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.outcome is StepOutcome.PASSED

    def as_dict(self) -> dict[str, object]:
        return {
            "action": self.action.value,
            "window_ms": self.window_ms,
            "started_ms": self.started_ms,
            "outcome": self.outcome.value,
            "at_ms": self.at_ms,
            "wrong": self.wrong,
            "restarts": self.restarts,
            "series": self.series,
        }


class LivenessSession:
    """One try: baseline, then the actions in order. Feed observations; read the state."""

    def __init__(self, actions: tuple[Action, ...], params: LivenessParams | None = None) -> None:
        self.p = params or LivenessParams()
        self.actions = actions
        self.state = LiveState.BASELINE
        self.fail_reason: FailReason | None = None
        self.steps = [StepRecord(a, int(WINDOW_S[a] * 1000)) for a in actions]
        self.index = 0
        self.baseline: Baseline | None = None
        self.baseline_series: list[list[float]] = []
        self.faces_seen = 0  # most faces seen in one frame
        self.frames = 0
        self.restart_count = 0
        self.last_restart: Restart | None = None
        self.low_similarity = 0
        self.min_similarity: float | None = None
        self._neutral: list[Measurement] = []
        self._detector: ActionDetector | None = None
        self._last_face_ms: int | None = None
        self._face_lost = False

    # -- what readers need ------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self.state in (LiveState.PASSED, LiveState.FAILED)

    @property
    def current(self) -> StepRecord | None:
        return self.steps[self.index] if self.state is LiveState.ACTING else None

    def time_left_ms(self, now_ms: int) -> int | None:
        step = self.current
        if step is None or step.started_ms < 0:
            return None
        return max(0, step.window_ms - (now_ms - step.started_ms))

    # -- feeding ----------------------------------------------------------------------
    def feed(self, obs: Observation) -> LiveState:
        if self.done:
            return self.state
        m = obs.m
        self.frames += 1
        self.faces_seen = max(self.faces_seen, m.faces)
        if obs.similarity is not None:
            self._check_same_person(obs.similarity)
            if self.done:
                return self.state
        if self.state is LiveState.BASELINE:
            self._feed_baseline(m)
        else:
            self._feed_step(m)
        return self.state

    def _check_same_person(self, similarity: float) -> None:
        if self.min_similarity is None or similarity < self.min_similarity:
            self.min_similarity = similarity
        # Two low comparisons in a row: one blurred frame is not a new person.
        self.low_similarity = self.low_similarity + 1 if similarity < self.p.swap_similarity else 0
        if self.low_similarity >= 2:
            self._fail(FailReason.SWAPPED)

    def _feed_baseline(self, m: Measurement) -> None:
        if m.faces != 1:
            self._neutral.clear()
            return
        self.baseline_series.append(m.row())
        candidate = [*self._neutral, m]
        base = baseline_of(candidate)
        if all(is_neutral(x, base, self.p) for x in candidate):
            self._neutral = candidate
        else:
            self._neutral = [m]
        if len(self._neutral) >= self.p.baseline_frames:
            self.baseline = baseline_of(self._neutral)
            self.state = LiveState.ACTING
            self._start_step(m.t_ms)

    def _start_step(self, t_ms: int) -> None:
        assert self.baseline is not None
        step = self.steps[self.index]
        step.started_ms = t_ms
        self._detector = ActionDetector(step.action, self.baseline, self.p)
        self._last_face_ms = t_ms

    def _restart(self, why: Restart, t_ms: int) -> None:
        step = self.steps[self.index]
        step.restarts.append({"at_ms": t_ms, "why": why.value})
        self.restart_count += 1
        self.last_restart = why
        if self.restart_count > self.p.max_restarts:
            self._fail(FailReason.UNSTEADY, step)
            return
        self._start_step(t_ms)

    def _feed_step(self, m: Measurement) -> None:
        step = self.steps[self.index]
        step.series.append(m.row())
        if m.faces >= 2:
            self._restart(Restart.SECOND_FACE, m.t_ms)
            return
        if not m.has_face:
            assert self._last_face_ms is not None
            if not self._face_lost and m.t_ms - self._last_face_ms >= self.p.lost_face_ms:
                self._face_lost = True
            return
        if self._face_lost:
            self._face_lost = False
            self._restart(Restart.FACE_LOST, m.t_ms)
            return
        self._last_face_ms = m.t_ms
        assert self._detector is not None
        outcome = self._detector.feed(m)
        if outcome is StepOutcome.PASSED:
            step.outcome, step.at_ms = outcome, self._detector.at_ms
            self.index += 1
            if self.index == len(self.steps):
                self.state = LiveState.PASSED
            else:
                self._start_step(m.t_ms)
        elif outcome is StepOutcome.WRONG_ACTION:
            step.outcome, step.at_ms = outcome, self._detector.at_ms
            step.wrong = self._detector.wrong
            self._fail(FailReason.WRONG_ACTION, step)
        elif m.t_ms - step.started_ms > step.window_ms:
            self.timeout(m.t_ms)

    def timeout(self, now_ms: int) -> None:
        """The current step's window is over (also called by the journey's clock)."""
        step = self.current
        if step is not None and now_ms - step.started_ms > step.window_ms:
            step.outcome = StepOutcome.TIMEOUT
            self._fail(FailReason.TIMEOUT, step)

    def end_of_clip(self) -> None:
        """No more frames: whatever is still pending did not happen."""
        if self.done:
            return
        if self.state is LiveState.BASELINE:
            self._fail(FailReason.NO_FACE if self.faces_seen == 0 else FailReason.TIMEOUT)
            return
        step = self.steps[self.index]
        step.outcome = StepOutcome.TIMEOUT
        self._fail(FailReason.TIMEOUT, step)

    def _fail(self, reason: FailReason, step: StepRecord | None = None) -> None:
        self.state = LiveState.FAILED
        self.fail_reason = reason
        if step is not None and step.outcome is StepOutcome.PENDING:
            step.outcome = StepOutcome.TIMEOUT

    def series(self) -> dict[str, object]:
        """Every number this try measured (for the evidence record): no image."""
        return {
            "columns": ["t_ms", "faces", "ear", "mouth", "yaw", "pitch"],
            "baseline": self.baseline.as_dict() if self.baseline else None,
            "baseline_series": self.baseline_series,
            "steps": [s.as_dict() for s in self.steps],
        }
