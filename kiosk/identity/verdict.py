"""The outcome of one identity check, as ``kiosk identity check --json`` prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kiosk.identity.liveness import FailReason, LivenessSession
from kiosk.identity.matcher import MatchResult


class Verdict(StrEnum):
    VERIFIED = "verified"
    NOT_LIVE = "not_live"
    NOT_SAME_PERSON = "not_same_person"
    NO_FACE = "no_face"
    INCONCLUSIVE = "inconclusive"  # live, but no usable image to match (or no reference face)


@dataclass
class CheckResult:
    verdict: Verdict
    live: bool
    challenges: list[dict[str, Any]]
    match: MatchResult | None
    faces_seen: int
    reason: str = ""
    series: dict[str, Any] = field(default_factory=dict, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "live": self.live,
            "challenges": self.challenges,
            "match": self.match.as_dict() if self.match else None,
            "faces_seen": self.faces_seen,
            "reason": self.reason,
        }


def challenge_list(session: LivenessSession) -> list[dict[str, Any]]:
    """``[{name, passed, at_ms}]`` in the order asked."""
    return [
        {"name": s.action.value, "passed": s.passed, "at_ms": s.at_ms if s.passed else None}
        for s in session.steps
    ]


def decide(session: LivenessSession, match: MatchResult | None, usable: bool) -> Verdict:
    """The verdict from the liveness try and the match (None when there was none)."""
    if session.faces_seen == 0 or session.fail_reason is FailReason.NO_FACE:
        return Verdict.NO_FACE
    if session.fail_reason is not None:
        return Verdict.NOT_LIVE
    if match is None or not usable:
        return Verdict.INCONCLUSIVE
    return Verdict.VERIFIED if match.same_person else Verdict.NOT_SAME_PERSON
