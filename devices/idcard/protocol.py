"""What the core asks of an identity document reader."""

from __future__ import annotations

from typing import Protocol

from devices.base import Device, DeviceError
from devices.idcard.record import IdDocument


class CardReadError(DeviceError):
    """Reading failed: no card, card removed mid-read, bad checksum, timeout..."""


class IdCardReader(Device, Protocol):
    def read(self, timeout_s: float = 5.0) -> IdDocument:
        """Read the document on the reader now, or raise CardReadError."""
