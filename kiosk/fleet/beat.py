"""The fleet's part of the heartbeat: software version, applied bundle versions, each
device's health, and the last fleet check's error or failed update. No personal data:
device reasons are the drivers' technician texts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from devices.base import Device
from kiosk import __version__
from kiosk.fleet.generation import FleetDir
from offline_cache.wire import DeviceBeat, FleetAttempt

REASON_MAX = 200


class FleetBeat:
    """Called by the sync worker at every heartbeat (from its own thread)."""

    def __init__(
        self,
        devices: Mapping[str, Device],
        fleet_dir: Path | None,
        config_versions: Callable[[], dict[str, int]],
        heartbeat_s: float,
    ) -> None:
        self.devices = devices
        self.fleet_dir = FleetDir(fleet_dir) if fleet_dir is not None else None
        self.config_versions = config_versions
        self.heartbeat_s = heartbeat_s

    def __call__(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "software": __version__,
            "heartbeat_s": self.heartbeat_s,
            "config_versions": self.config_versions(),
            "devices": {
                role: DeviceBeat(state=h.state.value, reason=h.reason[:REASON_MAX])
                for role, h in ((r, d.health()) for r, d in self.devices.items())
            },
        }
        if self.fleet_dir is not None:
            state = self.fleet_dir.read_state()
            fields["fleet_checked_at"] = state.last_check
            fields["fleet_error"] = state.last_error[:300]
            if state.attempt:
                wire = {k: v for k, v in state.attempt.items() if k != "final"}
                fields["fleet_attempt"] = FleetAttempt.model_validate(wire)
        return fields
