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
}
