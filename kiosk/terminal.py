"""The composition root: one terminal's config, devices and stores, wired together."""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from devices.base import Device, DeviceKind
from devices.camera.protocol import Camera
from devices.form_printer.protocol import FormPrinter
from devices.health import DeviceEvent
from devices.idcard.protocol import IdCardReader
from devices.registry import open_device
from devices.ticket_printer.protocol import TicketPrinter
from devices.voice.protocol import Voice
from kiosk.config import KioskConfig
from kiosk.outbox import make_worker, open_outbox, setup_from
from offline_cache.store import Outbox
from offline_cache.sync import SyncWorker

log = logging.getLogger(__name__)


@dataclass
class Terminal:
    """Everything a flow may use. Built once at start by :func:`build_terminal`."""

    config: KioskConfig
    devices: dict[DeviceKind, Device]
    outbox: Outbox
    sync: SyncWorker | None = None  # None when no centre is configured
    events: queue.SimpleQueue[DeviceEvent] = field(default_factory=queue.SimpleQueue)

    @property
    def ticket_printer(self) -> TicketPrinter:
        return cast(TicketPrinter, self.devices[DeviceKind.TICKET_PRINTER])

    @property
    def id_card(self) -> IdCardReader:
        return cast(IdCardReader, self.devices[DeviceKind.ID_CARD])

    @property
    def camera(self) -> Camera:
        return cast(Camera, self.devices[DeviceKind.CAMERA])

    @property
    def form_printer(self) -> FormPrinter:
        return cast(FormPrinter, self.devices[DeviceKind.FORM_PRINTER])

    @property
    def voice(self) -> Voice:
        return cast(Voice, self.devices[DeviceKind.VOICE])

    def post_event(self, event: DeviceEvent) -> None:
        """Thread-safe: drivers call this from their own threads."""
        log.info("device %s: %s", event.device, event.kind.value)
        self.events.put(event)

    def start(self) -> None:
        for device in self.devices.values():
            device.start(self.post_event)
        if self.sync is not None:
            self.sync.start()

    def close(self) -> None:
        if self.sync is not None:
            self.sync.stop(timeout=5)
        for device in self.devices.values():
            device.close()
        self.outbox.close()


def device_uris(config: KioskConfig) -> dict[DeviceKind, str]:
    d = config.devices
    return {
        DeviceKind.ID_CARD: d.id_card,
        DeviceKind.CAMERA: d.camera,
        DeviceKind.FORM_PRINTER: d.form_printer,
        DeviceKind.TICKET_PRINTER: d.ticket_printer,
        DeviceKind.VOICE: d.voice,
    }


def build_terminal(config: KioskConfig) -> Terminal:
    devices = {kind: open_device(kind, uri) for kind, uri in device_uris(config).items()}
    setup = setup_from(config)
    outbox = open_outbox(setup)
    sync = None
    if config.central.url:
        sync = make_worker(setup, outbox, beat_extra=fleet_beat(config, devices))
    return Terminal(config=config, devices=devices, outbox=outbox, sync=sync)


def fleet_beat(
    config: KioskConfig, devices: dict[DeviceKind, Device]
) -> Callable[[], dict[str, Any]]:
    """The heartbeat's software version, device health and fleet state."""
    from kiosk.fleet.beat import FleetBeat

    fleet_dir = config.terminal.data_path / "fleet" if config.fleet.root else None
    return FleetBeat(
        {k.value: d for k, d in devices.items()}, fleet_dir, config.central.heartbeat_s
    )
