"""The actions a citizen is asked to perform, drawn at random for each try.

Directions are the citizen's own: ``turn_left`` means they turn to their own left, so in
an unmirrored camera frame the nose moves towards the image's right edge.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    BLINK = "blink"
    OPEN_MOUTH = "open_mouth"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"
    NOD = "nod"


@dataclass(frozen=True)
class Wording:
    zh: str
    en: str


# One short instruction per action, on screen and spoken.
INSTRUCTIONS: dict[Action, Wording] = {
    Action.BLINK: Wording("请眨眨眼", "Please blink"),
    Action.OPEN_MOUTH: Wording("请张开嘴", "Please open your mouth"),
    Action.TURN_LEFT: Wording("请向您的左边转头", "Please turn your head to your left"),
    Action.TURN_RIGHT: Wording("请向您的右边转头", "Please turn your head to your right"),
    Action.NOD: Wording("请点点头（低头再抬头）", "Please nod (head down, then up)"),
}

# Seconds each action may take from the moment it is asked.
WINDOW_S: dict[Action, float] = {
    Action.BLINK: 5.0,
    Action.OPEN_MOUTH: 5.0,
    Action.TURN_LEFT: 6.0,
    Action.TURN_RIGHT: 6.0,
    Action.NOD: 6.0,
}


class ChallengeError(ValueError):
    """A challenge list that cannot be used; ``problem`` says why."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class ChallengeSet:
    """The actions of one try, in the order asked, and the nonce that names the try."""

    actions: tuple[Action, ...]
    nonce: str

    def as_dict(self) -> dict[str, object]:
        return {"actions": [a.value for a in self.actions], "nonce": self.nonce}


def new_nonce() -> str:
    return secrets.token_hex(16)


def draw_challenges(count: int = 3, rng: secrets.SystemRandom | None = None) -> ChallengeSet:
    """``count`` different actions in random order (unpredictable: system randomness)."""
    pick = rng or secrets.SystemRandom()
    if not 1 <= count <= len(Action):
        raise ChallengeError(f"between 1 and {len(Action)} actions, not {count}")
    return ChallengeSet(tuple(pick.sample(list(Action), count)), new_nonce())


def parse_challenges(text: str) -> tuple[Action, ...]:
    """``"blink,open_mouth,turn_left"`` -> actions; unknown or repeated names are refused."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise ChallengeError("no challenges given (e.g. blink,open_mouth,turn_left)")
    known = {a.value: a for a in Action}
    out: list[Action] = []
    for name in names:
        if name not in known:
            raise ChallengeError(f"unknown challenge {name!r}: use {', '.join(known)}")
        if known[name] in out:
            raise ChallengeError(f"challenge {name!r} given twice")
        out.append(known[name])
    return tuple(out)
