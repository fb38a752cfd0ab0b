"""Background uniformity on the output: a plain border of the spec's colour."""

from __future__ import annotations

from typing import Any

import numpy as np

from kiosk.photo.context import CheckResult, PhotoContext

NAME = "background"


def border_pixels(image: np.ndarray) -> np.ndarray:
    """The top band and the upper side bands: where only background belongs."""
    h, w = image.shape[:2]
    band = max(2, w // 20)
    parts = [
        image[:band].reshape(-1, 3),
        image[: h // 3, :band].reshape(-1, 3),
        image[: h // 3, w - band :].reshape(-1, 3),
    ]
    return np.concatenate(parts).astype(float)


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.live or ctx.output is None:
        return []
    pixels = border_pixels(ctx.output)
    std = float(pixels.std(axis=0).max())
    target = np.array(ctx.spec.background_bgr(ctx.background), dtype=float)
    distance = float(np.linalg.norm(pixels.mean(axis=0) - target))
    max_std, max_dist = float(limits["max_std"]), float(limits["max_colour_distance"])
    return [
        CheckResult("background_uniformity", std, f"<= {max_std}", std <= max_std),
        CheckResult("background_colour", distance, f"<= {max_dist}", distance <= max_dist),
    ]
