"""Real face images that ship offline, and the photo models, loaded once per worker.

mediapipe is CPU-heavy: the models and every pipeline run are cached for the session
(each input is processed once) and the photo tests share one xdist group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kiosk.photo.context import PhotoContext
from kiosk.photo.errors import FaceCountError
from kiosk.photo.pipeline import Models, Pipeline
from kiosk.photo.specs import get_spec
from tests.unit.photo.faces import INPUTS


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
