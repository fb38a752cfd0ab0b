"""The identity journey's parts, wired to one terminal (part of the composition root)."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

from devices.base import DeviceKind
from devices.camera.protocol import Camera
from kiosk.flows.identity import IdentityEngine, IdentityServices
from kiosk.identity.evidence import EvidenceError, TerminalSigner
from kiosk.identity.outbox_recorder import outbox_delivery
from kiosk.terminal import Terminal

log = logging.getLogger(__name__)


def identity_services(terminal: Terminal) -> IdentityServices:
    config = terminal.config
    tz = ZoneInfo(config.terminal.timezone)
    central = config.central
    built: list[IdentityEngine] = []

    def engine() -> IdentityEngine:
        # OpenCV, mediapipe and the models load on the first check, not at start-up.
        if not built:
            from kiosk.identity.engine import LiveEngine

            built.append(LiveEngine())
        return built[0]

    def signer() -> TerminalSigner | None:
        if not (central.client_cert and central.client_key):
            return None  # no terminal certificate: the record goes unsigned (centre: review)
        try:
            return TerminalSigner.from_files(Path(central.client_cert), Path(central.client_key))
        except EvidenceError as exc:
            log.warning("identity evidence unsigned: %s", exc)
            return None

    def online() -> bool:
        """A centre is configured and the outbox has not failed to reach it since it last
        succeeded (so the centre will confirm the check soon, not days later)."""
        if not central.url:
            return False
        status = terminal.outbox.status()
        if status.last_error_at is None:
            return True
        return status.last_success is not None and status.last_success >= status.last_error_at

    return IdentityServices(
        reader=terminal.id_card,
        camera=cast(Camera, terminal.devices[DeviceKind.CAMERA]),  # started on first use
        engine=engine,
        deliver=outbox_delivery(
            terminal.outbox, config.terminal.id, lambda: datetime.now(tz), signer
        ),
        online=online,
        settings=config.identity,
    )
