"""Image regions the checks measure on (shared helpers, not a check)."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.photo.face import FaceGeometry


def face_luma(image: npt.NDArray[np.uint8], face: FaceGeometry) -> npt.NDArray[np.uint8]:
    """Grey levels of the inner face (eyebrows to chin, cheek to cheek), skin only."""
    x0, y0, x1, y1 = inner_box(face)
    grey = cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    return np.asarray(grey, dtype=np.uint8)


def inner_box(face: FaceGeometry) -> tuple[int, int, int, int]:
    """The central part of the face box (trims hair and background at the sides)."""
    x0, y0, x1, y1 = face.box
    w, h = x1 - x0, y1 - y0
    return (
        x0 + int(0.15 * w),
        y0 + int(0.2 * h),
        max(x0 + int(0.85 * w), x0 + int(0.15 * w) + 2),
        max(y0 + int(0.95 * h), y0 + int(0.2 * h) + 2),
    )
