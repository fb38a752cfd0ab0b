"""Helpers the tests import: a hand-moved clock and a fast simulated config."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.config.loader import Layer, default_layer, load_layers


class ManualClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t


def make_config(data_dir: Path, extra_toml: str = "") -> KioskConfig:
    """Built-in defaults, simulated devices (fast), data in ``data_dir``, plus ``extra_toml``."""
    text = f"""
[terminal]
data_dir = "{data_dir}"
[devices]
ticket_printer = "sim://?delay_ms=20"
form_printer = "sim://?delay_ms=20"
id_card = "sim://?read_ms=20"
camera = "sim://"
{extra_toml}
"""
    return load_layers([default_layer(), Layer("<test>", text, tomllib.loads(text))])
