"""The fleet's part of the heartbeat: software version, applied bundle versions, each
device's health, and the last fleet check's error or failed update. No personal data:
device reasons are the drivers' technician texts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devices.base import Device
from kiosk import __version__
from offline_cache.wire import DeviceBeat, FleetAttempt

if TYPE_CHECKING:
    from kiosk.fleet.generation import FleetDir

REASON_MAX = 200


class FleetBeat:
    """Called by the sync worker at every heartbeat (from its own thread)."""

    def __init__(
        self, devices: Mapping[str, Device], fleet_dir: Path | None, heartbeat_s: float
    ) -> None:
        self.devices = devices
        self.fleet_dir: FleetDir | None = None
        if fleet_dir is not None:  # python-tuf only on a fleet terminal
            from kiosk.fleet.generation import FleetDir

            self.fleet_dir = FleetDir(fleet_dir)
        self.heartbeat_s = heartbeat_s

    def config_versions(self) -> dict[str, int]:
        """The bundle versions of the generation in use (after any rollback at start)."""
        if self.fleet_dir is None:
            return {}
        number = self.fleet_dir.pointer("current")
        if number is None:
            return {}
        from kiosk.fleet.generation import FleetTrustError

        try:
            return self.fleet_dir.generation(number).versions
        except FleetTrustError:
            return {}

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
