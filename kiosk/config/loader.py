"""Loads and merges the configuration layers, with errors that name file, line and key."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.config.schema import KioskConfig

TERMINAL_CONFIG = Path("/etc/hall-kiosk/kiosk.toml")
FLEET_CONFIG = Path("/var/lib/hall-kiosk/fleet/current/kiosk.toml")


@dataclass(frozen=True)
class Layer:
    name: str  # a path, or "<defaults>"
    text: str
    data: dict[str, Any]


class ConfigError(Exception):
    """A configuration value was refused. Names the file, the line and the key."""

    def __init__(self, file: str, key: str, problem: str, line: int | None = None) -> None:
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {key}: {problem}")
        self.file = file
        self.key = key
        self.line = line
        self.problem = problem


def _parse(name: str, text: str) -> Layer:
    try:
        return Layer(name, text, tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts the position only in the message: "(at line 2, column 10)".
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        raise ConfigError(name, "<file>", f"not valid TOML: {exc}", line) from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; arrays (such as services) replace the lower layer's."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _find_line(text: str, loc: tuple[str | int, ...]) -> int | None:
    """Best-effort line of a key: TOML parsers do not keep positions."""
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return None
    leaf = re.compile(rf"^\s*{re.escape(names[-1])}\s*=")
    table = names[0]
    in_table = len(names) == 1
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            header = stripped.strip("[]").strip()
            in_table = header == table or len(names) == 1
            if header == table and len(names) == 1:
                return number
            continue
        if in_table and leaf.match(line):
            return number
    return None


def _blame(layers: list[Layer], loc: tuple[str | int, ...]) -> Layer:
    """The top-most layer that sets the offending key."""
    for layer in reversed(layers):
        node: Any = layer.data
        found = True
        for part in loc:
            if (isinstance(node, dict) and isinstance(part, str) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and part < len(node)
            ):
                node = node[part]  # type: ignore[index]
            else:
                found = False
                break
        if found:
            return layer
    return layers[-1]


def load_layers(layers: list[Layer]) -> KioskConfig:
    merged: dict[str, Any] = {}
    for layer in layers:
        merged = _merge(merged, layer.data)
    try:
        return KioskConfig.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        layer = _blame(layers, loc)
        key = ".".join(str(p) for p in loc) or "<root>"
        expected = err["msg"]
        if err["type"] == "extra_forbidden":
            expected = "unknown key (typo?)"
        raise ConfigError(layer.name, key, expected, _find_line(layer.text, loc)) from None


def default_layer() -> Layer:
    text = resources.files("kiosk.config").joinpath("defaults.toml").read_text("utf-8")
    return _parse("<defaults>", text)


def locate(layers: list[Layer], loc: tuple[str | int, ...]) -> tuple[str, int | None]:
    """The file and line that set the key at ``loc`` (the top-most layer that sets it)."""
    layer = _blame(layers, loc)
    return layer.name, _find_line(layer.text, loc)


def load_config(path: Path | None = None, fleet: Path | None = None) -> KioskConfig:
    """Defaults < terminal file (``path``, else $KIOSK_CONFIG, else /etc) < fleet layer."""
    return load_layers(config_layers(path, fleet))


def config_layers(path: Path | None = None, fleet: Path | None = None) -> list[Layer]:
    """The layers :func:`load_config` merges, each with its file name and text."""
    layers = [default_layer()]
    env = os.environ.get("KIOSK_CONFIG")
    terminal = path or (Path(env) if env else TERMINAL_CONFIG)
    if path is not None and not path.exists():
        raise ConfigError(str(path), "<file>", "no such file")
    fleet_path = fleet or FLEET_CONFIG
    for candidate in (terminal, fleet_path):
        if candidate.exists():
            try:
                text = candidate.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(str(candidate), "<file>", f"cannot read: {exc}") from None
            layers.append(_parse(str(candidate), text))
    return layers
