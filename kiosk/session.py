"""One citizen's session: holds their personal data in memory and wipes it at the end."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)

BOOTH_PHOTO = "booth_photo"  # the session slot of the accepted booth photo


class _HasJpeg(Protocol):
    @property
    def jpeg(self) -> bytes: ...


_Photo = TypeVar("_Photo", bound=_HasJpeg)


class EndReason(StrEnum):
    FINISHED = "finished"
    CANCELLED = "cancelled"
    IDLE = "idle"


@dataclass
class Session:
    """Personal data lives here and nowhere else on the terminal (but the encrypted outbox).

    Values that know how to wipe themselves (``wipe()``) are wiped in place, bytearrays
    are zeroed, then every reference is dropped. ``repr`` never shows the data.
    """

    id: str = field(default_factory=lambda: secrets.token_hex(8))
    language: str = "zh_CN"
    large_text: bool = False
    _data: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    ended: EndReason | None = None
    _on_end: list[Callable[[Session], None]] = field(default_factory=list, repr=False)

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            if self.ended is not None:
                raise RuntimeError("session already ended")
            self._data[key] = value

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return self._data.get(key, default)

    def keep_booth_photo(self, jpeg: bytes) -> bool:
        """The photo the citizen accepted at the booth in this visit: a form that has a
        photo box prints it. Kept as a bytearray so the end of the session zeroes it.
        False (nothing kept) when the session has already ended."""
        with self._lock:
            if self.ended is not None:
                return False
            self._data[BOOTH_PHOTO] = bytearray(jpeg)
        return True

    def keeping_booth_photo(self, deliver: Callable[[_Photo], str]) -> Callable[[_Photo], str]:
        """``deliver`` (which queues an accepted photo and returns its receipt) that also
        keeps the photo in this session once it is queued, for the form journey."""

        def deliver_and_keep(outcome: _Photo) -> str:
            receipt = deliver(outcome)
            self.keep_booth_photo(outcome.jpeg)
            return receipt

        return deliver_and_keep

    @property
    def booth_photo(self) -> bytes:
        """The accepted booth photo (JPEG) of this visit, or b"" if none was taken."""
        photo = self.get(BOOTH_PHOTO)
        return bytes(photo) if photo else b""

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._data)

    def on_end(self, callback: Callable[[Session], None]) -> None:
        """Run ``callback`` when the session ends (e.g. wipe the keyboard's dictionary)."""
        self._on_end.append(callback)

    def end(self, reason: EndReason) -> None:
        with self._lock:
            if self.ended is not None:
                return
            self.ended = reason
            data, self._data = self._data, {}
        for value in data.values():
            _wipe(value)
        data.clear()
        for callback in self._on_end:
            callback(self)
        log.info("session %s ended: %s", self.id, reason.value)


def _wipe(value: Any) -> None:
    if hasattr(value, "wipe"):
        value.wipe()
    elif isinstance(value, bytearray):
        value[:] = bytes(len(value))
    elif isinstance(value, dict):
        for inner in value.values():
            _wipe(inner)
        value.clear()
    elif isinstance(value, list):
        for inner in value:
            _wipe(inner)
        value.clear()
