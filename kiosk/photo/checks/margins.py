"""Crown and chin margins on the output, against the spec."""

from __future__ import annotations

from typing import Any

from kiosk.photo.context import CheckResult, PhotoContext

NAME = "margins"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.live or ctx.out_head is None or ctx.output is None:
        return []
    height = ctx.output.shape[0]
    crown = ctx.out_head.crown_y / height
    chin = (height - ctx.out_head.chin_y) / height
    r = ctx.spec.crown_margin
    cmin = ctx.spec.chin_margin_min
    return [
        CheckResult("crown_margin", crown, f"{r.lo}..{r.hi}", r.contains(crown)),
        CheckResult("chin_margin", chin, f">= {cmin}", chin >= cmin),
    ]
