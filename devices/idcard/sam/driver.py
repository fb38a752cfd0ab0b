"""The ``sam://`` ID card reader: a SAM module on a serial port.

``sam:///dev/ttyUSB0?baud=115200&poll_ms=300`` — parameters:

- ``baud``: line speed (8N1), default 115200.
- ``poll_ms``: card presence polling period, default 300.
- ``probe_ms``: how long opening waits for the SAM's status answer, default 300.
- ``absent_polls``: failed polls before a card counts as removed, default 2.
- ``fingerprint=1``: read with the fingerprint block (30 10) instead of 30 01.
- ``appended=0``: skip reading the appended address (30 03).

The fingerprint block and the appended address are optional: a SAM module that does
not support the command answers with an error status (bad command 0x21, not permitted
0x23, unrecognised 0x24, or one no standard names). The card is then still read, the
field is left out, health counts it (``optional_unsupported``) and names it, and the
driver stops asking that module (until another SAM answers on the port).
- ``wlt_cmd`` / ``wlt_lib``: the photo decoder plugin (see ``wlt``); none by default.

Opening never raises for a missing or silent port: health says FAULT with the reason,
and the polling thread keeps trying to reconnect. ``read()`` raises named errors.
"""

from __future__ import annotations

import logging
import threading
import time

from devices.health import EventKind, EventSink, Health, HealthState, HealthTracker
from devices.idcard.protocol import DocumentAccess, Presence
from devices.idcard.record import IdDocument
from devices.idcard.sam.errors import SamError
from devices.idcard.sam.frame import FrameError
from devices.idcard.sam.link import (
    BAUD_RATES,
    FIND,
    READ,
    READ_APPENDED_ADDRESS,
    READ_WITH_FINGERPRINT,
    RESET,
    SAM_ID,
    SELECT,
    STATUS,
    Command,
    SamLink,
    SamPortError,
    SamTimeoutError,
)
from devices.idcard.sam.status import (
    CardNotFoundError,
    CardReadFailedError,
    CardSelectError,
    NoContentError,
    SamCommandError,
    SamNotAuthorisedError,
    SamSelfTestError,
    SamStatusError,
    SamUnauthorizedOperationError,
    SamUnrecognisedError,
    UnknownStatusError,
)
from devices.idcard.sam.text_block import TEXT_BLOCK_LEN, decode_text_block
from devices.idcard.sam.wlt import WLT_LEN, PhotoDecoder, WltDecodeError, decoder_from_params
from devices.uri import DeviceUri, DeviceUriError

log = logging.getLogger(__name__)

APPENDED_ADDRESS_LEN = 70
FAILED_POLLS_FOR_FAULT = 3
RECONNECT_MAX_S = 2.0
# What a module answers to a command it does not implement (GA 467 names 0x21; vendors
# also answer 0x23, 0x24 or a status of their own).
UNSUPPORTED = (
    SamCommandError,
    SamUnauthorizedOperationError,
    SamUnrecognisedError,
    UnknownStatusError,
)
OPTIONAL_NAMES = {"fingerprint": "fingerprint", "appended": "appended address"}


class CardRemovedError(SamError):
    """The card left the reader while it was being read."""

    def __init__(self, device: str = "id_card") -> None:
        super().__init__("card removed during the read: place it again and hold it still", device)


class ReadLayoutError(SamError):
    """The read response's block lengths do not add up."""

    def __init__(self, expected: int, got: int, device: str = "id_card") -> None:
        super().__init__(f"read response holds {got} bytes, its lengths say {expected}", device)
        self.expected = expected
        self.got = got


def split_read_data(
    data: bytes, with_fingerprint: bool, device: str = "id_card"
) -> tuple[bytes, bytes, bytes]:
    """Text block, photo and fingerprint block of a 30 01 / 30 10 answer.

    The answer starts with their lengths (2 bytes each, big-endian; no fingerprint
    length for 30 01); the text block must be the 256 bytes every card layout has.
    """
    head = 6 if with_fingerprint else 4
    if len(data) < head:
        raise ReadLayoutError(head, len(data), device)
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    fp_len = int.from_bytes(data[4:6], "big") if with_fingerprint else 0
    expected = head + text_len + photo_len + fp_len
    if expected != len(data):
        raise ReadLayoutError(expected, len(data), device)
    if text_len != TEXT_BLOCK_LEN:
        raise ReadLayoutError(head + TEXT_BLOCK_LEN + photo_len + fp_len, len(data), device)
    photo_end = head + text_len + photo_len
    return data[head : head + text_len], data[head + text_len : photo_end], data[photo_end:]


def format_sam_id(data: bytes) -> str:
    """The SAM's printed serial, e.g. ``05.01-20101012-0000000001-0000000002``."""
    if len(data) < 16:
        return data.hex()
    a, b = int.from_bytes(data[0:2], "little"), int.from_bytes(data[2:4], "little")
    c, d, e = (int.from_bytes(data[i : i + 4], "little") for i in (4, 8, 12))
    return f"{a:02d}.{b:02d}-{c:08d}-{d:010d}-{e:010d}"


def _flag(uri: DeviceUri, name: str, default: bool) -> bool:
    value = uri.params.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise DeviceUriError(uri.raw, f"{name}={value!r} is not 1 or 0")


class SamIdCardReader:
    """Reads Chinese ID cards through a SAM module; polls for cards in its own thread."""

    def __init__(self, uri: DeviceUri, role: str = "id_card") -> None:
        self.uri = uri.raw
        self.role = role
        if not uri.path:
            raise DeviceUriError(uri.raw, "needs a serial port path, e.g. sam:///dev/ttyUSB0")
        baud = uri.int_param("baud", 115200)
        if baud not in BAUD_RATES:
            raise DeviceUriError(uri.raw, f"baud={baud} is not one of {BAUD_RATES}")
        self.poll_s = max(0.02, uri.int_param("poll_ms", 300) / 1000)
        self.probe_s = max(0.05, uri.int_param("probe_ms", 300) / 1000)
        self.absent_polls = max(1, uri.int_param("absent_polls", 2))
        self.with_fingerprint = _flag(uri, "fingerprint", False)
        self.with_appended_address = _flag(uri, "appended", True)
        self.link = SamLink(uri.path, baud, role)
        self.sam_id: str | None = None
        self._unsupported: set[str] = set()  # optional commands this SAM refused
        self._health = HealthTracker(role)
        self._decoder: PhotoDecoder | None = None
        self._decoder_problem = ""
        try:
            self._decoder = decoder_from_params(uri.params)
        except WltDecodeError as exc:
            self._decoder_problem = exc.reason
        self._io = threading.Lock()  # one conversation with the SAM at a time
        self._state_lock = threading.Lock()
        self._presence = Presence.ABSENT
        self._misses = 0
        self._failed_polls = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connect_error: SamError | None = None
        self._connect()

    # -- Device -----------------------------------------------------------------------

    def start(self, sink: EventSink) -> None:
        """Start presence polling; card and health events go to ``sink``."""
        self._health.attach(sink)
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._poll_loop, name=f"{self.role}-sam-poll", daemon=True
            )
            self._thread.start()

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=5.0)
        self.link.close()

    @property
    def presence(self) -> Presence:
        with self._state_lock:
            return self._presence

    def ask_for_card(self) -> None:
        """The SAM frame protocol has no light or buzzer command: nothing to do."""

    # -- connecting and health --------------------------------------------------------

    def _connect(self) -> bool:
        """Open the port and probe the SAM with a short timeout; set health either way."""
        try:
            self.link.open()
            try:
                self.link.exchange(STATUS, timeout_s=self.probe_s)
            except SamStatusError:
                # a SAM in a bad state often recovers with a reset; a broken one does not
                self.link.exchange(RESET, timeout_s=self.link.timeout_for(RESET))
                self.link.exchange(STATUS, timeout_s=self.probe_s)
            sam_id = format_sam_id(self.link.exchange(SAM_ID, timeout_s=self.probe_s).data)
            if sam_id != self.sam_id:
                self._unsupported.clear()  # another module: ask it about everything again
            self.sam_id = sam_id
        except SamTimeoutError as exc:
            self.link.close()
            self._connect_error = exc
            self._fault(
                f"SAM does not answer on {self.link.port} within {self.probe_s * 1000:.0f} ms"
            )
            return False
        except (SamPortError, SamStatusError, FrameError) as exc:
            self.link.close()
            self._connect_error = exc
            self._fault(exc.reason)
            return False
        self._connect_error = None
        self._failed_polls = 0
        self._healthy()
        log.debug("%s: SAM answered on %s", self.role, self.link.port)
        return True

    def _healthy(self) -> None:
        """The SAM answers: OK, or DEGRADED when the configured photo decoder is unusable.
        Optional items the module does not support are named (cards still read)."""
        reason = f"SAM {self.sam_id}"
        if self._unsupported:
            names = ", ".join(OPTIONAL_NAMES[k] for k in sorted(self._unsupported))
            reason += f"; not supported by this SAM: {names}"
        if self._decoder_problem:
            reason += f"; photo decoder unusable: {self._decoder_problem}"
            self._health.set(HealthState.DEGRADED, reason, EventKind.RECOVERED)
        else:
            self._health.set(HealthState.OK, reason, EventKind.RECOVERED)

    def _optional_refused(self, item: str, exc: SamStatusError) -> None:
        """The module refused an optional command: stop asking it, and say so in health."""
        self._health.count("optional_unsupported")
        log.info("%s: SAM %s does not support the %s: %s", self.role, self.sam_id,
                 OPTIONAL_NAMES[item], exc.reason)  # fmt: skip
        if item not in self._unsupported:
            self._unsupported.add(item)
            if self._health.snapshot().state is not HealthState.FAULT:
                self._healthy()

    def _fault(self, reason: str) -> None:
        if self._health.snapshot().state is not HealthState.FAULT:
            log.debug("%s: fault: %s", self.role, reason)
        self._health.set(HealthState.FAULT, reason, EventKind.OFFLINE)

    # -- presence polling ---------------------------------------------------------------

    def _poll_loop(self) -> None:
        backoff = self.poll_s
        while not self._stop.wait(backoff):
            if not self.link.is_open:
                if not self._io.acquire(timeout=0):
                    continue  # a read is reconnecting
                try:
                    ok = self._connect()
                finally:
                    self._io.release()
                backoff = self.poll_s if ok else min(RECONNECT_MAX_S, backoff * 2)
                continue
            backoff = self.poll_s
            self.poll_once()

    def poll_once(self) -> None:
        """One presence check: emits inserted/removed when the card's presence changes."""
        try:
            present = self._card_answers(self.poll_s)
        except (SamTimeoutError, FrameError, SamPortError) as exc:
            self._failed_polls += 1
            self._health.count("poll_failures")
            if isinstance(exc, SamPortError) or self._failed_polls >= FAILED_POLLS_FOR_FAULT:
                self.link.close()
                self._fault(f"SAM stopped answering: {exc.reason}")
            else:
                self._health.set(HealthState.DEGRADED, exc.reason)
            return
        except (SamSelfTestError, SamNotAuthorisedError) as exc:
            # the SAM itself is unusable: no card can be read until it is fixed
            self._health.count("poll_failures")
            self.link.close()
            self._fault(exc.reason)
            return
        except SamStatusError:
            self._health.count("poll_failures")
            return
        except _Busy:
            return
        if self._failed_polls:
            self._failed_polls = 0
            self._healthy()
        self._note_presence(present)

    def _card_answers(self, timeout_s: float) -> bool:
        """Find card; for a card already read, a failed find may be a halted card, so
        select decides (a halted card still answers select, an absent one does not)."""
        if not self._io.acquire(timeout=0):
            raise _Busy
        try:
            try:
                self.link.exchange(FIND, timeout_s=self._budget(FIND, timeout_s))
                return True
            except CardNotFoundError:
                if self.presence is not Presence.READ:
                    return False
            try:
                self.link.exchange(SELECT, timeout_s=self._budget(SELECT, timeout_s))
                return True
            except CardSelectError:
                return False
        finally:
            self._io.release()

    def _budget(self, command: Command, at_least: float) -> float:
        return max(at_least, self.link.timeout_for(command))

    def _note_presence(self, present: bool) -> None:
        event: EventKind | None = None
        with self._state_lock:
            if present:
                self._misses = 0
                if self._presence is Presence.ABSENT:
                    self._presence = Presence.PRESENT
                    event = EventKind.CARD_INSERTED
            elif self._presence is not Presence.ABSENT:
                self._misses += 1
                if self._misses >= self.absent_polls:
                    self._presence = Presence.ABSENT
                    self._misses = 0
                    event = EventKind.CARD_REMOVED
        if event is not None:
            self._health.count("cards_inserted" if present else "cards_removed")
            log.debug("%s: %s", self.role, event.value)
            self._health.emit(event)

    # -- reading ----------------------------------------------------------------------

    def read(self, timeout_s: float = 5.0, access: DocumentAccess | None = None) -> IdDocument:
        """Find, select and read the card on the reader now. ``access`` is ignored
        (ID cards need none). Raises a named SamError subclass on any failure."""
        deadline = time.monotonic() + timeout_s
        if not self._io.acquire(timeout=timeout_s):
            raise SamTimeoutError("read card (reader busy)", timeout_s, 0, self.role)
        try:
            if not self.link.is_open and not self._connect():
                raise self._connect_error or SamPortError(self.health().reason, self.role)
            doc = self._read_locked(deadline)
        except SamError:
            self._health.count("read_failures")
            raise
        finally:
            self._io.release()
        with self._state_lock:
            self._presence = Presence.READ
            self._misses = 0
        self._health.count("reads")
        return doc

    def _left(self, deadline: float, command: Command) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SamTimeoutError(command.name, 0, 0, self.role)
        return min(left, self.link.timeout_for(command))

    def _read_locked(self, deadline: float) -> IdDocument:
        found = True
        try:
            self.link.exchange(FIND, timeout_s=self._left(deadline, FIND))
        except CardNotFoundError:
            found = False  # maybe a card halted by an earlier read: select tells
        try:
            self.link.exchange(SELECT, timeout_s=self._left(deadline, SELECT))
        except CardSelectError:
            if not found:
                raise CardNotFoundError(FIND.name, device=self.role) from None
            raise
        fingerprint = self.with_fingerprint and "fingerprint" not in self._unsupported
        command = READ_WITH_FINGERPRINT if fingerprint else READ
        try:
            try:
                data = self.link.exchange(command, timeout_s=self._left(deadline, command)).data
            except UNSUPPORTED as exc:
                if command is not READ_WITH_FINGERPRINT:
                    raise
                # The card is still selected: read it without the fingerprint block.
                self._optional_refused("fingerprint", exc)
                command = READ
                data = self.link.exchange(command, timeout_s=self._left(deadline, command)).data
        except CardReadFailedError:
            if not self._still_there(deadline):
                self._card_gone()
                raise CardRemovedError(self.role) from None
            raise
        doc = self._parse_read(data, command is READ_WITH_FINGERPRINT)
        if self.with_appended_address and "appended" not in self._unsupported:
            doc.appended_address = self._appended_address(deadline)
        return doc

    def _still_there(self, deadline: float) -> bool:
        try:
            self.link.exchange(FIND, timeout_s=self._left(deadline, FIND))
            return True
        except CardNotFoundError:
            return False
        except SamError:
            return True  # cannot tell: report the read failure itself

    def _card_gone(self) -> None:
        with self._state_lock:
            was = self._presence
            self._presence = Presence.ABSENT
        if was is not Presence.ABSENT:
            self._health.count("cards_removed")
            self._health.emit(EventKind.CARD_REMOVED)

    def _parse_read(self, data: bytes, with_fingerprint: bool) -> IdDocument:
        text, photo, fingerprint = split_read_data(data, with_fingerprint, self.role)
        doc = decode_text_block(text)
        doc.fingerprint = fingerprint
        doc.photo, doc.photo_format = photo, "wlt"
        if self._decoder is not None and len(photo) == WLT_LEN:
            try:
                doc.photo, doc.photo_format = self._decoder.decode(photo)
            except WltDecodeError as exc:
                # the record is still useful without a decoded face; keep the WLT bytes
                self._health.count("photo_decode_failures")
                log.debug("%s: photo left undecoded: %s", self.role, exc.reason)
        return doc

    def _appended_address(self, deadline: float) -> str | None:
        """The appended address, or None: none on the card, a module that does not
        support the command, or a failure of this one optional read (the card is read)."""
        try:
            data = self.link.exchange(
                READ_APPENDED_ADDRESS, timeout_s=self._left(deadline, READ_APPENDED_ADDRESS)
            ).data
        except NoContentError:
            return None
        except UNSUPPORTED as exc:
            self._optional_refused("appended", exc)
            return None
        except (SamStatusError, SamTimeoutError, FrameError) as exc:
            self._health.count("optional_read_failures")
            log.debug("%s: appended address not read: %s", self.role, exc.reason)
            return None
        try:
            text = data[:APPENDED_ADDRESS_LEN].decode("utf-16-le")
        except UnicodeDecodeError:
            raise ReadLayoutError(APPENDED_ADDRESS_LEN, len(data), self.role) from None
        return text.replace("\x00", " ").strip() or None


class _Busy(Exception):
    """A read holds the port; this poll is skipped."""
