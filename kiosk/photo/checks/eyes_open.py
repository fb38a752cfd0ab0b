"""Eyes open: lid gap over eye width of the less open eye."""

from __future__ import annotations

from typing import Any

from kiosk.photo.context import CheckResult, PhotoContext

NAME = "eyes_open"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.face is None:
        return []
    limit = float(limits["min_ratio"])
    value = ctx.face.eye_ratio()
    return [CheckResult(NAME, value, f">= {limit}", value >= limit)]
