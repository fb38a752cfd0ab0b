"""Wiring the outbox and its sync worker from the terminal's configuration.

``offline_cache`` knows nothing of the kiosk's config; this is where the two meet (for the
composition root, the CLI and ``kiosk doctor``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.config import ConfigError, KioskConfig
from kiosk.config.schema import CentralConfig
from offline_cache.client import CentralClient, CentralSettings
from offline_cache.crypto import key_location
from offline_cache.store import MiB, Outbox
from offline_cache.sync import SyncWorker


@dataclass(frozen=True)
class OutboxSetup:
    """The config, with any command-line overrides applied."""

    terminal_id: str
    data_dir: Path
    central: CentralConfig


def setup_from(
    config: KioskConfig, *, data_dir: Path | None = None, **central_overrides: Any
) -> OutboxSetup:
    """Overrides with a value of None or "" (not given) leave the config's value; the
    result is checked as the config file would be (https, pinned CA, certificate)."""
    given = {k: v for k, v in central_overrides.items() if v not in (None, "")}
    central = config.central
    if given:
        try:
            central = CentralConfig.model_validate({**central.model_dump(), **given})
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(["central", *(str(p) for p in first["loc"])])
            raise ConfigError("(command line)", key, first["msg"]) from None
    return OutboxSetup(
        terminal_id=config.terminal.id,
        data_dir=(data_dir or config.terminal.data_path).expanduser(),
        central=central,
    )


def open_outbox(setup: OutboxSetup) -> Outbox:
    key_path = key_location(setup.central.key_file or None)
    if not setup.central.key_file and not key_path.parent.exists():
        # No /etc/hall-kiosk on a developer machine: keep the key beside the data,
        # still 0600. A provisioned terminal has the file or the systemd credential.
        key_path = setup.data_dir / "outbox.key"
    return Outbox(
        setup.data_dir,
        key_path=key_path,
        disk_budget_bytes=setup.central.disk_budget_mb * MiB,
        min_free_bytes=setup.central.min_free_mb * MiB,
    )


def client_settings(central: CentralConfig) -> CentralSettings:
    return CentralSettings(
        url=central.url,
        ca_file=central.ca_file,
        client_cert=central.client_cert,
        client_key=central.client_key,
    )


def make_worker(setup: OutboxSetup, outbox: Outbox) -> SyncWorker:
    settings = client_settings(setup.central)
    return SyncWorker(
        outbox,
        lambda: CentralClient(settings),
        setup.terminal_id,
        batch_size=setup.central.batch_size,
        heartbeat_s=setup.central.heartbeat_s,
    )


def with_url(setup: OutboxSetup, url: str) -> OutboxSetup:
    return replace(setup, central=setup.central.model_copy(update={"url": url}))


def outbox_health_row(config: KioskConfig) -> dict[str, object]:
    """The outbox as one ``kiosk doctor`` row, shaped like a device's (no personal data)."""
    setup = setup_from(config)
    try:
        outbox = open_outbox(setup)
    except OSError as exc:
        return {
            "device": "outbox",
            "uri": str(setup.data_dir),
            "state": "fault",
            "reason": f"cannot open: {exc.strerror}",
            "counters": {},
        }
    try:
        data = outbox.status().as_dict()
    finally:
        outbox.close()
    counters = {
        k: data[k]
        for k in ("pending", "dead_letter", "bytes", "oldest_age_s", "last_success", "last_error")
        if data[k] is not None
    }
    return {
        "device": "outbox",
        "uri": setup.central.url or "(no centre)",
        "state": data["state"],
        "reason": data["reason"],
        "counters": counters,
    }
