"""The composition root: one terminal's config, devices and stores, wired together."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from devices.base import Device, DeviceKind
from devices.camera.protocol import Camera
from devices.form_printer.protocol import FormPrinter
from devices.health import DeviceEvent
from devices.idcard.protocol import IdCardReader
from devices.registry import open_device
from devices.ticket_printer.protocol import TicketPrinter
from devices.unavailable import UnavailableDevice
from devices.uri import DeviceUriError
from devices.voice.protocol import Voice
from kiosk.config import KioskConfig
from kiosk.outbox import make_worker, open_outbox, setup_from
from offline_cache.store import Outbox
from offline_cache.sync import SyncWorker

log = logging.getLogger(__name__)

# Started on first use, not at boot: the camera's capture thread loads OpenCV (~45 MB of
# RSS) and works all day; the attract screen needs neither (issue 16).
LAZY_KINDS = frozenset({DeviceKind.CAMERA})


@dataclass
class Terminal:
    """Everything a flow may use. Built once at start by :func:`build_terminal`."""

    config: KioskConfig
    devices: dict[DeviceKind, Device]
    outbox: Outbox
    sync: SyncWorker | None = None  # None when no centre is configured
    events: queue.SimpleQueue[DeviceEvent] = field(default_factory=queue.SimpleQueue)
    _listeners: list[Callable[[], None]] = field(default_factory=list)
    _started: set[DeviceKind] = field(default_factory=set)
    _start_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ticket_printer(self) -> TicketPrinter:
        return cast(TicketPrinter, self.devices[DeviceKind.TICKET_PRINTER])

    @property
    def id_card(self) -> IdCardReader:
        return cast(IdCardReader, self.devices[DeviceKind.ID_CARD])

    @property
    def camera(self) -> Camera:
        """The camera, started on first use (LAZY_KINDS)."""
        return cast(Camera, self.use(DeviceKind.CAMERA))

    @property
    def form_printer(self) -> FormPrinter:
        return cast(FormPrinter, self.devices[DeviceKind.FORM_PRINTER])

    @property
    def voice(self) -> Voice:
        return cast(Voice, self.devices[DeviceKind.VOICE])

    def unavailable(self, kind: DeviceKind) -> str:
        """Why the device of ``kind`` could not be opened, or "" when it is there."""
        device = self.devices.get(kind)
        return device.reason if isinstance(device, UnavailableDevice) else ""

    def on_event(self, listener: Callable[[], None]) -> None:
        """``listener`` is called (on the driver's thread) after each event is queued."""
        self._listeners.append(listener)

    def post_event(self, event: DeviceEvent) -> None:
        """Thread-safe: drivers call this from their own threads."""
        log.info("device %s: %s", event.device, event.kind.value)
        self.events.put(event)
        for listener in list(self._listeners):
            listener()

    def start(self) -> None:
        """Start every device but the lazy ones; one that fails to start is replaced by
        a FAULT stand-in, so the journeys that need it are left out and the rest run."""
        for kind in list(self.devices):
            if kind not in LAZY_KINDS:
                self.use(kind)
        if self.sync is not None:
            self.sync.start()

    def use(self, kind: DeviceKind) -> Device:
        """The device of ``kind``, started if it was not yet (thread-safe, once)."""
        with self._start_lock:
            device = self.devices[kind]
            if kind not in self._started:
                self._started.add(kind)
                try:
                    device.start(self.post_event)
                except Exception as exc:  # a driver's failure must not stop the others
                    device = _unavailable(kind, device.uri, f"cannot start: {exc}")
                    self.devices[kind] = device
            return device

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


def _unavailable(kind: DeviceKind, uri: str, reason: str) -> UnavailableDevice:
    log.error("device %s unavailable: %s", kind.value, reason)
    return UnavailableDevice(kind.value, uri, reason)


def open_devices(config: KioskConfig) -> dict[DeviceKind, Device]:
    """Every configured device; one that cannot be opened (an unknown scheme, a missing
    port, a driver error) becomes a FAULT stand-in instead of stopping the kiosk."""
    devices: dict[DeviceKind, Device] = {}
    for kind, uri in device_uris(config).items():
        try:
            devices[kind] = open_device(kind, uri)
        except Exception as exc:  # every driver error, known or not, is this device's fault
            reason = exc.problem if isinstance(exc, DeviceUriError) else str(exc)
            devices[kind] = _unavailable(kind, uri, f"cannot open: {reason or type(exc).__name__}")
    return devices


def build_terminal(config: KioskConfig) -> Terminal:
    devices = open_devices(config)
    setup = setup_from(config)
    outbox = open_outbox(setup)
    sync = make_worker(setup, outbox) if config.central.url else None
    return Terminal(config=config, devices=devices, outbox=outbox, sync=sync)
