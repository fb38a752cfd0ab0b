"""``fleet publish``: a TOML file becomes part of one scope's signed bundle.

The centre cannot import the kiosk's schema (DESIGN: central shares only the wire
module), so it checks what it can here (TOML, keys a bundle may not set, secrets) and
every terminal validates the merged result with the same schema as its own file before
it applies anything.
"""

from __future__ import annotations

import copy
import re
import time
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from central.fleet.repo import FleetRepository
from central.fleet.seal import Recipient, seal, seal_aad
from offline_cache.wire import (
    FLEET_SECRET_KEYS,
    HALL_PATTERN,
    TERMINAL_PATTERN,
    FleetBundle,
    FleetScope,
    canonical_json,
    fleet_key_blocked,
    fleet_target_path,
)


class PublishError(Exception):
    """The file cannot be published as it is; names the file, line and key."""


class BundlePart(StrEnum):
    CONFIG = "config"
    FORM = "form"
    PHOTO_SPECS = "photo-specs"


@dataclass(frozen=True)
class RolloutPlan:
    """Staged rollout: a pilot hall first, then growing shares of the terminals; stop
    for good when more than ``max_failure_pct`` % of those asked have failed. Whole
    numbers only: TUF's canonical JSON signs no floats."""

    pilot_hall: str = ""
    stages_pct: tuple[int, ...] = (100,)
    max_failure_pct: int = 10
    soak_s: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "pilot_hall": self.pilot_hall,
            "stages_pct": list(self.stages_pct),
            "max_failure_pct": self.max_failure_pct,
            "soak_s": self.soak_s,
        }


@dataclass(frozen=True)
class PublishResult:
    path: str
    version: int
    scope: FleetScope
    name: str
    sealed_for: list[str] = field(default_factory=list)
    rollout: RolloutPlan | None = None


def _dotted(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out[name] = value
            out.update(_dotted(value, name + "."))
        else:
            out[name] = value
    return out


def _line_of(text: str, dotted: str) -> int | None:
    """The line of ``[dotted]`` (a table) or of ``leaf =`` inside its table."""
    table, _, leaf = dotted.rpartition(".")
    current = ""
    key = re.compile(rf"^\s*{re.escape(leaf)}\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped.strip("[]").strip()
            if current == dotted:
                return number
            continue
        if current == table and key.match(line):
            return number
    return None


def _parse(file: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PublishError(f"{file}: not valid TOML: {exc}") from None


def strip_secrets(file: Path, text: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The text without its secret lines, and the secrets by dotted key. Refuses a
    secret written in a form we cannot cut out line by line (inline table, dotted key)."""
    flat = _dotted(data)
    secrets = {k: flat[k] for k in FLEET_SECRET_KEYS if k in flat}
    lines = text.splitlines()
    for key in secrets:
        line = _line_of(text, key)
        if line is None:
            raise PublishError(
                f"{file}: {key}: write this secret as a plain key under"
                f" [{key.rpartition('.')[0]}] so it can be sealed"
            )
        lines[line - 1] = f"# {key.rpartition('.')[2]}: sealed per terminal"
    stripped = "\n".join(lines) + "\n"
    expected = copy.deepcopy(data)
    for key in secrets:
        *tables, leaf = key.split(".")
        node = expected
        for t in tables:
            node = node[t]
        del node[leaf]
    if _parse(file, stripped) != expected:
        raise PublishError(
            f"{file}: could not cut the secrets out cleanly; put each on its own line"
        )
    return stripped, secrets


def check_config(file: Path, text: str) -> dict[str, Any]:
    data = _parse(file, text)
    for key in _dotted(data):
        blocked = fleet_key_blocked(key)
        if blocked is not None:
            line = _line_of(text, key)
            where = f"{file}:{line}" if line else str(file)
            raise PublishError(
                f"{where}: {key}: a fleet bundle may not set {blocked} (it is the terminal's"
                " own provisioning, kept in /etc/hall-kiosk/kiosk.toml)"
            )
    return data


def recipients_for(scope: FleetScope, name: str, recipients: list[Recipient]) -> list[Recipient]:
    if scope is FleetScope.TERMINAL:
        return [r for r in recipients if r.terminal_id == name]
    if scope is FleetScope.HALL:
        return [r for r in recipients if r.hall_id == name]
    return list(recipients)


def _seal_all(
    file: Path, path: str, secrets: dict[str, Any], recipients: list[Recipient]
) -> dict[str, dict[str, str]]:
    if secrets and not recipients:
        keys = ", ".join(sorted(secrets))
        raise PublishError(
            f"{file}: {keys}: secret(s) are published only sealed to each terminal: give"
            " --seal-for with the terminals' certificates (e.g. the gen-certs folder)"
        )
    return {
        key: {
            r.terminal_id: seal(r.public_key, value, seal_aad(path, key, r.terminal_id))
            for r in recipients
        }
        for key, value in secrets.items()
    }


def _check_name(scope: FleetScope, name: str) -> None:
    if scope is FleetScope.ALL:
        if name:
            raise PublishError("--all takes no hall or terminal name")
        return
    pattern = HALL_PATTERN if scope is FleetScope.HALL else TERMINAL_PATTERN
    if not re.match(pattern, name):
        raise PublishError(f"{scope.value} id {name!r} is not valid ({pattern})")


def current_bundle(repo: FleetRepository, path: str) -> FleetBundle | None:
    info = repo.target_info(path)
    if info is None:
        return None
    return FleetBundle.model_validate_json(repo.target_bytes(info))


def publish(
    repo: FleetRepository,
    scope: FleetScope,
    name: str,
    file: Path,
    part: BundlePart = BundlePart.CONFIG,
    recipients: list[Recipient] | None = None,
    rollout: RolloutPlan | None = None,
) -> PublishResult:
    """Sign a new version of the scope's bundle with ``file`` in it; returns its version."""
    _check_name(scope, name)
    if rollout is not None and scope is FleetScope.TERMINAL:
        raise PublishError("a staged rollout needs --all or --hall (one terminal is one step)")
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PublishError(f"{file}: cannot read: {exc}") from None
    path = fleet_target_path(scope, name)
    chosen = recipients_for(scope, name, recipients or [])
    with repo.locked():
        previous = current_bundle(repo, path)
        version = repo.targets().version + 1
        fields: dict[str, Any] = (
            previous.model_dump(exclude={"version", "published_at"})
            if previous
            else {"scope": scope, "name": name}
        )
        sealed_for: list[str] = []
        if part is BundlePart.CONFIG:
            data = check_config(file, text)
            stripped, secrets = strip_secrets(file, text, data)
            fields["config"] = stripped
            fields["sealed"] = _seal_all(file, path, secrets, chosen)
            sealed_for = sorted(r.terminal_id for r in chosen) if secrets else []
        elif part is BundlePart.FORM:
            form_id = _parse(file, text).get("id")
            if not isinstance(form_id, str) or not re.match(r"^[a-z0-9_]{1,64}$", form_id):
                raise PublishError(f"{file}: id: a form definition needs an id like 'hk_travel'")
            fields["forms"] = {**fields.get("forms", {}), form_id: text}
        else:
            _parse(file, text)
            fields["photo_specs"] = text
        try:
            bundle = FleetBundle.model_validate(
                {**fields, "version": version, "published_at": time.time()}
            )
        except ValidationError as exc:
            raise PublishError(f"{file}: {exc.errors()[0]['msg']}") from None
        custom: dict[str, Any] = {"version": version, "scope": scope.value, "name": name}
        if rollout is not None:
            custom["rollout"] = rollout.as_dict()
        got = repo.add_target(path, canonical_json(bundle.model_dump(mode="json")), custom)
    if got != version:  # the lock makes this impossible; never hand out a wrong number
        raise PublishError(f"published as version {got}, expected {version}")
    return PublishResult(path, version, scope, name, sealed_for, rollout)
