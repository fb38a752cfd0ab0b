"""Fixtures for the SAM reader tests: a pty emulator per test, closed afterwards."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sam_emulator import SamEmulator


@pytest.fixture
def emulator() -> Iterator[SamEmulator]:
    emu = SamEmulator()
    try:
        yield emu
    finally:
        emu.close()
