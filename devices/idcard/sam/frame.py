"""SAM frames: ``AA AA AA 96 69``, 2-byte big-endian length, body, XOR checksum.

The length counts the body plus the checksum byte. The checksum is the XOR of the two
length bytes and the body. A command body is ``CMD PARA DATA``; a response body is
``SW1 SW2 SW3 DATA``. Known frames: find card is ``AA AA AA 96 69 00 03 20 01 22``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from devices.idcard.sam.errors import SamError

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_LEN = len(PREAMBLE) + 2
# The longest legitimate frame (30 10 with a 1024-byte fingerprint block) has a length
# of 2314; anything far beyond is line noise, and waiting for it would stall a read.
MAX_LENGTH = 4096
# Garbage tolerated before a preamble before the line is declared unsynchronised.
MAX_GARBAGE = 8192


class FrameError(SamError):
    """A frame that cannot be trusted: wrong preamble, length or checksum."""


class FramePreambleError(FrameError):
    def __init__(self, got: bytes) -> None:
        super().__init__(f"frame does not start with AA AA AA 96 69 (got {got.hex(' ')})")
        self.got = got


class FrameSyncError(FrameError):
    def __init__(self, skipped: int) -> None:
        super().__init__(f"no frame start in {skipped} bytes from the reader")
        self.skipped = skipped


class FrameLengthError(FrameError):
    def __init__(self, length: int, problem: str) -> None:
        super().__init__(f"frame length {length}: {problem}")
        self.length = length
        self.problem = problem


class FrameTruncatedError(FrameError):
    def __init__(self, expected: int, got: int) -> None:
        super().__init__(f"frame cut short: expected {expected} bytes, got {got}")
        self.expected = expected
        self.got = got


class FrameChecksumError(FrameError):
    def __init__(self, expected: int, got: int) -> None:
        super().__init__(f"frame checksum 0x{got:02X}, expected 0x{expected:02X}")
        self.expected = expected
        self.got = got


def checksum(data: bytes) -> int:
    """XOR of every byte."""
    return reduce(lambda a, b: a ^ b, data, 0)


def encode_frame(body: bytes) -> bytes:
    """Wrap a body (command or response) in preamble, length and checksum."""
    length = len(body) + 1
    if length > 0xFFFF:
        raise FrameLengthError(length, "does not fit two bytes")
    head = length.to_bytes(2, "big")
    return PREAMBLE + head + body + bytes([checksum(head + body)])


def encode_command(cmd: int, para: int, data: bytes = b"") -> bytes:
    """A command frame, e.g. ``encode_command(0x20, 0x01)`` for find card."""
    return encode_frame(bytes([cmd, para]) + data)


def encode_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """A response frame, as a SAM sends it."""
    return encode_frame(bytes([sw1, sw2, sw3]) + data)


def _check_length(length: int) -> None:
    if length < 2:
        raise FrameLengthError(length, "too short to hold a body and a checksum")
    if length > MAX_LENGTH:
        raise FrameLengthError(length, f"longer than any SAM frame ({MAX_LENGTH})")


def decode_frame(frame: bytes) -> bytes:
    """The body of one complete frame; raises a FrameError subclass for anything else."""
    if len(frame) < HEADER_LEN:
        raise FrameTruncatedError(HEADER_LEN, len(frame))
    if frame[: len(PREAMBLE)] != PREAMBLE:
        raise FramePreambleError(frame[: len(PREAMBLE)])
    length = int.from_bytes(frame[5:7], "big")
    _check_length(length)
    if len(frame) < HEADER_LEN + length:
        raise FrameTruncatedError(HEADER_LEN + length, len(frame))
    if len(frame) > HEADER_LEN + length:
        raise FrameLengthError(length, f"{len(frame) - HEADER_LEN - length} bytes beyond it")
    return _verified_body(frame[5:7], frame[7:])


def _verified_body(head: bytes, rest: bytes) -> bytes:
    body, got = rest[:-1], rest[-1]
    expected = checksum(head + body)
    if got != expected:
        raise FrameChecksumError(expected, got)
    return body


class FrameDecoder:
    """Incremental decoder for a byte stream: skips noise, yields bodies, names bad frames.

    After a bad frame it resynchronises on the next preamble, so one corrupted response
    does not poison the next exchange.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self.skipped = 0

    def wanted(self) -> int:
        """How many more bytes would complete the frame under way (at least 1)."""
        buf = self._buf
        start = buf.find(PREAMBLE)
        if start < 0 or len(buf) - start < HEADER_LEN:
            have = len(buf) - start if start >= 0 else 0
            return max(1, HEADER_LEN - have)
        length = int.from_bytes(buf[start + 5 : start + 7], "big")
        return max(1, start + HEADER_LEN + length - len(buf))

    def feed(self, data: bytes) -> list[bytes]:
        """Add bytes; return the bodies of the frames they complete, in order."""
        self._buf += data
        bodies: list[bytes] = []
        while True:
            start = self._buf.find(PREAMBLE)
            if start < 0:
                # keep a possible partial preamble at the end
                keep = len(PREAMBLE) - 1
                drop = max(0, len(self._buf) - keep)
                self._skip(drop)
                return bodies
            self._skip(start)
            if len(self._buf) < HEADER_LEN:
                return bodies
            length = int.from_bytes(self._buf[5:7], "big")
            try:
                _check_length(length)
            except FrameLengthError:
                del self._buf[:1]  # resynchronise past this preamble
                raise
            if len(self._buf) < HEADER_LEN + length:
                return bodies
            head = bytes(self._buf[5:7])
            rest = bytes(self._buf[7 : HEADER_LEN + length])
            del self._buf[: HEADER_LEN + length]
            bodies.append(_verified_body(head, rest))
            self.skipped = 0  # in sync again

    def _skip(self, count: int) -> None:
        if count <= 0:
            return
        del self._buf[:count]
        self.skipped += count
        if self.skipped > MAX_GARBAGE:
            skipped, self.skipped = self.skipped, 0
            raise FrameSyncError(skipped)


@dataclass(frozen=True, repr=False)
class Response:
    """A decoded response body. ``data`` may hold personal data: never log or repr it."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes

    @classmethod
    def from_body(cls, body: bytes) -> Response:
        if len(body) < 3:
            raise FrameLengthError(len(body) + 1, "too short to hold SW1 SW2 SW3")
        return cls(body[0], body[1], body[2], body[3:])

    def __repr__(self) -> str:
        return f"Response(sw3=0x{self.sw3:02X}, {len(self.data)} data bytes)"
