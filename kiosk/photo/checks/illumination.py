"""Illumination uniformity: left and right halves of the face equally lit."""

from __future__ import annotations

from typing import Any

from kiosk.photo.checks._region import face_luma
from kiosk.photo.context import CheckResult, PhotoContext

NAME = "illumination"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.face is None:
        return []
    grey = face_luma(ctx.image, ctx.face).astype(float)
    if grey.shape[1] < 4:
        return []
    half = grey.shape[1] // 2
    left, right = grey[:, :half].mean(), grey[:, half:].mean()
    value = float(abs(left - right) / max(left, right, 1.0))
    limit = float(limits["max_left_right"])
    return [CheckResult(NAME, value, f"<= {limit}", value <= limit)]
