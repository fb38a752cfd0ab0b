"""What the core asks of an identity document reader."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from devices.base import Device, DeviceError
from devices.idcard.record import IdDocument


class CardReadError(DeviceError):
    """Reading failed: no card, card removed mid-read, bad checksum, timeout..."""


@dataclass(frozen=True, repr=False)
class DocumentAccess:
    """What an eMRTD chip needs for Basic Access Control (from the MRZ)."""

    document_number: str
    birth_date: str  # YYMMDD
    expiry_date: str  # YYMMDD

    def __repr__(self) -> str:
        return "DocumentAccess(<hidden>)"


class IdCardReader(Device, Protocol):
    def read(self, timeout_s: float = 5.0, access: DocumentAccess | None = None) -> IdDocument:
        """Read the document on the reader now, or raise CardReadError.

        ``access`` is needed by chips that use BAC (passports); ID cards ignore it.
        """
