"""Framing: the spec's crop around the head lies inside the camera frame."""

from __future__ import annotations

from typing import Any

from kiosk.photo.context import CheckResult, PhotoContext

NAME = "framing"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.transform is None or ctx.head is None:
        return []
    limit = float(limits["max_outside"])
    ok = ctx.outside_fraction <= limit and not ctx.head.crown_cut
    return [CheckResult(NAME, ctx.outside_fraction, f"<= {limit}", ok)]
