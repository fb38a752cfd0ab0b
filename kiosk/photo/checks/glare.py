"""Glare on glasses: near-white, colourless pixels around (not inside) the eyes.

Catchlights in the irises are small and normal; lens reflections cover the area
around the eye. Without glasses the measure stays near zero, so it is safe to run.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from kiosk.photo.context import CheckResult, PhotoContext
from kiosk.photo.face import EYE_L, EYE_R

NAME = "glare"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.face is None:
        return []
    h, w = ctx.image.shape[:2]
    fractions = []
    for eye in (EYE_R, EYE_L):
        a, b = ctx.face.pt(eye.outer), ctx.face.pt(eye.inner)
        cx, cy = (a + b) / 2
        half = float(np.linalg.norm(a - b))  # a lens is about twice the eye width
        x0, x1 = int(max(0, cx - half)), int(min(w, cx + half))
        y0, y1 = int(max(0, cy - 0.6 * half)), int(min(h, cy + 0.6 * half))
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        hsv = cv2.cvtColor(ctx.image[y0:y1, x0:x1], cv2.COLOR_BGR2HSV)
        glare = (hsv[:, :, 2] >= 240) & (hsv[:, :, 1] <= 40)
        fractions.append(float(glare.mean()))
    if not fractions:
        return []
    value = max(fractions)
    limit = float(limits["max_fraction"])
    return [CheckResult(NAME, value, f"<= {limit}", value <= limit)]
