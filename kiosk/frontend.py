"""The seam between the pure-Python core and a user interface.

The core never imports ui/; the Qt front end registers itself under the entry point
group ``hall_kiosk.frontends`` and is looked up by name here.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kiosk.cli.common import CliError
from kiosk.config import KioskConfig

if TYPE_CHECKING:
    from kiosk.fleet.agent import FleetAgent


class Frontend(Protocol):
    def run(self, config: KioskConfig, windowed: bool, fleet: FleetAgent | None = None) -> int:
        """Show the kiosk until it is closed; returns the exit code. ``fleet`` applies
        signed configuration between citizen sessions (it asks for a restart)."""

    def tour(self, config: KioskConfig, out: Path) -> list[Path]:
        """Render every screen to PNG files under ``out``."""


def load_frontend(name: str = "qt") -> Frontend:
    for ep in entry_points(group="hall_kiosk.frontends"):
        if ep.name == name:
            frontend: Frontend = ep.load()()
            return frontend
    raise CliError(f"no {name!r} front end installed (is the package installed with pip -e .?)")
