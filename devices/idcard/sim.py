"""A simulated ID card reader holding a fictional card.

Tests call ``insert()`` / ``remove()``; each posts ``card_inserted`` / ``card_removed``
as a real reader's polling thread does, and :attr:`presence` follows (a read card
counts as READ until it is lifted, as on the SAM driver).

``sim://?card=present`` is for trying the kiosk without a reader: the sample card lies
on the reader from the start (``kiosk idcard read`` reads it), and a demo citizen does
what the screen asks. When the terminal asks for a card (:meth:`ask_for_card`) they lift
the one lying there and place it again ``place_ms`` later (default 1200); ``take_ms``
(default 2500) after it was read they take it back. ``read_ms`` (default 600) is how long
a read takes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from devices.health import EventKind, EventSink, Health, HealthTracker
from devices.idcard.protocol import CardReadError, DocumentAccess, Presence
from devices.idcard.record import CardType, IdDocument
from devices.uri import DeviceUri, DeviceUriError


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
        card = uri.params.get("card")
        if card not in (None, "", "present", "none"):
            raise DeviceUriError(uri.raw, f"card={card!r}: use card=present (a demo citizen)")
        self.demo = card == "present"
        self.place_s = uri.int_param("place_ms", 1200) / 1000
        self.take_s = uri.int_param("take_ms", 2500) / 1000
        self._card: IdDocument | None = sample_card() if self.demo else None
        self._presence = Presence.PRESENT if self.demo else Presence.ABSENT
        self._lock = threading.Lock()
        self._timers: list[threading.Timer] = []
        self._health = HealthTracker(role)

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        with self._lock:
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()

    @property
    def presence(self) -> Presence:
        with self._lock:
            return self._presence

    def insert(self, card: IdDocument | None = None) -> None:
        """A card is placed on the reader (a new placement, even of the same card)."""
        with self._lock:
            self._card = card or sample_card()
            self._presence = Presence.PRESENT
        self._health.count("cards_inserted")
        self._health.emit(EventKind.CARD_INSERTED)

    def remove(self) -> None:
        """The card is lifted."""
        with self._lock:
            had = self._presence is not Presence.ABSENT
            self._card = None
            self._presence = Presence.ABSENT
        if had:
            self._health.count("cards_removed")
            self._health.emit(EventKind.CARD_REMOVED)

    def ask_for_card(self) -> None:
        """Only the demo citizen (``card=present``) answers: lift the card, place it again."""
        if not self.demo:
            return
        self.remove()
        self._later(self.place_s, self.insert)

    def read(self, timeout_s: float = 5.0, access: DocumentAccess | None = None) -> IdDocument:
        time.sleep(min(self.read_s, timeout_s))
        with self._lock:
            card = self._card
            if card is not None:
                self._presence = Presence.READ
        if card is None:
            self._health.count("read_failures")
            raise CardReadError(self.role, "no card on the reader")
        self._health.count("reads")
        if self.demo:
            self._later(self.take_s, self.remove)
        doc = IdDocument.from_json(card.to_json())
        doc.photo = card.photo  # the card's photo travels as bytes, not in the JSON
        return doc

    def _later(self, seconds: float, action: Callable[[], None]) -> None:
        timer = threading.Timer(seconds, action)
        timer.daemon = True
        with self._lock:
            self._timers = [t for t in self._timers if t.is_alive()]
            self._timers.append(timer)
        timer.start()
