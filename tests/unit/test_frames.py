"""The camera preview served to QML: mirrored as a mirror is, and no larger than the
stage asks (the QML Image's sourceSize)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSize

from ui.frames import FrameImageProvider


def frame() -> np.ndarray:
    """1280x720 BGR: the left half blue, the right half red."""
    image = np.zeros((720, 1280, 3), np.uint8)
    image[:, :640] = (255, 0, 0)
    image[:, 640:] = (0, 0, 255)
    return image


@pytest.mark.parametrize("mirror", [True, False])
def test_the_preview_is_shrunk_to_the_stage_and_mirrored(qapp: object, mirror: bool) -> None:
    provider = FrameImageProvider(frame, mirror=mirror)
    size = QSize()
    out = provider.requestImage("1", size, QSize(640, 640))
    assert (out.width(), out.height()) == (640, 360)  # aspect kept, fits the stage
    assert (size.width(), size.height()) == (640, 360)
    left, right = out.pixelColor(10, 180), out.pixelColor(630, 180)
    # Mirrored: the camera's right (red) is on the citizen's left of the screen.
    assert (left.red(), left.blue()) == ((255, 0) if mirror else (0, 255))
    assert (right.red(), right.blue()) == ((0, 255) if mirror else (255, 0))


def test_without_a_stage_size_the_frame_comes_whole(qapp: object) -> None:
    provider = FrameImageProvider(frame, mirror=True)
    out = provider.requestImage("1", QSize(), QSize())
    assert (out.width(), out.height()) == (1280, 720)
    larger = provider.requestImage("2", QSize(), QSize(1920, 1080))
    assert (larger.width(), larger.height()) == (1280, 720)  # never enlarged


def test_no_frame_yet_is_a_dark_placeholder(qapp: object) -> None:
    provider = FrameImageProvider(lambda: None, mirror=True)
    out = provider.requestImage("1", QSize(), QSize(640, 360))
    assert out.width() == 16 and out.pixelColor(0, 0).name() == "#202830"
