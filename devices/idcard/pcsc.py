"""eMRTD (passport, travel ID) reader on any PC/SC reader, through pcscd and pyscard.

``pcsc://`` uses the first reader holding a card; ``pcsc://READER NAME`` (URL-quoted or
not) picks one reader by its name or the start of it, case-insensitively. Options:
``?extended=auto|yes|no``: extended-length APDUs when the card's ATR announces them
(auto, the default), always (for cards that support them without saying so; a refusal
still falls back to short reads) or never; ``?max_response=N`` caps the response size
(default: what the reader reports, else 4096 bytes).

A thread of our own watches PC/SC status changes and turns them into card inserted /
removed events and health. We use pyscard's low-level ``scard`` module rather than its
``CardMonitor``: that is a process-wide singleton that dies for good with pcscd, while
our thread re-establishes its context when the service comes back.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from devices.health import EventKind, EventSink, Health, HealthState, HealthTracker
from devices.idcard.emrtd.apdu import CommandApdu, ResponseApdu
from devices.idcard.emrtd.chip import DEFAULT_EXTENDED_RESPONSE, ChipContents, ChipSession
from devices.idcard.emrtd.errors import BacRefusedError, EmrtdError, TransportError
from devices.idcard.mrz import MrzError, bac_mrz_information
from devices.idcard.protocol import CardReadError, DocumentAccess, Presence
from devices.idcard.record import IdDocument
from devices.uri import DeviceUri, DeviceUriError

try:
    from smartcard import scard
except ImportError:  # pragma: no cover - terminals without pyscard never open pcsc://
    scard = None

PNP_READER = "\\\\?PnP?\\Notification"
# One command's answer, GET RESPONSE parts included: an extended-length response is at
# most 65536 bytes; anything longer is a card that never stops saying "more" (61xx).
MAX_RESPONSE_BYTES = 65536 + 2
POLL_MS = 1000  # GetStatusChange timeout: also how soon close() is noticed without Cancel
RECONNECT_S = 1.0
_PROTOCOLS = (scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1) if scard is not None else 0
_REMOVED = ("SCARD_W_REMOVED_CARD", "SCARD_E_NO_SMARTCARD", "SCARD_W_RESET_CARD")
_GONE = ("SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED", "SCARD_E_INVALID_HANDLE")


def _err(code: int) -> str:
    """A PC/SC result code's name (e.g. SCARD_E_NO_SERVICE), for messages and logs."""
    if scard is None:
        return hex(code)
    for name in dir(scard):
        if name.startswith(("SCARD_E_", "SCARD_W_", "SCARD_F_")) and getattr(scard, name) == code:
            return name
    return f"0x{code & 0xFFFFFFFF:08X}"


def extended_length_in_atr(atr: bytes) -> bool:
    """Whether the ATR's historical bytes announce extended Lc/Le (card capabilities).

    Historical bytes starting with category 80 hold compact-TLV objects; tag 7 (card
    capabilities) with a third byte whose bit 0x40 is set means extended lengths.
    """
    if len(atr) < 2:
        return False
    count = atr[1] & 0x0F
    pos, y = 2, atr[1] >> 4
    while True:
        pos += bin(y & 0x7).count("1")  # TA, TB, TC
        if not y & 0x8:
            break
        if pos >= len(atr):
            return False
        td = atr[pos]
        pos += 1
        y = td >> 4
    hist = atr[pos : pos + count]
    if not hist or hist[0] != 0x80:
        return False
    i = 1
    while i < len(hist):
        tag, length = hist[i] >> 4, hist[i] & 0x0F
        value = hist[i + 1 : i + 1 + length]
        if tag == 0x7 and len(value) >= 3:
            return bool(value[2] & 0x40)
        i += 1 + length
    return False


@dataclass(frozen=True)
class _Options:
    reader: str  # "" = first reader with a card
    extended: str  # auto / yes / no
    max_response: int | None


def _options(uri: DeviceUri) -> _Options:
    # Reader names keep their case and spaces: take them from the raw URI, not the host.
    rest = uri.raw.split("://", 1)[1]
    name = unquote(rest.split("?", 1)[0]).strip().rstrip("/")
    ext = uri.params.get("extended", "auto").lower()
    if ext not in ("auto", "yes", "no"):
        raise DeviceUriError(uri.raw, f"extended={ext!r}: use auto, yes or no")
    max_response = uri.int_param("max_response", 0) or None
    if max_response is not None and max_response < 256:
        raise DeviceUriError(uri.raw, "max_response must be at least 256")
    return _Options(name, ext, max_response)


class PcscIdCardReader:
    """Driver for ``pcsc://``: events from PC/SC status changes, reads on request."""

    def __init__(self, uri: DeviceUri, role: str = "id_card") -> None:
        self.uri = uri.raw
        self.role = role
        self._opts = _options(uri)
        self._health = HealthTracker(role)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ctx_lock = threading.Lock()
        self._ctx: Any = None
        self._present: dict[str, bool] = {}
        self._read_lock = threading.Lock()
        self.last_stats: dict[str, int] = {}
        if scard is None:
            self._health.set(HealthState.FAULT, "pyscard is not installed")

    # -- Device protocol -------------------------------------------------------------
    @property
    def presence(self) -> Presence:
        """PRESENT while a card lies on a reader we serve (a chip can be read again)."""
        return Presence.PRESENT if any(self._present.values()) else Presence.ABSENT

    def ask_for_card(self) -> None:
        """PC/SC has no portable light or buzzer control: nothing to do."""

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)
        if scard is None or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name=f"pcsc-{self.role}", daemon=True)
        self._thread.start()

    def health(self) -> Health:
        """Health as the watcher thread last saw it; without the thread, a quick probe.

        The probe (used by ``kiosk doctor``) is one round-trip on pcscd's local socket.
        """
        if scard is not None and self._thread is None:
            self._probe()
        return self._health.snapshot()

    def _probe(self) -> None:
        rc, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if rc != scard.SCARD_S_SUCCESS:
            self._health.set(HealthState.FAULT, f"PC/SC service unavailable ({_err(rc)})")
            return
        try:
            self._reader_health(self._readers(ctx))
        except _PcscFailure as exc:
            self._health.set(HealthState.FAULT, f"PC/SC service unavailable ({_err(exc.code)})")
        finally:
            scard.SCardReleaseContext(ctx)

    def close(self) -> None:
        self._stop.set()
        with self._ctx_lock:
            if self._ctx is not None:
                scard.SCardCancel(self._ctx)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # -- reader selection ------------------------------------------------------------
    def _matches(self, reader: str) -> bool:
        want = self._opts.reader.lower()
        return not want or reader.lower() == want or reader.lower().startswith(want)

    def _readers(self, ctx: Any) -> list[str]:
        rc, readers = scard.SCardListReaders(ctx, [])
        if rc == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if rc != scard.SCARD_S_SUCCESS:
            raise _PcscFailure(rc)
        return [r for r in readers if self._matches(r)]

    def _reader_health(self, readers: list[str]) -> None:
        if readers:
            self._health.set(HealthState.OK, "", EventKind.RECOVERED)
        elif self._opts.reader:
            self._health.set(HealthState.DEGRADED, "reader not connected", EventKind.OFFLINE)
        else:
            self._health.set(HealthState.DEGRADED, "no PC/SC reader connected", EventKind.OFFLINE)

    # -- the watcher thread ----------------------------------------------------------
    def _watch(self) -> None:
        while not self._stop.is_set():
            rc, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if rc != scard.SCARD_S_SUCCESS:
                self._service_down(rc)
                self._stop.wait(RECONNECT_S)
                continue
            with self._ctx_lock:
                self._ctx = ctx
            try:
                self._watch_context(ctx)
            except _PcscFailure as exc:
                self._service_down(exc.code)
            finally:
                with self._ctx_lock:
                    self._ctx = None
                scard.SCardReleaseContext(ctx)
            self._stop.wait(RECONNECT_S)

    def _service_down(self, rc: int) -> None:
        for reader, present in list(self._present.items()):
            if present:
                self._health.emit(EventKind.CARD_REMOVED)
            self._present.pop(reader, None)
        self._health.count("service_errors")
        self._health.set(
            HealthState.FAULT, f"PC/SC service unavailable ({_err(rc)})", EventKind.OFFLINE
        )

    def _watch_context(self, ctx: Any) -> None:
        """Wait for status changes of the readers we serve until the context fails."""
        states: list[tuple[str, int]] | None = None
        while not self._stop.is_set():
            if states is None:  # (re)learn which readers exist
                readers = self._readers(ctx)
                for gone in set(self._present) - set(readers):
                    if self._present.pop(gone):
                        self._health.emit(EventKind.CARD_REMOVED)
                self._reader_health(readers)
                states = [(r, scard.SCARD_STATE_UNAWARE) for r in readers]
                states.append((PNP_READER, scard.SCARD_STATE_UNAWARE))
            rc, new_states = scard.SCardGetStatusChange(ctx, POLL_MS, states)
            if rc in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED):
                continue
            if rc == scard.SCARD_E_UNKNOWN_READER:  # a reader went away under us
                states = None
                continue
            if rc != scard.SCARD_S_SUCCESS:
                raise _PcscFailure(rc)
            reader_set_changed = False
            states = []
            for reader, event_state, _atr in new_states:
                if reader == PNP_READER:
                    reader_set_changed |= bool(event_state & scard.SCARD_STATE_CHANGED)
                else:
                    self._note(reader, event_state)
                states.append((reader, event_state & ~scard.SCARD_STATE_CHANGED))
            if reader_set_changed:
                states = None

    def _note(self, reader: str, event_state: int) -> None:
        if event_state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
            present = False
        else:
            present = bool(event_state & scard.SCARD_STATE_PRESENT)
        before = self._present.get(reader, False)
        self._present[reader] = present
        if present and not before:
            self._health.count("cards_inserted")
            self._health.emit(EventKind.CARD_INSERTED)
        elif before and not present:
            self._health.emit(EventKind.CARD_REMOVED)

    # -- reading ---------------------------------------------------------------------
    def read(self, timeout_s: float = 5.0, access: DocumentAccess | None = None) -> IdDocument:
        """Read the eMRTD on the reader: BAC with ``access``, then DG1 and DG2."""
        if access is None:
            raise CardReadError(
                self.role, "a travel document needs --mrz DOCNO,BIRTH,EXPIRY to open its chip"
            )
        try:
            mrz_information = bac_mrz_information(
                access.document_number, access.birth_date, access.expiry_date
            )
        except MrzError as exc:
            raise CardReadError(self.role, f"bad MRZ data for BAC: {exc}") from None
        if scard is None:
            raise CardReadError(self.role, "pyscard is not installed")
        deadline = time.monotonic() + timeout_s
        with self._read_lock:
            contents, stats = self._read_locked(mrz_information, deadline)
        doc = contents.mrz.to_id_document()
        if contents.face is not None:
            doc.photo = contents.face.data
            doc.photo_format = contents.face.format.value
        self.last_stats = stats
        self._health.count("reads")
        self._health.count("apdus", stats["apdus"])
        return doc

    def _read_locked(
        self, mrz_information: bytes, deadline: float
    ) -> tuple[ChipContents, dict[str, int]]:
        rc, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if rc != scard.SCARD_S_SUCCESS:
            raise CardReadError(self.role, f"PC/SC service unavailable ({_err(rc)})")
        try:
            reader = self._wait_for_card(ctx, deadline)
            return self._read_card(ctx, reader, mrz_information, deadline)
        finally:
            scard.SCardReleaseContext(ctx)

    def _wait_for_card(self, ctx: Any, deadline: float) -> str:
        while True:
            try:
                readers = self._readers(ctx)
            except _PcscFailure as exc:
                raise CardReadError(self.role, f"cannot list readers ({_err(exc.code)})") from None
            if not readers:
                what = "reader not connected" if self._opts.reader else "no PC/SC reader connected"
                raise CardReadError(self.role, what)
            states = [(r, scard.SCARD_STATE_UNAWARE) for r in readers]
            rc, now = scard.SCardGetStatusChange(ctx, 0, states)
            if rc == scard.SCARD_S_SUCCESS:
                for reader, state, _atr in now:
                    if state & scard.SCARD_STATE_PRESENT and not state & scard.SCARD_STATE_MUTE:
                        return reader
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                self._health.count("no_card")
                raise CardReadError(self.role, "no card on the reader")
            wait = [(r, s & ~scard.SCARD_STATE_CHANGED) for r, s, _ in now] if now else states
            scard.SCardGetStatusChange(ctx, min(left_ms, POLL_MS), wait)

    def _read_card(
        self, ctx: Any, reader: str, mrz_information: bytes, deadline: float
    ) -> tuple[ChipContents, dict[str, int]]:
        rc, card, protocol = scard.SCardConnect(ctx, reader, scard.SCARD_SHARE_SHARED, _PROTOCOLS)
        if rc != scard.SCARD_S_SUCCESS:
            if _err(rc) in _REMOVED:
                raise CardReadError(self.role, "card removed before it could be read")
            raise CardReadError(self.role, f"cannot connect to the card ({_err(rc)})")
        # A transaction keeps other PC/SC clients from slipping APDUs into our session.
        scard.SCardBeginTransaction(card)
        try:
            extended, max_response = self._capabilities(card, reader, ctx)

            def transmit(cmd: CommandApdu) -> ResponseApdu:
                if time.monotonic() > deadline:
                    raise _Timeout()
                return self._transmit(card, protocol, cmd, deadline)

            def reset() -> None:
                nonlocal protocol
                rc, protocol = scard.SCardReconnect(
                    card, scard.SCARD_SHARE_SHARED, _PROTOCOLS, scard.SCARD_RESET_CARD
                )
                if rc != scard.SCARD_S_SUCCESS:
                    raise TransportError(f"card reset failed ({_err(rc)})", card_gone=True)
                scard.SCardBeginTransaction(card)  # a reset may have ended the transaction

            session = ChipSession(
                transmit, extended=extended, max_response=max_response, reset=reset
            )
            try:
                contents = session.read_document(mrz_information)
            except _Timeout:
                self._health.count("timeouts")
                raise CardReadError(self.role, "timed out reading the chip") from None
            except BacRefusedError:
                self._health.count("bac_refused")
                raise CardReadError(
                    self.role, "BAC refused: document number, birth or expiry date do not match"
                ) from None
            except TransportError as exc:
                self._health.count("read_failures")
                raise CardReadError(self.role, str(exc)) from None
            except EmrtdError as exc:
                self._health.count("read_failures")
                raise CardReadError(self.role, f"chip read failed: {exc}") from None
            s = session.stats
            stats = {
                "apdus": s.apdus,
                "read_binary": s.read_binary,
                "bytes_read": s.bytes_read,
                "extended": int(s.extended),
                "chunk": s.chunk,
            }
            return contents, stats
        finally:
            scard.SCardEndTransaction(card, scard.SCARD_LEAVE_CARD)
            # Reset: the chip must not stay open under our session keys after we leave.
            scard.SCardDisconnect(card, scard.SCARD_RESET_CARD)

    def _capabilities(self, card: Any, reader: str, ctx: Any) -> tuple[bool, int]:
        """Extended length if both allow it, and the largest response the reader takes."""
        max_response = self._opts.max_response or DEFAULT_EXTENDED_RESPONSE
        if self._opts.extended == "no":
            return False, max_response
        if self._opts.extended == "auto":
            rc, _reader, _state, _protocol, atr = scard.SCardStatus(card)
            if rc != scard.SCARD_S_SUCCESS or not extended_length_in_atr(bytes(atr)):
                return False, max_response
        if self._opts.max_response is None:
            rc, attr = scard.SCardGetAttrib(card, scard.SCARD_ATTR_MAXINPUT)
            if rc == scard.SCARD_S_SUCCESS and len(attr) >= 4:
                reported = int.from_bytes(bytes(attr[:4]), "little")
                if 0 < reported < max_response:
                    max_response = reported
        return max_response > 258, max_response

    def _transmit(
        self, card: Any, protocol: int, cmd: CommandApdu, deadline: float | None = None
    ) -> ResponseApdu:
        raw = cmd.encode()
        rc, answer = scard.SCardTransmit(card, protocol, list(raw))
        if rc != scard.SCARD_S_SUCCESS:
            name = _err(rc)
            if name in _REMOVED:
                self._health.count("removed_mid_read")
                raise TransportError("card removed mid-read", card_gone=True)
            if name in _GONE:
                raise TransportError(f"PC/SC service lost mid-read ({name})", card_gone=True)
            raise TransportError(f"transmit failed ({name})")
        if len(answer) < 2:
            # vpcd and some readers hand back nothing when the card left mid-command.
            self._health.count("removed_mid_read")
            raise TransportError("card stopped answering mid-read (removed?)", card_gone=True)
        resp = ResponseApdu.decode(bytes(answer))
        data = resp.data
        # T=0 cards announce more data with 61xx: fetch it with GET RESPONSE. A card that
        # says "more" forever must not hold the read past its deadline or fill memory.
        while resp.sw >> 8 == 0x61:
            if deadline is not None and time.monotonic() > deadline:
                raise _Timeout()
            if len(data) > MAX_RESPONSE_BYTES:
                raise TransportError(
                    f"card answered more than {MAX_RESPONSE_BYTES} bytes to one command"
                )
            more = CommandApdu(0x00, 0xC0, 0x00, 0x00, le=(resp.sw & 0xFF) or 256).encode()
            rc, answer = scard.SCardTransmit(card, protocol, list(more))
            if rc != scard.SCARD_S_SUCCESS:
                raise TransportError(f"GET RESPONSE failed ({_err(rc)})")
            if len(answer) < 2:
                raise TransportError("card stopped answering mid-read (removed?)", card_gone=True)
            resp = ResponseApdu.decode(bytes(answer))
            data += resp.data
        return ResponseApdu(data, resp.sw)


class _PcscFailure(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(_err(code))
        self.code = code


class _Timeout(EmrtdError):
    """The read's deadline passed between two APDUs."""
