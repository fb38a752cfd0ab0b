"""A SAM ID card reader on the far side of a pty pair, for tests and benchmarks.

It speaks the frame protocol with its own small encoder (not the driver's), paces every
response at the line's baud rate (10 bits a byte, so a 1295-byte read takes ~112 ms at
115200) after a processing delay like a real SAM's, and can misbehave on request:
remove the card mid-read, corrupt a checksum, answer with an error code, cut a frame
short, go silent, or (like many modules in the field) not support an optional command.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import threading
import time
import tty
from dataclasses import dataclass, field

from sam_cards import Card

PREAMBLE = bytes([0xAA, 0xAA, 0xAA, 0x96, 0x69])


def xor(data: bytes) -> int:
    out = 0
    for b in data:
        out ^= b
    return out


def response_frame(sw3: int, data: bytes = b"") -> bytes:
    body = bytes([0x00, 0x00, sw3]) + data
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([xor(length + body)])


# Seconds a SAM takes before it starts answering (RF exchange with the card, crypto).
PROCESSING_S = {
    (0x10, 0xFF): 0.050,
    (0x11, 0xFF): 0.002,
    (0x12, 0xFF): 0.003,
    (0x20, 0x01): 0.012,
    (0x20, 0x02): 0.015,
    (0x30, 0x01): 0.300,
    (0x30, 0x10): 0.380,
    (0x30, 0x03): 0.060,
}
SAM_ID = bytes.fromhex("0500010004c81a0106000000bf6d2a00")


@dataclass
class SamEmulator:
    baud: int = 115200
    halt_after_read: bool = False  # a read card stops answering find (select still works)
    speed: float = 1.0  # >1 shortens the SAM's processing (never the wire time)
    card: Card | None = None
    silent: bool = False  # read commands, answer nothing
    sam_status: int = 0x90  # answer to the status command (0x60: self-test failed)
    needs_reset: bool = False  # status answers 0x24 until the reset command
    remove_during_read: bool = False  # the card leaves during the next read: SW3 0x41
    errors: dict[tuple[int, int], int] = field(default_factory=dict)  # command -> SW3, once
    # command -> SW3, every time: a module without the appended address (30 03) or the
    # fingerprint read (30 10) answers those with an error status such as 0x21.
    unsupported: dict[tuple[int, int], int] = field(default_factory=dict)
    corrupt_next: int = 0  # this many responses get a wrong checksum
    corrupt_on: set[tuple[int, int]] = field(default_factory=set)  # ...or these, once each
    truncate_next: int = 0  # this many responses stop halfway (then silence)
    commands: list[tuple[int, int]] = field(default_factory=list)
    bytes_sent: int = 0

    def __post_init__(self) -> None:
        self._master, self._slave = pty.openpty()
        tty.setraw(self._slave)  # no echo, no line discipline, before the driver opens it
        self.port = os.ttyname(self._slave)
        self._lock = threading.RLock()
        self._halted = False
        self._stop_r, self._stop_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name="sam-emulator", daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"sam://{self.port}?baud={self.baud}"

    # -- the world around the reader ------------------------------------------------

    def insert(self, card: Card) -> None:
        with self._lock:
            self.card = card
            self._halted = False

    def remove(self) -> None:
        with self._lock:
            self.card = None
            self._halted = False

    def fail_next(self, cmd: int, para: int, sw3: int) -> None:
        with self._lock:
            self.errors[(cmd, para)] = sw3

    def close(self) -> None:
        os.write(self._stop_w, b"x")
        self._thread.join(timeout=5)
        for fd in (self._master, self._slave, self._stop_r, self._stop_w):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> SamEmulator:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- the reader ---------------------------------------------------------------------

    def _run(self) -> None:
        buf = bytearray()
        while True:
            ready, _, _ = select.select([self._master, self._stop_r], [], [], 1.0)
            if self._stop_r in ready:
                return
            if self._master not in ready:
                continue
            try:
                chunk = os.read(self._master, 4096)
            except OSError:  # EIO while no one holds the slave: wait for the next open
                time.sleep(0.01)
                continue
            buf += chunk
            while True:
                start = buf.find(PREAMBLE)
                if start < 0:
                    del buf[: max(0, len(buf) - 4)]
                    break
                del buf[:start]
                if len(buf) < 7:
                    break
                length = int.from_bytes(buf[5:7], "big")
                if len(buf) < 7 + length:
                    break
                frame = bytes(buf[: 7 + length])
                del buf[: 7 + length]
                self._answer(frame)

    def _send(self, frame: bytes) -> None:
        with self._lock:
            if self.corrupt_next:
                self.corrupt_next -= 1
                frame = frame[:-1] + bytes([frame[-1] ^ 0x5A])
            if self.truncate_next:
                self.truncate_next -= 1
                frame = frame[: len(frame) // 2]
        # pace the bytes as a UART would: 10 bits each at the baud rate
        start = time.monotonic()
        per_byte = 10 / self.baud
        for offset in range(0, len(frame), 32):
            due = start + offset * per_byte
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            os.write(self._master, frame[offset : offset + 32])
        tail = start + len(frame) * per_byte - time.monotonic()
        if tail > 0:
            time.sleep(tail)
        self.bytes_sent += len(frame)

    def _answer(self, frame: bytes) -> None:
        length = frame[5:7]
        body, chk = frame[7:-1], frame[-1]
        if len(body) < 2:
            return self._send(response_frame(0x11))
        key = (body[0], body[1])
        with self._lock:
            self.commands.append(key)
            silent = self.silent
            forced = self.errors.pop(key, None)
            if forced is None:
                forced = self.unsupported.get(key)
        if silent:
            return None
        time.sleep(10 * len(frame) / self.baud)  # the command's own time on the wire
        if xor(length + body) != chk:
            return self._send(response_frame(0x10))
        time.sleep(PROCESSING_S.get(key, 0.005) / self.speed)
        if forced is not None:
            return self._send(response_frame(forced))
        frame = self._respond(key)
        with self._lock:
            if key in self.corrupt_on:
                self.corrupt_on.discard(key)
                self.corrupt_next += 1
        return self._send(frame)

    def _respond(self, key: tuple[int, int]) -> bytes:
        with self._lock:
            card = self.card
            if key == (0x10, 0xFF):
                self.needs_reset = False
                return response_frame(0x90)
            if key == (0x11, 0xFF):
                return response_frame(0x24 if self.needs_reset else self.sam_status)
            if key == (0x12, 0xFF):
                return response_frame(0x90, SAM_ID)
            if key == (0x20, 0x01):
                if card is None or self._halted:
                    return response_frame(0x80)
                return response_frame(0x9F, bytes(4))
            if key == (0x20, 0x02):
                return response_frame(0x81) if card is None else response_frame(0x90, bytes(8))
            if key in ((0x30, 0x01), (0x30, 0x10)):
                if self.remove_during_read:
                    self.remove_during_read = False
                    self.card = None
                    return response_frame(0x41)
                if card is None:
                    return response_frame(0x41)
                if self.halt_after_read:
                    self._halted = True
                lens = len(card.text).to_bytes(2, "big") + len(card.photo).to_bytes(2, "big")
                if key == (0x30, 0x10):
                    lens += len(card.fingerprint).to_bytes(2, "big")
                    return response_frame(0x90, lens + card.text + card.photo + card.fingerprint)
                return response_frame(0x90, lens + card.text + card.photo)
            if key == (0x30, 0x03):
                if card is None:
                    return response_frame(0x41)
                if card.appended_address is None:
                    return response_frame(0x91)
                return response_frame(0x90, card.appended_address.ljust(35).encode("utf-16-le"))
        return response_frame(0x21)
