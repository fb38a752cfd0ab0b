"""Person matte and background replacement.

Live preview: selfie mask refined with a guided filter (cheap, edge-aware).
Still photo: closed-form matting (pymatting) on a trimap from the mask recovers hair,
then multilevel foreground estimation removes the old background's colour from the
edge pixels (no halo) before compositing on the spec colour.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.photo.context import Image, Mask


def refine_guided(image: Image, mask: Mask, radius: int = 8, eps: float = 1e-3) -> Mask:
    """Edge-aware refinement of a coarse mask at half resolution (live preview).

    A grey guide keeps it cheap (a colour guide costs ~5x more for little gain at
    preview size); ``eps`` is in units of the guide's variance on a 0..1 scale.
    """
    h, w = mask.shape[:2]
    half = (max(1, w // 2), max(1, h // 2))
    small = cv2.resize(image, half, interpolation=cv2.INTER_AREA)
    guide = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255.0
    small_mask = cv2.resize(mask, half, interpolation=cv2.INTER_AREA)
    refined = cv2.ximgproc.guidedFilter(guide, small_mask, max(1, radius // 2), eps)
    out = cv2.resize(refined, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(out, 0, 1).astype(np.float32)


def trimap(mask: Mask, band_px: int) -> npt.NDArray[np.float64]:
    """Sure foreground (1), sure background (0) and an unknown band (0.5) at the edge."""
    fg = (mask > 0.5).astype(np.uint8)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band_px + 1, 2 * band_px + 1))
    sure_fg = cv2.erode(fg, k)
    maybe = cv2.dilate(fg, k)
    tri = np.full(mask.shape, 0.5, dtype=np.float64)
    tri[sure_fg > 0] = 1.0
    tri[maybe == 0] = 0.0
    return tri


def matte_still(
    image: Image, mask: Mask, work_px: int = 320
) -> tuple[Mask, npt.NDArray[np.float64]]:
    """Closed-form alpha and decontaminated foreground (RGB float, 0..1) for a still.

    The matting system is solved at ``work_px`` on the long side (its cost grows
    faster than the pixel count), then alpha is brought back to full size with a
    guided filter on the full-size image. Foreground colour is taken from the image
    itself where the person is opaque and from the decontaminated estimate at edges,
    so the face keeps full sharpness and no old-background colour survives in hair.
    """
    from pymatting import estimate_alpha_cf, estimate_foreground_ml

    h, w = mask.shape[:2]
    scale = min(1.0, work_px / max(h, w))
    small = (max(8, round(w * scale)), max(8, round(h * scale)))
    img_s = cv2.resize(image, small, interpolation=cv2.INTER_AREA)
    mask_s = np.asarray(cv2.resize(mask, small, interpolation=cv2.INTER_AREA), np.float32)
    rgb_s = img_s[:, :, ::-1].astype(np.float64) / 255.0
    band = max(3, small[1] // 40)
    tri = trimap(mask_s, band)
    alpha_s = np.clip(estimate_alpha_cf(rgb_s, tri), 0.0, 1.0)
    fg_s = np.asarray(estimate_foreground_ml(rgb_s, alpha_s), dtype=np.float64)

    alpha = cv2.resize(alpha_s.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    if scale < 1.0:
        alpha = cv2.ximgproc.guidedFilter(image, alpha, max(2, round(1 / scale)), 1e-4)
    alpha = np.clip(alpha, 0.0, 1.0).astype(np.float32)
    fg = cv2.resize(fg_s, (w, h), interpolation=cv2.INTER_LINEAR)
    rgb = image[:, :, ::-1].astype(np.float64) / 255.0
    opaque = (alpha >= 0.98)[:, :, None]
    return alpha, np.where(opaque, rgb, fg)


def composite(
    foreground_rgb: npt.NDArray[np.float64], alpha: Mask, background_bgr: tuple[int, int, int]
) -> Image:
    """alpha * F + (1 - alpha) * B, back to BGR uint8."""
    bg = np.array(background_bgr[::-1], dtype=np.float64) / 255.0
    a = alpha[:, :, None].astype(np.float64)
    out = a * foreground_rgb + (1 - a) * bg
    return np.asarray(np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)[:, :, ::-1])


def composite_preview(image: Image, alpha: Mask, background_bgr: tuple[int, int, int]) -> Image:
    """Fast composite for the live preview (no decontamination)."""
    bg = np.empty_like(image)
    bg[:] = background_bgr
    out = cv2.blendLinear(image, bg, alpha, 1.0 - alpha)
    return np.asarray(out, dtype=np.uint8)
