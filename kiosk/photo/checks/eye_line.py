"""Eye line: how high the eyes sit above the bottom edge, where the spec's source says
(US visa 1 1/8-1 3/8 in of 2 in; ISO/IEC 19794-5 50-70 %; GA 461 >= 207 of 441 px)."""

from __future__ import annotations

from typing import Any

from kiosk.photo.context import CheckResult, PhotoContext

NAME = "eye_height"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    rule = ctx.spec.eye_height
    if ctx.live or rule is None or ctx.out_face is None or ctx.output is None:
        return []
    height = ctx.output.shape[0]
    value = (height - float(ctx.out_face.eyes_mid[1])) / height
    return [
        CheckResult(NAME, value, f"{rule.lo}..{rule.hi}", rule.contains(value), ctx.spec.source)
    ]
