"""Mouth closed (neutral expression): gap between the inner lips over mouth width."""

from __future__ import annotations

from typing import Any

from kiosk.photo.context import CheckResult, PhotoContext

NAME = "mouth_closed"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.face is None:
        return []
    limit = float(limits["max_ratio"])
    value = ctx.face.mouth_ratio()
    return [CheckResult(NAME, value, f"<= {limit}", value <= limit)]
