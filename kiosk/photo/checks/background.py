"""Background uniformity on the output: a plain border of the spec's colour."""

from __future__ import annotations

from typing import Any

import numpy as np

from kiosk.photo.context import CheckResult, PhotoContext

NAME = "background"


def border_pixels(image: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """The top band and the upper side bands: where only background belongs. With the
    matte, pixels of the person are left out (GA 461 puts the hair 7 px from the top)."""
    h, w = image.shape[:2]
    band = max(2, w // 20)
    regions = [
        (slice(0, band), slice(0, w)),
        (slice(0, h // 3), slice(0, band)),
        (slice(0, h // 3), slice(w - band, w)),
    ]
    parts = []
    for rows, cols in regions:
        pixels = image[rows, cols].reshape(-1, 3)
        if alpha is not None:
            pixels = pixels[alpha[rows, cols].reshape(-1) < 0.02]
        parts.append(pixels)
    return np.concatenate(parts).astype(float)


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    if ctx.live or ctx.output is None:
        return []
    pixels = border_pixels(ctx.output, ctx.alpha)
    if len(pixels) < 50:
        return [CheckResult("background_uniformity", 0.0, "background visible", False)]
    std = float(pixels.std(axis=0).max())
    target = np.array(ctx.spec.background_bgr(ctx.background), dtype=float)
    distance = float(np.linalg.norm(pixels.mean(axis=0) - target))
    max_std, max_dist = float(limits["max_std"]), float(limits["max_colour_distance"])
    return [
        CheckResult("background_uniformity", std, f"<= {max_std}", std <= max_std),
        CheckResult("background_colour", distance, f"<= {max_dist}", distance <= max_dist),
    ]
