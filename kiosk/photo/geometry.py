"""Head measurement (crown from the person mask) and the crop that meets a spec."""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.photo.context import HeadBox, Mask
from kiosk.photo.face import FaceGeometry
from kiosk.photo.specs import PhotoSpec

Matrix = npt.NDArray[np.float64]

# Where no mask is available (or it is lost in the hair) the crown sits this many
# forehead-to-chin lengths above mediapipe's top forehead point (landmark 10).
CROWN_ABOVE_FOREHEAD = 0.28


def measure_head(face: FaceGeometry, mask: Mask | None) -> HeadBox:
    """Crown, chin, centre and width of the head; the crown from the mask when given.

    The crown is found by walking up from the forehead in a band around the face
    centre while the person mask still covers the band: hair counts as head.
    """
    chin_y = float(face.chin[1])
    forehead_y = float(face.forehead[1])
    estimate = forehead_y - CROWN_ABOVE_FOREHEAD * (chin_y - forehead_y)
    crown_y, cut = estimate, estimate <= 0
    if mask is not None:
        h, w = mask.shape[:2]
        half = max(2, int(face.face_width * 0.2))
        cx = int(face.centre_x)
        band = mask[:, max(0, cx - half) : min(w, cx + half)]
        rows = (band > 0.5).mean(axis=1) > 0.2
        y = int(np.clip(forehead_y, 0, h - 1))
        if rows[y]:
            while y > 0 and rows[y - 1]:
                y -= 1
            crown_y = float(y)
            cut = y == 0
            # A mask that wanders far above any plausible crown is background: cap it.
            crown_y = max(crown_y, forehead_y - 0.8 * (chin_y - forehead_y))
    return HeadBox(
        crown_y=crown_y,
        chin_y=chin_y,
        centre_x=face.centre_x,
        width=face.face_width,
        crown_cut=cut or crown_y <= 0,
        eyes_y=float(face.eyes_mid[1]),
    )


def straighten(face: FaceGeometry, max_roll: float) -> tuple[Matrix, float]:
    """The rotation (2x3) that levels the eyes when the roll is small, and its angle."""
    roll = face.roll()
    angle = roll if abs(roll) <= max_roll else 0.0
    cx, cy = face.eyes_mid
    return cv2.getRotationMatrix2D((float(cx), float(cy)), angle, 1.0).astype(np.float64), angle


def _crop_matrix(head: HeadBox, spec: PhotoSpec, scale: float, ty: float) -> Matrix:
    tx = spec.width_px / 2 - scale * head.centre_x
    return np.array([[scale, 0, tx], [0, scale, ty]], dtype=np.float64)


# Where inside each feasible range to try placing the head, best-looking first.
_PLACES = (0.5, 0.35, 0.65, 0.2, 0.8, 0.05, 0.95)
# Plan a little inside each rule's range: the finished photo is measured again, with
# a few pixels of landmark and matte noise.
_MARGIN = 0.15  # of the range's width...
_MARGIN_MAX = 0.02  # ...but at most this share of the image


def _inside(lo: float, hi: float) -> tuple[float, float]:
    pad = min((hi - lo) * _MARGIN, _MARGIN_MAX)
    return lo + pad, hi - pad


def _scales(head: HeadBox, spec: PhotoSpec) -> tuple[float, float]:
    """Scales that put both head height and face width inside the spec's ranges (if
    they cannot both be met, the head height wins and the width check will say so)."""
    h_lo, h_hi = _inside(spec.head_height.lo, spec.head_height.hi)
    lo = h_lo * spec.height_px / max(head.height, 1.0)
    hi = h_hi * spec.height_px / max(head.height, 1.0)
    w_lo, w_hi = _inside(spec.head_width.lo, spec.head_width.hi)
    wlo = w_lo * spec.width_px / max(head.width, 1.0)
    whi = w_hi * spec.width_px / max(head.width, 1.0)
    if max(lo, wlo) <= min(hi, whi):
        return max(lo, wlo), min(hi, whi)
    return lo, hi


def _shifts(head: HeadBox, spec: PhotoSpec, scale: float) -> tuple[float, float] | None:
    """Vertical offsets (output = scale * source + ty) meeting crown, chin and eye rules.

    When all three cannot hold, the crown rule gives way (GA 461 says so: the eye
    line first, very high hair may be cut); None when even eyes and chin conflict.
    """
    out_h = spec.height_px
    c_lo, c_hi = _inside(spec.crown_margin.lo, spec.crown_margin.hi)
    crown = (c_lo * out_h - scale * head.crown_y, c_hi * out_h - scale * head.crown_y)
    chin = (-np.inf, (1 - spec.chin_margin_min) * out_h - scale * head.chin_y - 1)
    eyes = (-np.inf, np.inf)
    if spec.eye_height is not None and head.eyes_y is not None:
        e_lo, e_hi = _inside(spec.eye_height.lo, min(spec.eye_height.hi, 1.0))
        eyes = ((1 - e_hi) * out_h - scale * head.eyes_y, (1 - e_lo) * out_h - scale * head.eyes_y)
    for parts in ((crown, chin, eyes), (chin, eyes)):
        lo = max(p[0] for p in parts)
        hi = min(p[1] for p in parts)
        if lo <= hi:
            return float(lo), float(hi)
    return None


def plan_crop(
    head: HeadBox, spec: PhotoSpec, src_size: tuple[int, int] | None = None
) -> tuple[Matrix, float]:
    """Affine (2x3) from the (levelled) source to the spec's output, and its scale.

    The scale meets the head-height and face-width rules; the vertical place meets
    the crown margin, the chin margin and the eye line (where the spec has one), with
    the face on the vertical centre line. Among such crops it prefers the middle of
    the ranges; when that would reach beyond the source frame (shoulders cut off) it
    tries other placements and keeps the one that stays most inside the frame.
    """
    out = (spec.width_px, spec.height_px)
    s_lo, s_hi = _scales(head, spec)
    best: tuple[float, Matrix] | None = None
    for sp in _PLACES:
        scale = s_lo + sp * (s_hi - s_lo)
        shifts = _shifts(head, spec, scale)
        if shifts is None:
            continue
        for tp in _PLACES:
            ty = shifts[0] + tp * (shifts[1] - shifts[0])
            matrix = _crop_matrix(head, spec, scale, ty)
            if src_size is None:
                return matrix, scale
            crown_out = scale * head.crown_y + ty
            outside = outside_fraction(matrix, out, src_size, crown_out)
            if best is None or outside < best[0] - 1e-3:
                best = (outside, matrix)
            if outside == 0:
                return matrix, scale
    if best is None:  # no placement meets the rules: the middle, and the checks say so
        scale = (s_lo + s_hi) / 2
        crown = (spec.crown_margin.lo + spec.crown_margin.hi) / 2
        matrix = _crop_matrix(head, spec, scale, crown * spec.height_px - scale * head.crown_y)
        return matrix, scale
    return best[1], float(best[1][0, 0])


def compose(outer: Matrix, inner: Matrix) -> Matrix:
    """outer ∘ inner for 2x3 affines."""
    a = np.vstack([outer, [0, 0, 1]])
    b = np.vstack([inner, [0, 0, 1]])
    return (a @ b)[:2]


def outside_fraction(
    matrix: Matrix, out_size: tuple[int, int], src_size: tuple[int, int], from_y: float = 0.0
) -> float:
    """Share of the output (rows from ``from_y`` down) whose source lies outside the frame.

    Rows above the crown are background, which is replaced anyway, so callers pass
    the crown's output row and only padding beside and below the head counts.
    """
    w, h = out_size
    inv = cv2.invertAffineTransform(matrix)
    # A coarse grid is plenty to measure an area share.
    top = float(np.clip(from_y, 0, h - 1))
    xs, ys = np.meshgrid(np.linspace(0, w - 1, 24), np.linspace(top, h - 1, 32))
    pts = np.stack([xs.ravel(), ys.ravel()], axis=1) @ inv[:, :2].T + inv[:, 2]
    sw, sh = src_size
    inside = (pts[:, 0] >= 0) & (pts[:, 0] <= sw - 1) & (pts[:, 1] >= 0) & (pts[:, 1] <= sh - 1)
    return float(1 - inside.mean()) * (h - top) / h


def warp(
    image: npt.NDArray[np.uint8], matrix: Matrix, size: tuple[int, int]
) -> npt.NDArray[np.uint8]:
    """Warp into the output; blur first when shrinking a lot so edges do not alias."""
    scale = math.sqrt(abs(np.linalg.det(matrix[:, :2])))
    src = image
    if scale < 0.5:
        src = np.asarray(cv2.GaussianBlur(image, (0, 0), 0.4 / scale), np.uint8)
    out = cv2.warpAffine(src, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(out, dtype=np.uint8)


def crown_on_plain_background(
    image: npt.NDArray[np.uint8], background_bgr: tuple[int, int, int], face: FaceGeometry
) -> float:
    """Crown row of a finished photo: the first row above the face, in a band around
    the face centre, that is not the plain background colour. Needs no model."""
    diff = np.abs(image.astype(np.int16) - np.array(background_bgr, np.int16)).max(axis=2)
    half = max(2, int(face.face_width * 0.2))
    cx = int(face.centre_x)
    band = diff[:, max(0, cx - half) : cx + half] > 24
    rows = np.where(band.mean(axis=1) > 0.2)[0]
    return float(rows[0]) if rows.size else float(face.forehead[1])
