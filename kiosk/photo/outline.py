"""Where the head should sit in the live camera frame (the outline on the preview)."""

from __future__ import annotations

from dataclasses import dataclass

# Crown-to-chin about half the frame height, crown a little below the top, centred.
OUTLINE_HEAD_HEIGHT = 0.5
OUTLINE_CROWN = 0.14


@dataclass(frozen=True)
class HeadOutline:
    """An ellipse (frame pixels) the citizen fits their head into."""

    cx: float
    cy: float
    rx: float
    ry: float

    @property
    def head_height(self) -> float:
        return 2 * self.ry

    def as_dict(self) -> dict[str, float]:
        return {"cx": self.cx, "cy": self.cy, "rx": self.rx, "ry": self.ry}


def outline_for(width: int, height: int) -> HeadOutline:
    ry = OUTLINE_HEAD_HEIGHT * height / 2
    return HeadOutline(width / 2, OUTLINE_CROWN * height + ry, 0.75 * ry, ry)
