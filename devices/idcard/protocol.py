"""What the core asks of an identity document reader."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
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


class Presence(StrEnum):
    """Whether a card lies on the reader, and whether it was read since it was placed."""

    ABSENT = "absent"
    PRESENT = "present"  # on the reader, not read yet
    READ = "read"  # on the reader and already read: no new insertion event for it


class IdCardReader(Device, Protocol):
    """Reads identity documents. A journey waits for a ``card_inserted`` event and reads
    once per placement; it never calls :meth:`read` in a loop to find out whether a card
    is there (that is what :attr:`presence` and the events are for)."""

    def read(self, timeout_s: float = 5.0, access: DocumentAccess | None = None) -> IdDocument:
        """Read the document on the reader now, or raise CardReadError.

        ``access`` is needed by chips that use BAC (passports); ID cards ignore it.
        """

    @property
    def presence(self) -> Presence:
        """What the reader knows now, without I/O (its polling thread keeps it current)."""

    def ask_for_card(self) -> None:
        """The terminal now asks the citizen to place a card. A reader with a light or a
        buzzer may show it; most do nothing; the simulator's demo citizen places its card."""
