"""Head pose: yaw, pitch and roll in degrees, each within its limit."""

from __future__ import annotations

from typing import Any

from kiosk.photo.context import CheckResult, PhotoContext

NAME = "pose"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.face is None:
        return []
    out = []
    for axis, value in (
        ("yaw", ctx.face.yaw()),
        ("pitch", ctx.face.pitch()),
        ("roll", ctx.face.roll() - ctx.roll_applied),
    ):
        limit = float(limits[f"max_{axis}"])
        out.append(CheckResult(f"pose_{axis}", value, f"|x| <= {limit}", abs(value) <= limit))
    return out
