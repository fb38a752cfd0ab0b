"""Sharpness: variance of the Laplacian on the face, scaled to a fixed height."""

from __future__ import annotations

from typing import Any

import cv2

from kiosk.photo.checks._region import face_luma
from kiosk.photo.context import CheckResult, PhotoContext

NAME = "sharpness"
_HEIGHT = 256  # measure at one scale so big and small faces compare


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.face is None:
        return []
    grey = face_luma(ctx.image, ctx.face)
    if grey.size == 0:
        return []
    scale = _HEIGHT / grey.shape[0]
    scaled = cv2.resize(grey, (max(1, int(grey.shape[1] * scale)), _HEIGHT))
    value = float(cv2.Laplacian(scaled, cv2.CV_64F).var())
    limit = float(limits["min_variance"])
    return [CheckResult(NAME, value, f">= {limit}", value >= limit)]
