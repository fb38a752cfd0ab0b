"""Real face images that ship offline, and the photo models, loaded once per worker.

mediapipe is CPU-heavy: the models and every pipeline run are cached for the session
(each input is processed once) and the photo tests share one xdist group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import cv2
import numpy as np
import pytest

from kiosk.photo.context import PhotoContext
from kiosk.photo.errors import FaceCountError
from kiosk.photo.pipeline import Models, Pipeline
from kiosk.photo.specs import get_spec

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


@pytest.fixture(scope="session")
def models() -> Iterator[Models]:
    m = Models.load()
    yield m
    m.close()


@pytest.fixture(scope="session")
def run_photo(models: Models) -> Callable[..., PhotoContext | FaceCountError]:
    """Process input ``name`` for ``spec`` (once per session); returns ctx or the error."""
    cache: dict[tuple[Any, ...], PhotoContext | FaceCountError] = {}
    pipeline = Pipeline.default(models)

    def run(name: str, spec: str = "cn-exit-entry", background: str | None = None) -> Any:
        key = (name, spec, background)
        if key not in cache:
            try:
                cache[key] = pipeline.run(INPUTS[name](), get_spec(spec), background)
            except FaceCountError as exc:
                cache[key] = exc
        return cache[key]

    return run


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # One worker runs every photo test, so the models load once.
    for item in items:
        if "tests/unit/photo/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("photo"))
