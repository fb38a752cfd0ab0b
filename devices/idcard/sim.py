"""A simulated ID card reader holding a fictional card.

``sim://?card=present&read_ms=600``: with ``card=present`` a card lies on the reader
from the start. Tests and the demo call ``insert()`` / ``remove()``.
"""

from __future__ import annotations

import threading
import time

from devices.health import EventKind, EventSink, Health, HealthTracker
from devices.idcard.protocol import CardReadError, DocumentAccess
from devices.idcard.record import CardType, IdDocument
from devices.uri import DeviceUri


def sample_card() -> IdDocument:
    """A fictional resident ID card (the number's check digit is valid)."""
    return IdDocument(
        card_type=CardType.RESIDENT_ID,
        name="张小明",
        sex="M",
        ethnicity="汉",
        birth_date="1990-03-07",
        address="湖北省武汉市江汉区市民之家路1号",
        id_number="420103199003070017",
        issuer="武汉市公安局江汉分局",
        valid_from="2020-01-01",
        valid_to="2040-01-01",
        id_number_valid=True,
    )


class SimIdCardReader:
    def __init__(self, uri: DeviceUri, role: str = "id_card") -> None:
        self.uri = uri.raw
        self.role = role
        self.read_s = uri.int_param("read_ms", 600) / 1000
        self._card: IdDocument | None = (
            sample_card() if uri.params.get("card") == "present" else None
        )
        self._lock = threading.Lock()
        self._health = HealthTracker(role)

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        pass

    def insert(self, card: IdDocument | None = None) -> None:
        with self._lock:
            self._card = card or sample_card()
        self._health.emit(EventKind.CARD_INSERTED)

    def remove(self) -> None:
        with self._lock:
            self._card = None
        self._health.emit(EventKind.CARD_REMOVED)

    def read(self, timeout_s: float = 5.0, access: DocumentAccess | None = None) -> IdDocument:
        time.sleep(min(self.read_s, timeout_s))
        with self._lock:
            card = self._card
        if card is None:
            self._health.count("no_card")
            raise CardReadError(self.role, "no card on the reader")
        self._health.count("reads")
        doc = IdDocument.from_json(card.to_json())
        doc.photo = card.photo  # the card's photo travels as bytes, not in the JSON
        return doc
