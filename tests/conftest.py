"""Fixtures shared by every test folder."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import KioskConfig
from tests.support import ManualClock, make_config


@pytest.fixture(autouse=True, scope="session")
def _no_data_in_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands a test runs without a config keep their data in a throw-away folder,
    never in the tester's ~/.local/share/hall-kiosk."""
    if "KIOSK_CONFIG" not in os.environ:
        folder = tmp_path_factory.mktemp("kiosk-home")
        cfg = folder / "kiosk.toml"
        cfg.write_text(f'[terminal]\ndata_dir = "{folder}"\n', encoding="utf-8")
        os.environ["KIOSK_CONFIG"] = str(cfg)


@pytest.fixture(autouse=True)
def _no_stale_log_handler() -> Iterator[None]:
    """``kiosk.cli.main()`` run in-process adds its stderr log handler once per process,
    bound to whatever stderr was then (a test's capture): drop it after each test."""
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_kiosk", False)]:
        root.removeHandler(handler)


@pytest.fixture
def config(tmp_path: Path) -> KioskConfig:
    return make_config(tmp_path / "data")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()
