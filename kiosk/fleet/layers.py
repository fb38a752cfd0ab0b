"""Verified bundles as config layers (all < hall < terminal), with this terminal's
sealed secrets opened, and as extra form definitions."""

from __future__ import annotations

import logging
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config.schema import KioskConfig
from offline_cache.wire import (
    FleetBundle,
    FleetScope,
    fleet_key_blocked,
    fleet_target_path,
)

if TYPE_CHECKING:
    from kiosk.forms.model import FormDefinition

log = logging.getLogger(__name__)

SCOPE_ORDER = (FleetScope.ALL, FleetScope.HALL, FleetScope.TERMINAL)


class BundleProblem(Exception):
    """A bundle is not usable on this terminal; names the bundle and the key."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class FleetLayer:
    """One bundle's config, ready for the loader (secrets opened, not in ``text``)."""

    name: str  # e.g. "fleet:hall/wuhan.json v7"
    text: str
    data: dict[str, Any]
    path: str
    version: int
    secrets: tuple[str, ...] = ()


@dataclass
class FleetSet:
    """What the effective generation contributes to the terminal."""

    generation: int | None = None
    layers: list[FleetLayer] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    forms: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (where, text)
    photo_specs: list[tuple[str, str]] = field(default_factory=list)  # (where, text), low first
    error: str = ""  # why the set is smaller than what was applied (for the heartbeat)


def scope_paths(terminal_id: str, hall_id: str) -> list[str]:
    """This terminal's bundles, lowest precedence first."""
    return [
        fleet_target_path(FleetScope.ALL),
        fleet_target_path(FleetScope.HALL, hall_id),
        fleet_target_path(FleetScope.TERMINAL, terminal_id),
    ]


def _dotted(data: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        out.append(name)
        if isinstance(value, dict):
            out.extend(_dotted(value, name + "."))
    return out


def _set(data: dict[str, Any], dotted: str, value: object) -> None:
    *tables, leaf = dotted.split(".")
    node = data
    for t in tables:
        node = node.setdefault(t, {})
    node[leaf] = value


def bundle_layer(
    path: str,
    bundle: FleetBundle,
    terminal_id: str,
    client_key: Path | None,
) -> FleetLayer:
    """The config layer of one verified bundle. Refuses keys only the terminal's own
    file may set; opens this terminal's sealed secrets with its TLS key."""
    where = f"fleet:{path} v{bundle.version}"
    expected = fleet_target_path(bundle.scope, bundle.name)
    if expected != path:
        raise BundleProblem(where, f"bundle is for {expected}, not {path}")
    try:
        data = tomllib.loads(bundle.config)
    except tomllib.TOMLDecodeError as exc:
        raise BundleProblem(where, f"config is not valid TOML: {exc}") from None
    for key in _dotted(data):
        blocked = fleet_key_blocked(key)
        if blocked is not None:
            raise BundleProblem(where, f"{key}: a fleet bundle may not set {blocked}")
    opened: list[str] = []
    for key, per_terminal in bundle.sealed.items():
        sealed = per_terminal.get(terminal_id)
        if sealed is None:
            continue  # sealed for other terminals only: this one keeps its own value
        if client_key is None:
            raise BundleProblem(where, f"{key}: sealed, but [central] client_key is not set")
        from kiosk.fleet.sealed import UnsealError, load_private_key, seal_aad, unseal

        try:
            value = unseal(
                load_private_key(client_key), sealed, seal_aad(path, key, terminal_id), key
            )
        except (OSError, ValueError) as exc:
            raise BundleProblem(where, f"{key}: cannot read the client key: {exc}") from None
        except UnsealError as exc:
            raise BundleProblem(where, str(exc)) from None
        _set(data, key, value)
        opened.append(key)
    return FleetLayer(where, bundle.config, data, path, bundle.version, tuple(opened))


def fleet_set(
    fleet_dir: Path,
    installed_root: Path,
    terminal_id: str,
    hall_id: str,
    client_key: Path | None,
    now: float | None = None,
) -> FleetSet:
    """The verified layers of the effective generation: ``current``, or ``previous``
    when the current one's probation ran out without a healthy start, or when it no
    longer verifies. Never raises for a bad generation: the kiosk must start."""
    from kiosk.fleet.generation import FleetDir, FleetTrustError, verify_generation

    fd = FleetDir(fleet_dir)
    now = time.time() if now is None else now
    state = fd.read_state()
    candidates = [fd.pointer("current"), fd.pointer("previous")]
    if state.probation is not None and state.probation.expired(now):
        candidates = [state.probation.previous]
    try:
        root = installed_root.read_bytes()
    except OSError as exc:
        return FleetSet(error=f"[fleet] root {installed_root}: {exc.strerror}")
    errors: list[str] = []
    for number in candidates:
        if number is None:
            continue
        try:
            verified = verify_generation(fd.generation(number), root)
            out = FleetSet(generation=number)
            for path in scope_paths(terminal_id, hall_id):
                vb = verified.get(path)
                if vb is None:
                    continue
                out.layers.append(bundle_layer(path, vb.bundle, terminal_id, client_key))
                out.versions[path] = vb.bundle.version
                where = f"fleet:{path} v{vb.bundle.version}"
                for form_id, text in vb.bundle.forms.items():
                    out.forms[form_id] = (f"{where} form {form_id}", text)
                if vb.bundle.photo_specs:
                    out.photo_specs.append((f"{where} photo specs", vb.bundle.photo_specs))
            out.error = "; ".join(errors)
            return out
        except (FleetTrustError, BundleProblem) as exc:
            log.error("fleet generation %s not used: %s", number, exc)
            errors.append(f"generation {number}: {exc}")
    return FleetSet(error="; ".join(errors))


def merged_specs(texts: list[tuple[str, str]]) -> dict[str, Any]:
    """Photo specs of the bundles, a higher scope's spec replacing a lower one's."""
    from kiosk.photo.specs import parse_specs

    specs: dict[str, Any] = {}
    for where, text in texts:
        specs.update(parse_specs(text, where))
    return specs


def fleet_set_for(config: KioskConfig) -> FleetSet:
    """:func:`fleet_set` for a terminal's own config (its data folder, root, ids, key)."""
    central = config.central
    return fleet_set(
        config.terminal.data_path / "fleet",
        Path(config.fleet.root),
        config.terminal.id,
        config.terminal.hall_id,
        Path(central.client_key or central.client_cert) if central.client_cert else None,
    )


def fleet_forms(config: KioskConfig) -> list[FormDefinition]:
    """Form definitions from the verified bundles this terminal runs with (a bundle's
    form replaces a built-in one with the same id). Empty without ``[fleet] root``."""
    if not config.fleet.root:
        return []
    from kiosk.forms.loader import FormDefinitionError, parse_definition

    forms = []
    for form_id, (where, text) in fleet_set_for(config).forms.items():
        try:
            forms.append(parse_definition(text, where, expect_id=form_id))
        except FormDefinitionError as exc:  # validated when applied; a software change
            log.error("fleet form not offered: %s", exc)
    return forms
