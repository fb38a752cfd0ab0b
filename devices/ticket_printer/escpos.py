"""ESC/POS command bytes we send. Names follow the Epson ESC/POS command reference."""

from __future__ import annotations

from enum import IntEnum

ESC = 0x1B
GS = 0x1D
FS = 0x1C
DLE = 0x10
EOT = 0x04
LF = b"\n"

INIT = bytes([ESC, 0x40])  # ESC @: clear the buffer and modes
CHINESE_ON = bytes([FS, 0x26])  # FS &: Kanji/Chinese character mode on
CHINESE_OFF = bytes([FS, 0x2E])  # FS .: Chinese character mode off


class Align(IntEnum):
    LEFT = 0
    CENTER = 1
    RIGHT = 2


class QrErrorLevel(IntEnum):
    L = 48
    M = 49
    Q = 50
    H = 51


def align(where: Align) -> bytes:
    """ESC a n."""
    return bytes([ESC, 0x61, int(where)])


def bold(on: bool) -> bytes:
    """ESC E n."""
    return bytes([ESC, 0x45, 1 if on else 0])


def char_size(width: int, height: int) -> bytes:
    """GS ! n: width and height multipliers 1..8 for every character."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError(f"character size {width}x{height} outside 1..8")
    return bytes([GS, 0x21, ((width - 1) << 4) | (height - 1)])


def feed_lines(lines: int) -> bytes:
    """ESC d n: print and feed n lines."""
    return bytes([ESC, 0x64, max(0, min(lines, 255))])


def feed_and_cut(lines: int, partial: bool = True) -> bytes:
    """GS V m n (function B): feed n lines' worth of dots, then cut."""
    return bytes([GS, 0x56, 66 if partial else 65, max(0, min(lines, 255))])


def _gs_k(payload: bytes) -> bytes:
    size = len(payload)
    return bytes([GS, 0x28, 0x6B, size & 0xFF, size >> 8]) + payload


def qr_native(data: bytes, module: int, level: QrErrorLevel = QrErrorLevel.M) -> bytes:
    """GS ( k: select model 2, module size, error level, store the data, print it."""
    if not 1 <= module <= 16:
        raise ValueError(f"QR module size {module} outside 1..16")
    if len(data) > 7089:
        raise ValueError(f"QR data of {len(data)} bytes is too long")
    return b"".join(
        [
            _gs_k(bytes([49, 65, 50, 0])),  # fn 165: model 2
            _gs_k(bytes([49, 67, module])),  # fn 167: module size in dots
            _gs_k(bytes([49, 69, int(level)])),  # fn 169: error correction
            _gs_k(bytes([49, 80, 48]) + data),  # fn 180: store the data
            _gs_k(bytes([49, 81, 48])),  # fn 181: print the symbol
        ]
    )


def raster_image(rows: list[list[bool]]) -> bytes:
    """GS v 0: a 1-bit image, ``rows`` of dots (True = black), left to right."""
    height = len(rows)
    width = len(rows[0]) if rows else 0
    width_bytes = (width + 7) // 8
    body = bytearray()
    packed: dict[int, bytes] = {}  # a QR image repeats each row ``module`` times
    for row in rows:
        key = id(row)
        if key not in packed:
            bits = "".join("1" if dot else "0" for dot in row).ljust(width_bytes * 8, "0")
            packed[key] = int(bits, 2).to_bytes(width_bytes, "big") if bits else b""
        body += packed[key]
    header = bytes(
        [GS, 0x76, 0x30, 0, width_bytes & 0xFF, width_bytes >> 8, height & 0xFF, height >> 8]
    )
    return header + bytes(body)


def status_query(n: int) -> bytes:
    """DLE EOT n: real-time status (1 printer, 2 offline cause, 3 error, 4 paper)."""
    return bytes([DLE, EOT, n])
