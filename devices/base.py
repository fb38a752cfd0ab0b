"""What every driver is: a small Protocol shared by all device kinds."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol, runtime_checkable

from devices.health import EventSink, Health


class DeviceKind(StrEnum):
    ID_CARD = "id_card"
    CAMERA = "camera"
    FORM_PRINTER = "form_printer"
    TICKET_PRINTER = "ticket_printer"
    VOICE = "voice"


@runtime_checkable
class Device(Protocol):
    """Every driver: started once with an event sink, asked for health, closed."""

    uri: str

    def start(self, sink: EventSink) -> None:
        """Begin background work (polling, capture). Returns at once."""

    def health(self) -> Health:
        """Current health; cheap, never blocks on I/O."""

    def close(self) -> None:
        """Stop threads and release the port; safe to call twice."""


class DeviceError(Exception):
    """A device could not do what was asked. ``reason`` is shown to technicians."""

    def __init__(self, device: str, reason: str) -> None:
        super().__init__(f"{device}: {reason}")
        self.device = device
        self.reason = reason
