"""The one context every pipeline handler reads and writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kiosk.photo.face import FaceGeometry
from kiosk.photo.specs import PhotoSpec

Image = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.float32]


@dataclass
class CheckResult:
    """One quality measure: the value measured, the limit it is held to, pass or fail."""

    name: str
    value: float
    limit: str  # e.g. "<= 0.06" or "0.583..0.688"
    passed: bool
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": round(float(self.value), 4),
            "limit": self.limit,
            "passed": bool(self.passed),
        }


@dataclass
class HeadBox:
    """Crown, chin and face width of the head in some image's pixels."""

    crown_y: float
    chin_y: float
    centre_x: float
    width: float
    crown_cut: bool = False  # the crown reaches the top edge: hair is cut off
    eyes_y: float | None = None  # the eye line (centre of the two eyes)

    @property
    def height(self) -> float:
        return self.chin_y - self.crown_y


@dataclass
class PhotoContext:
    """Everything known about one photo as it moves through the handlers.

    Arrays hold a face: the repr leaves them out so a log line never carries one.
    """

    image: Image = field(repr=False)
    spec: PhotoSpec
    background: str | None = None  # name or #RRGGBB; None = the spec's default
    live: bool = False
    faces_found: int = 0
    face: FaceGeometry | None = field(default=None, repr=False)
    mask: Mask | None = field(default=None, repr=False)
    head: HeadBox | None = None
    roll_applied: float = 0.0
    transform: npt.NDArray[np.float64] | None = field(default=None, repr=False)
    scale: float = 1.0
    outside_fraction: float = 0.0
    output: Image | None = field(default=None, repr=False)
    alpha: Mask | None = field(default=None, repr=False)
    out_face: FaceGeometry | None = field(default=None, repr=False)
    out_head: HeadBox | None = None
    checks: list[CheckResult] = field(default_factory=list)
    jpeg: bytes | None = field(default=None, repr=False)
    jpeg_quality: int | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def compliant(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def check(self, name: str) -> CheckResult | None:
        return next((c for c in self.checks if c.name == name), None)
