"""Fixtures for the identity tests: real faces (cached sdists), the models, puppet clips.

The clips are rendered once per worker and shared; every identity test runs in one
xdist group so the face models load once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.identity.challenges import Action
from kiosk.identity.matcher import FaceMatcher
from kiosk.identity.puppet import Beat, Puppet, performance, puppet_from
from tests.identity.faces import face_files, letterbox, load

FPS = 12.0
Clip = list[tuple[np.ndarray, int]]


@pytest.fixture(scope="session")
def faces() -> dict[str, Path]:
    return face_files()


@pytest.fixture(scope="session")
def matcher() -> FaceMatcher:
    return FaceMatcher()


@pytest.fixture(scope="session")
def puppets(faces: dict[str, Path]) -> Callable[[str], Puppet]:
    made: dict[str, Puppet] = {}

    def get(name: str) -> Puppet:
        if name not in made:
            made[name] = puppet_from(letterbox(load(faces[name])))
        return made[name]

    return get


def acting(*actions: Action | str, rest: float = 0.4) -> list[Beat]:
    """A neutral start, then each action (or "rest"), each followed by a short rest."""
    beats: list[Beat] = [("rest", 0.6)]
    for a in actions:
        beats += [(a, 0.9), ("rest", rest)]
    return beats


@pytest.fixture(scope="session")
def clip(puppets: Callable[[str], Puppet]) -> Iterator[Callable[..., Clip]]:
    """``clip("person_b_1", Action.BLINK, ...)``: the rendered frames (cached)."""
    cache: dict[tuple[object, ...], Clip] = {}

    def make(person: str, *actions: Action | str) -> Clip:
        key = (person, *actions)
        if key not in cache:
            cache[key] = performance(puppets(person), acting(*actions), fps=FPS)
        return cache[key]

    yield make
    cache.clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/identity/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("identity"))
