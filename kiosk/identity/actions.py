"""One detector per action: did the citizen do what was asked, in the asked direction?

A detector reads the measurements of its own step against the citizen's neutral
baseline. It waits until the face is back to neutral ("armed") so that the end of the
previous action never counts for this one, then watches for its own action. A turn,
a nod or an open mouth that was NOT asked ends the step as a wrong action, so a clip
that performs every action in turn cannot pass; blinking is never held against anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.identity.challenges import Action
from kiosk.identity.measure import Measurement


@dataclass(frozen=True)
class LivenessParams:
    """Thresholds of the action detectors (relative to the citizen's neutral face)."""

    blink_closed: float = 0.65  # eye ratio at or below this share of neutral: eyes shut
    blink_open: float = 0.82  # and back above this share: eyes open again
    mouth_open: float = 0.18  # inner lip gap / mouth width above neutral + this: open
    mouth_neutral: float = 0.12
    turn_deg: float = 18.0  # yaw beyond neutral +- this: turned
    nod_deg: float = 10.0  # pitch below neutral by this: head down
    neutral_deg: float = 8.0  # within this of neutral: back to the start position
    hold_frames: int = 2  # a pose must show in this many frames in a row
    baseline_frames: int = 5  # neutral frames measured before the first step
    lost_face_ms: int = 400  # no face this long: the step starts again
    max_restarts: int = 6  # restarts in one try before the try fails
    swap_similarity: float = 0.30  # SFace cosine to the first face below this: someone else


class StepOutcome(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    WRONG_ACTION = "wrong_action"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class Baseline:
    ear: float
    mouth: float
    yaw: float
    pitch: float

    def as_dict(self) -> dict[str, float]:
        return {
            "ear": round(self.ear, 4),
            "mouth": round(self.mouth, 4),
            "yaw": round(self.yaw, 2),
            "pitch": round(self.pitch, 2),
        }


def baseline_of(frames: list[Measurement]) -> Baseline:
    """Median of the neutral frames (one odd frame does not move it)."""

    def med(values: list[float]) -> float:
        s = sorted(values)
        return s[len(s) // 2]

    return Baseline(
        ear=med([m.ear for m in frames]),
        mouth=med([m.mouth for m in frames]),
        yaw=med([m.yaw for m in frames]),
        pitch=med([m.pitch for m in frames]),
    )


def is_neutral(m: Measurement, base: Baseline, p: LivenessParams) -> bool:
    """Facing the camera as at the start, mouth closed (eyes may blink)."""
    return (
        abs(m.yaw - base.yaw) < p.neutral_deg
        and abs(m.pitch - base.pitch) < p.neutral_deg
        and m.mouth < base.mouth + p.mouth_neutral
    )


class ActionDetector:
    """Feeds on one step's frames; ``outcome`` says where the step stands."""

    def __init__(self, action: Action, base: Baseline, params: LivenessParams) -> None:
        self.action = action
        self.base = base
        self.p = params
        self.armed = False
        self.outcome = StepOutcome.PENDING
        self.at_ms: int | None = None
        self.wrong: str = ""  # which action was seen instead
        self._phase = 0  # blink: 1 = eyes shut seen; nod: 1 = head down seen
        self._run: dict[str, int] = {}

    def _held(self, name: str, now: bool) -> bool:
        """True once ``now`` was true for ``hold_frames`` frames in a row."""
        self._run[name] = self._run.get(name, 0) + 1 if now else 0
        return self._run[name] >= self.p.hold_frames

    def feed(self, m: Measurement) -> StepOutcome:
        if self.outcome is not StepOutcome.PENDING or not m.has_face:
            return self.outcome
        b, p = self.base, self.p
        if not self.armed:
            self.armed = is_neutral(m, b, p) and m.ear >= b.ear * p.blink_open
            if not self.armed:
                return self.outcome
        yaw, down = m.yaw - b.yaw, m.pitch - b.pitch
        turned_left = self._held("left", yaw >= p.turn_deg)
        turned_right = self._held("right", yaw <= -p.turn_deg)
        mouth_open = self._held("mouth", m.mouth >= b.mouth + p.mouth_open)
        head_down = self._held("down", down >= p.nod_deg)
        head_up = self._held("up", down <= -p.nod_deg * 1.5)
        a = self.action
        # What this step is waiting for.
        if a is Action.BLINK:
            if m.ear <= b.ear * p.blink_closed:
                self._phase = 1
            elif self._phase == 1 and m.ear >= b.ear * p.blink_open:
                return self._passed(m)
        elif (
            (a is Action.OPEN_MOUTH and mouth_open)
            or (a is Action.TURN_LEFT and turned_left)
            or (a is Action.TURN_RIGHT and turned_right)
        ):
            return self._passed(m)
        elif a is Action.NOD:
            if head_down:
                self._phase = 1
            elif self._phase == 1 and abs(down) < p.neutral_deg:
                return self._passed(m)
            elif self._phase == 0 and head_up:
                # A nod starts downwards: tilting the head back first is the other way.
                return self._wrong(m, "nod_up")
        # What it must not see.
        unasked = {
            Action.TURN_LEFT: turned_left,
            Action.TURN_RIGHT: turned_right,
            Action.OPEN_MOUTH: mouth_open,
            Action.NOD: head_down or head_up,
        }
        for other, seen in unasked.items():
            if seen and other is not a:
                # Turning the head shifts the pitch estimate a little: a turn step is
                # judged by its yaw and mouth only.
                if other is Action.NOD and a in (Action.TURN_LEFT, Action.TURN_RIGHT):
                    continue
                return self._wrong(m, other.value)
        return self.outcome

    def _wrong(self, m: Measurement, seen: str) -> StepOutcome:
        self.outcome = StepOutcome.WRONG_ACTION
        self.wrong = seen
        self.at_ms = m.t_ms
        return self.outcome

    def _passed(self, m: Measurement) -> StepOutcome:
        self.outcome = StepOutcome.PASSED
        self.at_ms = m.t_ms
        return self.outcome
