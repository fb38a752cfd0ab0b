"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import KioskConfig
from tests.support import ManualClock, make_config


@pytest.fixture
def config(tmp_path: Path) -> KioskConfig:
    return make_config(tmp_path / "data")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()
