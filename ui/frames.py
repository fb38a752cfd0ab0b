"""Camera frames and the finished photo for QML: ``image://camera/<n>``, ``image://photo/<n>``.

The number only changes the URL so QML fetches again; the provider always hands out
the newest image. Frames never touch disk.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickImageProvider

Source = Callable[[], "np.ndarray | None"]


def fit_within(bgr: np.ndarray, width: int, height: int) -> np.ndarray:
    """``bgr`` shrunk to fit ``width`` x ``height`` (aspect kept); as it is if it fits.

    A 1280x720 frame shown in a 1200-pixel stage is painted from this smaller copy: the
    RGB conversion, the QImage copy and the texture upload all shrink with it."""
    h, w = bgr.shape[:2]
    scale = min(width / w if width > 0 else 1.0, height / h if height > 0 else 1.0)
    if scale >= 1.0:
        return bgr
    import cv2

    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(cv2.resize(bgr, size, interpolation=cv2.INTER_LINEAR), np.uint8)


def to_qimage(bgr: np.ndarray, mirror: bool = False) -> QImage:
    rgb = np.ascontiguousarray(bgr[:, ::-1, ::-1] if mirror else bgr[:, :, ::-1])
    h, w = rgb.shape[:2]
    # copy(): the QImage must own its pixels once the array goes away.
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class FrameImageProvider(QQuickImageProvider):
    """Serves whatever ``source()`` returns now; mirrored for the live preview; no larger
    than the QML Image's ``sourceSize`` when it sets one."""

    def __init__(self, source: Source, mirror: bool) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)
        self._source = source
        self._mirror = mirror

    def requestImage(self, id: str, size: QSize, requested: QSize) -> QImage:
        image = self._source()
        if image is None:
            out = QImage(16, 9, QImage.Format.Format_RGB888)
            out.fill(0x202830)
        else:
            if requested is not None and requested.isValid():
                image = fit_within(image, requested.width(), requested.height())
            out = to_qimage(image, self._mirror)
        if size is not None:
            size.setWidth(out.width())
            size.setHeight(out.height())
        return out
