"""Quality checks, one module per measure (OFIQ style); thresholds in ``checks.toml``.

Each module has ``NAME`` and ``run(ctx, limits) -> list[CheckResult]``; a module returns
nothing when its measure does not apply (no face, or a live frame for output checks).
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from kiosk.photo.context import CheckResult, PhotoContext

CHECKS_FILE = Path(__file__).parent.parent / "checks.toml"

# Order matters for live guidance: the first failing check gives the instruction.
MODULES = (
    "face_count",
    "head_size",
    "resolution",
    "framing",
    "centred",
    "margins",
    "eye_line",
    "pose",
    "head_covering",
    "eyes_open",
    "mouth_closed",
    "glare",
    "exposure",
    "illumination",
    "sharpness",
    "background",
)

CheckFn = Callable[[PhotoContext, dict[str, Any]], list[CheckResult]]


@cache
def thresholds() -> dict[str, dict[str, Any]]:
    """All thresholds by check module, each with its ``source``."""
    data = tomllib.loads(CHECKS_FILE.read_text(encoding="utf-8"))
    for name in MODULES:
        if name not in data or "source" not in data[name]:
            raise KeyError(f"{CHECKS_FILE}: [{name}] with a source is required")
    return data


@cache
def _runner(name: str) -> CheckFn:
    module = importlib.import_module(f"kiosk.photo.checks.{name}")
    fn: CheckFn = module.run
    return fn


def run_checks(ctx: PhotoContext, names: tuple[str, ...] = MODULES) -> list[CheckResult]:
    """Run the named checks on ``ctx`` and return their results in order."""
    limits = thresholds()
    results: list[CheckResult] = []
    for name in names:
        for result in _runner(name)(ctx, limits[name]):
            result.source = result.source or str(limits[name]["source"])
            results.append(result)
    return results
