"""The Qt front end, found by the core through the ``hall_kiosk.frontends`` entry point."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig

if TYPE_CHECKING:
    from kiosk.fleet.agent import FleetAgent


class QtFrontend:
    def run(self, config: KioskConfig, windowed: bool, fleet: FleetAgent | None = None) -> int:
        from ui.app import run_app

        return run_app(config, windowed=windowed, fleet=fleet)

    def tour(self, config: KioskConfig, out: Path) -> list[Path]:
        from ui.tour import render_tour

        return render_tour(config, out)
