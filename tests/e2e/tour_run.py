"""One run of the tour with the accessibility audit of every screen it shoots."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kiosk.config.loader import default_layer, load_layers
from tests.support import make_config
from ui.a11y import ScreenAudit, audit_window
from ui.app import KioskUi
from ui.tour import render_tour


@dataclass
class Tour:
    out: Path
    written: list[Path]
    audits: dict[str, ScreenAudit]
    tree: dict[str, list[dict[str, object]]]

    def screens(self) -> list[str]:
        return [p.name for p in self.written]


def run_tour(folder: Path) -> Tour:
    config = make_config(folder / "data")
    assert load_layers([default_layer()]).terminal.hall_name  # the shipped defaults load
    audits: dict[str, ScreenAudit] = {}

    def inspect(name: str, ui: KioskUi) -> None:
        audits[name] = audit_window(ui.window)

    out = folder / "png"
    written = render_tour(config, out, inspect)
    tree = json.loads((out / "accessibility.json").read_text(encoding="utf-8"))
    return Tour(out, written, audits, tree)
