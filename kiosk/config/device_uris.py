"""Device URIs checked when the config loads: a bad one is reported with its file, line
and key, and the kiosk still starts (that device is a FAULT; the other journeys run)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from devices.base import DeviceKind
from devices.registry import check_uri
from kiosk.config.loader import Layer, config_layers, load_layers, locate
from kiosk.config.schema import KioskConfig


@dataclass(frozen=True)
class DeviceUriProblem:
    """One device URI that no driver can use, and where it was set."""

    file: str
    line: int | None
    key: str  # e.g. "devices.camera"
    uri: str
    problem: str  # names the known schemes when the scheme is unknown

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.uri!r}: {self.problem}"


def check_device_uris(config: KioskConfig, layers: list[Layer]) -> list[DeviceUriProblem]:
    """Every configured device URI that is malformed, of an unknown scheme or incomplete."""
    problems = []
    for kind in DeviceKind:
        uri = str(getattr(config.devices, kind.value))
        problem = check_uri(kind, uri)
        if problem:
            file, line = locate(layers, ("devices", kind.value))
            problems.append(DeviceUriProblem(file, line, f"devices.{kind.value}", uri, problem))
    return problems


def load_checked(path: Path | None = None) -> tuple[KioskConfig, list[DeviceUriProblem]]:
    """The config (as :func:`kiosk.config.load_config`) and its device URI problems."""
    layers = config_layers(path)
    config = load_layers(layers)
    return config, check_device_uris(config, layers)
