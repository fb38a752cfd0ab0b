"""Face centred (on the output; live: on the outline, horizontally and vertically)."""

from __future__ import annotations

from typing import Any

from kiosk.photo.context import CheckResult, PhotoContext
from kiosk.photo.outline import outline_for

NAME = "centred"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    # Signed values: negative = face left of (or above) centre; guidance needs the side.
    if ctx.live:
        if ctx.head is None:
            return []
        h, w = ctx.image.shape[:2]
        outline = outline_for(w, h)
        dx = (ctx.head.centre_x - outline.cx) / w
        dy = ((ctx.head.crown_y + ctx.head.chin_y) / 2 - outline.cy) / h
        lx, ly = float(limits["max_offset_live"]), float(limits["max_vertical_live"])
        return [
            CheckResult(NAME, dx, f"|x| <= {lx}", abs(dx) <= lx),
            CheckResult("centred_vertical", dy, f"|x| <= {ly}", abs(dy) <= ly),
        ]
    if ctx.out_head is None or ctx.output is None:
        return []
    width = ctx.output.shape[1]
    offset = (ctx.out_head.centre_x - width / 2) / width
    limit = float(limits["max_offset_output"])
    return [CheckResult(NAME, offset, f"|x| <= {limit}", abs(offset) <= limit)]
