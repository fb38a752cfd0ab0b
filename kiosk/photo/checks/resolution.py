"""Resolution: the source must not be enlarged much to reach the spec's head size."""

from __future__ import annotations

from typing import Any

from kiosk.photo.context import CheckResult, PhotoContext

NAME = "resolution"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.transform is None:
        return []
    limit = float(limits["max_upscale"])
    return [CheckResult(NAME, ctx.scale, f"<= {limit}", ctx.scale <= limit)]
