"""Exposure: mean face luminance, and shares of crushed and blown face pixels."""

from __future__ import annotations

from typing import Any

import numpy as np

from kiosk.photo.checks._region import face_luma
from kiosk.photo.context import CheckResult, PhotoContext

NAME = "exposure"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.face is None:
        return []
    grey = face_luma(ctx.image, ctx.face)
    if grey.size == 0:
        return []
    mean = float(grey.mean())
    dark = float(np.mean(grey <= int(limits["dark_level"])))
    bright = float(np.mean(grey >= int(limits["bright_level"])))
    lo, hi = float(limits["min_mean"]), float(limits["max_mean"])
    max_dark, max_bright = float(limits["max_dark_fraction"]), float(limits["max_bright_fraction"])
    return [
        CheckResult("exposure_mean", mean, f"{lo}..{hi}", lo <= mean <= hi),
        CheckResult("underexposed", dark, f"<= {max_dark}", dark <= max_dark),
        CheckResult("overexposed", bright, f"<= {max_bright}", bright <= max_bright),
    ]
