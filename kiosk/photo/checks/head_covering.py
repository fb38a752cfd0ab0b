"""Head covering: a hat or cap over the forehead (ICAO 9303 / GA 461 / State Dept: bare
head; a religious covering is for staff to accept, with the whole face visible).

Two looks at the upper forehead, the band just below the top of the face mesh:
- is it skin (like the cheeks)? A bare forehead is: the check passes.
- if something covers it, is that the citizen's own hair (a fringe)? Its colour is
  then that of the hair beside the face, between brows and eyes. A cap's is not.

The value is the share of the band that is covered *and* unlike the hair beside the
face. Known misses: a cap worn high (forehead bare), or one of the hair's own colour.
Needs the person mask (from the preview on live frames, the segmenter on stills).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.photo.context import CheckResult, PhotoContext
from kiosk.photo.face import FaceGeometry

NAME = "head_covering"

FloatArray = npt.NDArray[np.float32]

# Mesh points: top of the face, between the brows, cheeks, brow, eye corners, face sides.
_TOP, _GLABELLA, _CHEEKS, _BROW = 10, 9, (50, 280), 105
_EYES, _SIDES = (33, 263), (234, 454)
_FACE_PX = 100.0  # measured on a copy where the face is this wide


def _distance(px: FloatArray, centres: FloatArray, light_weight: float) -> FloatArray:
    """Colour distance in Lab, lightness weighted down (light varies more than hue)."""
    chroma = ((px[:, None, 1:] - centres[None, :, 1:]) ** 2).sum(axis=2)
    light = (light_weight * (px[:, None, 0] - centres[None, :, 0])) ** 2
    result: FloatArray = np.sqrt(chroma + light).min(axis=1)
    return result


def measure(
    image: npt.NDArray[np.uint8], mask: FloatArray, face: FaceGeometry, limits: dict[str, Any]
) -> float | None:
    """Covered-and-not-hair share of the upper forehead, or None if it cannot be told."""
    scale = _FACE_PX / max(face.face_width, 1.0)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32)
    person = cv2.resize(mask, (small.shape[1], small.shape[0])) > 0.6
    pts = face.points[:, :2] * scale
    hull = np.zeros(person.shape, np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(pts.astype(np.int32)), (1,))
    near_face = cv2.dilate(hull, np.ones((31, 31), np.uint8)).astype(bool) & (hull == 0)

    def region(x0: float, x1: float, y0: float, y1: float, where: Any = None) -> FloatArray:
        h, w = person.shape
        a, b = max(0, round(x0)), min(w, round(x1))
        c, d = max(0, round(y0)), min(h, round(y1))
        sel = person[c:d, a:b] if where is None else person[c:d, a:b] & where[c:d, a:b]
        out: FloatArray = lab[c:d, a:b][sel]
        return out

    skin = np.concatenate([region(pts[i][0] - 5, pts[i][0] + 5, pts[i][1] - 5, pts[i][1] + 5)
                           for i in _CHEEKS])  # fmt: skip
    if len(skin) < 10:
        return None
    skin_ref = np.median(skin, axis=0)[None]
    weight = float(limits["light_weight"])
    near_skin = float(limits["skin_distance"])
    top, glabella = pts[_TOP], pts[_GLABELLA]
    span = glabella[1] - top[1]
    band = region(top[0] - 22, top[0] + 22, top[1] + 0.1 * span, glabella[1] - 0.3 * span)
    if len(band) < 20:
        return None
    covered = band[_distance(band, skin_ref, weight) >= near_skin]
    if len(covered) < 0.1 * len(band):
        return 0.0  # a bare forehead
    brow_y, eye_y = pts[_BROW][1], (pts[_EYES[0]][1] + pts[_EYES[1]][1]) / 2
    left, right = pts[_SIDES[0]][0], pts[_SIDES[1]][0]
    side = np.concatenate([
        region(left - 15, left + 2, brow_y, eye_y, near_face),
        region(right - 2, right + 15, brow_y, eye_y, near_face),
    ])  # fmt: skip
    side = side[_distance(side, skin_ref, weight) >= near_skin] if len(side) else side
    if len(side) < 20:
        # No hair beside the face (short hair, bald): hair cannot cover the forehead.
        return len(covered) / len(band)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
    labels = np.zeros((len(side), 1), np.int32)
    _, _, centres = cv2.kmeans(side, 3, labels, criteria, 3, cv2.KMEANS_PP_CENTERS)
    hair = np.asarray(centres, np.float32)
    unlike = _distance(covered, hair, weight) > float(limits["hair_distance"])
    return float(unlike.sum()) / len(band)


def run(ctx: PhotoContext, limits: dict[str, Any]) -> list[CheckResult]:
    # On the camera frame, live or still: its hair beside the face is as the camera saw
    # it (the finished photo's matte softens exactly those edges).
    if ctx.mask is None or ctx.face is None:
        return []
    value = measure(ctx.image, ctx.mask, ctx.face, limits)
    if value is None:
        return []
    limit = float(limits["max_covered"])
    return [CheckResult(NAME, value, f"<= {limit}", value <= limit)]
