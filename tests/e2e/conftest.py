"""A real KioskUi, offscreen, on simulated devices."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.config import KioskConfig
from kiosk.terminal import build_terminal


@pytest.fixture(scope="session")
def qapp() -> object:
    """The application the kiosk makes (ui.app.application): a QGuiApplication with the
    on-screen keyboard loaded, which the tests do not arrange for themselves."""
    from ui.app import application

    return application()


@pytest.fixture
def kiosk_ui(qapp: object, config: KioskConfig) -> Iterator[object]:
    from ui.app import KioskUi

    ui = KioskUi(build_terminal(config))
    ui.window.resize(1920, 1080)
    ui.window.show()
    yield ui
    ui.close()


@pytest.fixture(scope="session")
def tour(qapp: object, tmp_path_factory: pytest.TempPathFactory) -> object:
    """``kiosk tour`` once per test process, with every screen's scene audited as shot
    (tests that use it share an xdist group, so it runs once)."""
    from tests.e2e.tour_run import run_tour

    return run_tour(tmp_path_factory.mktemp("tour"))
