"""Real face images that ship offline (skimage, matplotlib), and variants of them."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

Image = np.ndarray


def grace_hopper() -> Image:
    from matplotlib import cbook

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    img = cv2.imread(str(path))
    assert img is not None
    return img


def astronaut() -> Image:
    from skimage import data

    return np.ascontiguousarray(data.astronaut()[:, :, ::-1])


def camera_man() -> Image:
    from skimage import data

    return cv2.cvtColor(data.camera(), cv2.COLOR_GRAY2BGR)


def chelsea() -> Image:
    from skimage import data

    return np.ascontiguousarray(data.chelsea()[:, :, ::-1])


def two_faces() -> Image:
    """Grace Hopper and the astronaut side by side, as two people in front of the booth."""
    a, b = grace_hopper(), astronaut()
    h = 600
    a = cv2.resize(a, (a.shape[1] * h // a.shape[0], h))
    b = cv2.resize(b, (b.shape[1] * h // b.shape[0], h))
    return np.hstack([a, b])


def rotated(img: Image, degrees: float) -> Image:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return np.asarray(cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE))


def with_cap(img: Image, bgr: tuple[int, int, int]) -> Image:
    """``img`` with a plain cap drawn over the crown and the upper forehead, placed from
    the face mesh (a composite: no offline photo of a bare head has a cap we could use)."""
    from kiosk.photo.face import FaceAnalyser

    analyser = FaceAnalyser(live=False)
    try:
        face = analyser.meshes(img)[0]
    finally:
        analyser.close()
    out = img.copy()
    fw, cx = face.face_width, face.centre_x
    top, brows = face.pt(10)[1], face.pt(9)[1]
    base = int(top + 0.35 * (brows - top))  # the brim sits on the forehead
    cv2.ellipse(out, (int(cx), base), (int(0.62 * fw), int(0.62 * fw)), 0, 180, 360, bgr, -1)
    brim = tuple(int(c * 0.8) for c in bgr)
    cv2.ellipse(out, (int(cx), base), (int(0.66 * fw), int(0.09 * fw)), 0, 0, 360, brim, -1)
    return out


INPUTS: dict[str, Callable[[], Image]] = {
    "grace": grace_hopper,
    "astronaut": astronaut,
    "camera": camera_man,
    "chelsea": chelsea,
    "two_faces": two_faces,
    "grace_blurred": lambda: cv2.GaussianBlur(grace_hopper(), (0, 0), 4),
    "grace_dark": lambda: (grace_hopper() * 0.25).astype(np.uint8),
    "grace_roll5": lambda: rotated(grace_hopper(), 5),
    "grace_roll16": lambda: rotated(grace_hopper(), 16),
    "astronaut_red_cap": lambda: with_cap(astronaut(), (40, 40, 200)),
    "astronaut_white_cap": lambda: with_cap(astronaut(), (235, 235, 235)),
}
