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
    )


def straighten(face: FaceGeometry, max_roll: float) -> tuple[Matrix, float]:
    """The rotation (2x3) that levels the eyes when the roll is small, and its angle."""
    roll = face.roll()
    angle = roll if abs(roll) <= max_roll else 0.0
    cx, cy = face.eyes_mid
    return cv2.getRotationMatrix2D((float(cx), float(cy)), angle, 1.0).astype(np.float64), angle


def _crop_matrix(head: HeadBox, spec: PhotoSpec, head_ratio: float, crown_ratio: float) -> Matrix:
    w, h = spec.width_px, spec.height_px
    scale = head_ratio * h / max(head.height, 1.0)
    tx = w / 2 - scale * head.centre_x
    ty = crown_ratio * h - scale * head.crown_y
    return np.array([[scale, 0, tx], [0, scale, ty]], dtype=np.float64)


# Where inside each spec range to try placing the head, best-looking first.
_PLACES = (0.5, 0.35, 0.65, 0.2, 0.8, 0.05, 0.95)


def plan_crop(
    head: HeadBox, spec: PhotoSpec, src_size: tuple[int, int] | None = None
) -> tuple[Matrix, float]:
    """Affine (2x3) from the (levelled) source to the spec's output, and its scale.

    Prefers the head height and crown margin in the middle of the spec's ranges with
    the face on the vertical centre line; when that crop would reach beyond the
    source frame (shoulders cut off), it tries other placements inside the ranges and
    keeps the one that stays most inside the frame.
    """
    out = (spec.width_px, spec.height_px)
    best: tuple[float, Matrix] | None = None
    for hp in _PLACES:
        head_ratio = spec.head_height.lo + hp * (spec.head_height.hi - spec.head_height.lo)
        for cp in _PLACES:
            crown = spec.crown_margin.lo + cp * (spec.crown_margin.hi - spec.crown_margin.lo)
            if crown + head_ratio > 1 - spec.chin_margin_min:
                continue
            matrix = _crop_matrix(head, spec, head_ratio, crown)
            if src_size is None:
                return matrix, float(matrix[0, 0])
            crown_out = crown * spec.height_px
            outside = outside_fraction(matrix, out, src_size, crown_out)
            if best is None or outside < best[0] - 1e-3:
                best = (outside, matrix)
            if outside == 0:
                return matrix, float(matrix[0, 0])
    if best is None:  # specs are validated so that some placement exists
        matrix = _crop_matrix(head, spec, spec.head_height.lo, spec.crown_margin.lo)
        return matrix, float(matrix[0, 0])
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
