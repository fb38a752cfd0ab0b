"""Head size: crown-to-chin height within the spec's range (live: fits the outline)."""

from __future__ import annotations

from typing import Any

from kiosk.photo.context import CheckResult, PhotoContext
from kiosk.photo.outline import outline_for

NAME = "head_size"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.live:
        if ctx.head is None:
            return []
        target = outline_for(ctx.image.shape[1], ctx.image.shape[0]).head_height
        value = ctx.head.height / target
        lo, hi = float(limits["live_min"]), float(limits["live_max"])
        return [CheckResult(NAME, value, f"{lo}..{hi} of outline", lo <= value <= hi)]
    if ctx.out_head is None or ctx.output is None:
        return []
    height = ctx.output.shape[0]
    width = ctx.output.shape[1]
    hh = ctx.out_head.height / height
    hw = ctx.out_head.width / width
    r_h, r_w = ctx.spec.head_height, ctx.spec.head_width
    return [
        CheckResult(NAME, hh, f"{r_h.lo}..{r_h.hi}", r_h.contains(hh)),
        CheckResult("head_width", hw, f"{r_w.lo}..{r_w.hi}", r_w.contains(hw)),
    ]
