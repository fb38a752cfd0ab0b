"""Exactly one face in the picture."""

from __future__ import annotations

from typing import Any

from kiosk.photo.context import CheckResult, PhotoContext

NAME = "face_count"


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    expected = int(limits["expected"])
    return [CheckResult(NAME, ctx.faces_found, f"== {expected}", ctx.faces_found == expected)]
