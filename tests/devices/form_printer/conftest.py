"""A private cupsd per test session (per xdist worker) and a fresh queue per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from private_cups import PrivateCups, cupsd_available, private_cups

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def cupsd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateCups]:
    if not cupsd_available():
        pytest.skip("cupsd not installed (Debian: cups-daemon cups-client)")
    with private_cups(tmp_path_factory.mktemp("cups")) as server:
        yield server


@pytest.fixture
def queue(cupsd: PrivateCups, request: pytest.FixtureRequest) -> tuple[str, Path]:
    """(queue name, jobs folder); write 'paper-out', 'jam' or 'offline' to folder/mode."""
    name = f"q{next(_numbers)}_{request.node.originalname}"[:60]
    return name, cupsd.add_queue(name)
