"""The centre's liveness judgement, from the measurement series alone (no frames).

Written apart from the terminal's streaming detectors, as a whole-series reading: for
each asked action, the rows of its step must show that action, in its direction, inside
its window and after the face was back to neutral, and no other deliberate action (a
turn, a nod, an open mouth) may show in that step. A step with fewer than ``min_rows``
measurements is not evidence of a movement.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from offline_cache.wire import SERIES_COLUMNS, TryRecord


@dataclass(frozen=True)
class Rules:
    eyes_shut: float = 0.65  # eye ratio / neutral at or below: shut
    eyes_open: float = 0.80
    mouth_open: float = 0.15  # inner lip gap / width above neutral
    turn_deg: float = 15.0
    nod_deg: float = 8.0
    neutral_deg: float = 9.0
    neutral_mouth: float = 0.12
    min_rows: int = 3  # measurements in a step: fewer cannot show a movement and its end
    min_baseline: int = 3
    max_restarts: int = 6


@dataclass
class StepJudgement:
    action: str
    seen: bool
    at_ms: int | None = None
    why: str = ""


@dataclass
class LivenessJudgement:
    live: bool
    reasons: list[str] = field(default_factory=list)
    steps: list[StepJudgement] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "live": self.live,
            "reasons": self.reasons,
            "steps": [s.__dict__ for s in self.steps],
        }


@dataclass(frozen=True)
class _Row:
    t: int
    faces: int
    ear: float
    mouth: float
    yaw: float
    pitch: float


def _rows(series: list[list[float]]) -> list[_Row]:
    out = []
    for r in series:
        if len(r) != len(SERIES_COLUMNS):
            raise ValueError(f"a series row has {len(r)} values, not {len(SERIES_COLUMNS)}")
        out.append(_Row(int(r[0]), int(r[1]), *map(float, r[2:])))
    return out


def judge_try(t: TryRecord, rules: Rules | None = None) -> LivenessJudgement:
    """Was this try live? Reads only numbers the record carries."""
    r = rules or Rules()
    reasons: list[str] = []
    if t.columns != SERIES_COLUMNS:
        return LivenessJudgement(False, ["unknown series columns"])
    try:
        base_rows = [x for x in _rows(t.baseline_series) if x.faces == 1]
        step_rows = [_rows(s.series) for s in t.steps]
    except (ValueError, TypeError) as exc:
        return LivenessJudgement(False, [f"malformed series: {exc}"])
    if len(base_rows) < r.min_baseline:
        return LivenessJudgement(False, ["no neutral start"])
    ear0 = statistics.median(x.ear for x in base_rows)
    mouth0 = statistics.median(x.mouth for x in base_rows)
    yaw0 = statistics.median(x.yaw for x in base_rows)
    pitch0 = statistics.median(x.pitch for x in base_rows)
    if t.actions != [s.action for s in t.steps]:
        reasons.append("the steps are not the actions asked")
    judged: list[StepJudgement] = []
    last_t = -1
    for step, rows in zip(t.steps, step_rows, strict=True):
        j = StepJudgement(step.action, False)
        judged.append(j)
        if len(step.restarts) > r.max_restarts:
            j.why = "too many restarts"
            continue
        times = [x.t for x in rows]
        if times != sorted(times) or (times and times[0] < last_t):
            j.why = "times go backwards"
            continue
        # Only the rows since the last restart count (a restart starts the step again).
        since = max([int(x.get("at_ms", -1)) for x in step.restarts] + [step.started_ms])
        rows = [x for x in rows if x.t >= since and x.faces == 1]
        if len(rows) < r.min_rows:
            j.why = "too few measurements"
            continue
        # Wait until the face is back to neutral (the previous action undone).
        start = next(
            (
                i
                for i, x in enumerate(rows)
                if abs(x.yaw - yaw0) < r.neutral_deg
                and abs(x.pitch - pitch0) < r.neutral_deg
                and x.mouth < mouth0 + r.neutral_mouth
            ),
            None,
        )
        if start is None:
            j.why = "never back to neutral"
            continue
        seq = rows[start:]
        at = _event(step.action, seq, ear0, mouth0, yaw0, pitch0, r)
        unasked = _unasked(step.action, seq, mouth0, yaw0, pitch0, r, until=at)
        if unasked:
            j.why = f"{unasked} seen instead"
        elif at is None:
            j.why = "not seen"
        elif at - since > step.window_ms:
            j.why = "too late"
        else:
            j.seen, j.at_ms = True, at
            last_t = at
    for j in judged:
        if not j.seen:
            reasons.append(f"{j.action}: {j.why}")
    return LivenessJudgement(not reasons, reasons, judged)


def _event(action: str, rows: list[_Row], ear0: float, mouth0: float, yaw0: float,
           pitch0: float, r: Rules) -> int | None:  # fmt: skip
    """When the action was complete in ``rows``, or None."""
    if action == "blink":
        shut = next((i for i, x in enumerate(rows) if x.ear <= ear0 * r.eyes_shut), None)
        if shut is None:
            return None
        again = next((x.t for x in rows[shut:] if x.ear >= ear0 * r.eyes_open), None)
        return again
    if action == "open_mouth":
        return next((x.t for x in rows if x.mouth - mouth0 >= r.mouth_open), None)
    if action == "turn_left":
        return next((x.t for x in rows if x.yaw - yaw0 >= r.turn_deg), None)
    if action == "turn_right":
        return next((x.t for x in rows if yaw0 - x.yaw >= r.turn_deg), None)
    if action == "nod":
        down = next((i for i, x in enumerate(rows) if x.pitch - pitch0 >= r.nod_deg), None)
        if down is None:
            return None
        return next((x.t for x in rows[down:] if abs(x.pitch - pitch0) < r.neutral_deg), None)
    return None


def _unasked(action: str, rows: list[_Row], mouth0: float, yaw0: float, pitch0: float,
             r: Rules, until: int | None) -> str:  # fmt: skip
    """The first deliberate action other than ``action`` before it was complete."""
    went_down = False
    for x in rows:
        if until is not None and x.t > until:
            break
        went_down = went_down or x.pitch - pitch0 >= r.nod_deg
        if action == "nod" and not went_down and pitch0 - x.pitch >= r.nod_deg + 4:
            return "nod_up"  # a nod starts downwards
        if action != "turn_left" and x.yaw - yaw0 >= r.turn_deg + 3:
            return "turn_left"
        if action != "turn_right" and yaw0 - x.yaw >= r.turn_deg + 3:
            return "turn_right"
        if action != "open_mouth" and x.mouth - mouth0 >= r.mouth_open + 0.08:
            return "open_mouth"
        if action not in ("nod", "turn_left", "turn_right") and x.pitch - pitch0 >= r.nod_deg + 4:
            return "nod"
    return ""
