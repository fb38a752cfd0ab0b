"""Loads and merges the configuration layers, with errors that name file, line and key."""

from __future__ import annotations

import logging
import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.config.schema import KioskConfig

log = logging.getLogger(__name__)

TERMINAL_CONFIG = Path("/etc/hall-kiosk/kiosk.toml")
FLEET = "fleet:"  # layer names of verified fleet bundles start with this


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


@dataclass
class LayeredConfig:
    """The effective config and the layers it came from, lowest first."""

    config: KioskConfig
    layers: list[Layer]
    fleet_generation: int | None = None
    fleet_versions: dict[str, int] = field(default_factory=dict)
    fleet_error: str = ""

    def origin(self, loc: tuple[str | int, ...]) -> str:
        """The layer that set the value at ``loc`` (the top-most one that has it)."""
        return _blame(self.layers, loc).name


def _terminal_layers(path: Path | None) -> list[Layer]:
    layers = [default_layer()]
    env = os.environ.get("KIOSK_CONFIG")
    terminal = path or (Path(env) if env else TERMINAL_CONFIG)
    if path is not None and not path.exists():
        raise ConfigError(str(path), "<file>", "no such file")
    if terminal.exists():
        try:
            text = terminal.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(str(terminal), "<file>", f"cannot read: {exc}") from None
        layers.append(_parse(str(terminal), text))
    return layers


def load_layered(path: Path | None = None) -> LayeredConfig:
    """Defaults < terminal file (``path``, else $KIOSK_CONFIG, else /etc) < verified fleet
    bundles (all < hall < terminal).

    Fleet layers come only from bundles that verify against ``[fleet] root`` (python-tuf
    signatures, checked again here at every load); a set that fails to verify or to
    validate is left out and the terminal runs on its own file (the error is kept for the
    heartbeat). A broken terminal file still stops the start, naming file, line and key.
    """
    from kiosk.photo.specs import use_fleet_specs

    use_fleet_specs({})
    layers = _terminal_layers(path)
    base = load_layers(layers)
    if not base.fleet.root:
        return LayeredConfig(base, layers)
    from kiosk.fleet.layers import fleet_set_for, merged_specs
    from kiosk.photo.errors import SpecError

    fs = fleet_set_for(base)
    fleet_layers = [Layer(f"{FLEET}{fl.path} v{fl.version}", fl.text, fl.data) for fl in fs.layers]
    if not fleet_layers:
        return LayeredConfig(base, layers, fleet_error=fs.error)
    try:
        use_fleet_specs(merged_specs(fs.photo_specs))
        config = load_layers([*layers, *fleet_layers])
    except (ConfigError, SpecError) as exc:
        use_fleet_specs({})
        # Validated when applied; fails now only after a software change. Run on the
        # terminal's own file rather than not at all.
        log.error("fleet bundles not used: %s", exc)
        return LayeredConfig(base, layers, fleet_error=f"bundles fail validation: {exc}")
    return LayeredConfig(config, [*layers, *fleet_layers], fs.generation, fs.versions, fs.error)


def load_config(path: Path | None = None) -> KioskConfig:
    """The effective configuration (see :func:`load_layered`)."""
    return load_layered(path).config


def config_layers(path: Path | None = None) -> list[Layer]:
    """The layers :func:`load_config` merges, each with its name and text (fleet layers
    only when they verify), for callers that need to say where a value was set."""
    return load_layered(path).layers
