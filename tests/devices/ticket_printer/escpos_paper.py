"""Reads ESC/POS bytes back into what a person would see on the paper.

An incremental parser (bytes may arrive in any chunks): text lines decoded from
GB18030 with their size, alignment and weight, QR codes (native GS ( k, or raster
images decoded with OpenCV), feeds and cuts, and the real-time status queries a
printer emulator must answer. Unknown bytes raise :class:`DecodeError`, so a
driver that sends anything we did not mean fails the test.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DecodeError(ValueError):
    def __init__(self, offset: int, problem: str) -> None:
        super().__init__(f"byte {offset}: {problem}")
        self.offset = offset


@dataclass(frozen=True)
class Line:
    text: str
    width: int = 1
    height: int = 1
    bold: bool = False
    align: int = 0  # 0 left, 1 centre, 2 right


@dataclass(frozen=True)
class Qr:
    payload: str
    module: int
    native: bool


@dataclass(frozen=True)
class Cut:
    partial: bool
    feed: int


@dataclass(frozen=True)
class Image:
    rows: list[list[bool]]


@dataclass(frozen=True)
class StatusQuery:
    n: int


Item = Line | Qr | Cut | Image | StatusQuery


@dataclass
class Paper:
    items: list[Item] = field(default_factory=list)
    chinese_mode_seen: bool = False
    inits: int = 0

    @property
    def lines(self) -> list[Line]:
        return [i for i in self.items if isinstance(i, Line)]

    @property
    def text(self) -> list[str]:
        return [line.text for line in self.lines]

    @property
    def qr_payloads(self) -> list[str]:
        return [i.payload for i in self.items if isinstance(i, Qr)]

    @property
    def cuts(self) -> list[Cut]:
        return [i for i in self.items if isinstance(i, Cut)]

    @property
    def status_queries(self) -> list[int]:
        return [i.n for i in self.items if isinstance(i, StatusQuery)]

    def line(self, text: str) -> Line:
        """The first line equal to ``text`` (stripped)."""
        for line in self.lines:
            if line.text.strip() == text:
                return line
        raise AssertionError(f"no line {text!r} on paper: {self.text}")

    def tickets(self) -> list[list[Item]]:
        """Items split at each cut: one list per ticket torn off."""
        out: list[list[Item]] = [[]]
        for item in self.items:
            if isinstance(item, StatusQuery):
                continue
            out[-1].append(item)
            if isinstance(item, Cut):
                out.append([])
        return [t for t in out if t]


def decode_raster_qr(rows: list[list[bool]]) -> str:
    """Read a QR code from a raster image the way a phone camera would."""
    import cv2
    import numpy as np

    img = np.array([[0 if dot else 255 for dot in row] for row in rows], dtype=np.uint8)
    img = cv2.copyMakeBorder(img, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    payload, _points, _ = cv2.QRCodeDetector().detectAndDecode(img)
    if not payload:
        raise AssertionError("raster image holds no readable QR code")
    return str(payload)


class EscPosReader:
    """Feed bytes in any chunks; read ``paper`` at any time."""

    def __init__(self) -> None:
        self.paper = Paper()
        self._buf = bytearray()
        self._offset = 0
        self._line = bytearray()
        self._chinese = False
        self._size = (1, 1)
        self._bold = False
        self._align = 0
        self._qr_module = 3
        self._qr_data = b""

    def feed(self, data: bytes) -> list[StatusQuery]:
        """Consume ``data``; returns the status queries found in it, in order."""
        self._buf += data
        found: list[StatusQuery] = []
        while self._buf:
            used = self._step(found)
            if used == 0:
                break  # an incomplete command: wait for more bytes
            del self._buf[:used]
            self._offset += used
        return found

    def _flush_line(self) -> None:
        try:
            text = bytes(self._line).decode("gb18030")
        except UnicodeDecodeError as exc:
            raise DecodeError(self._offset, f"text is not GB18030: {exc}") from None
        self.paper.items.append(Line(text, *self._size, self._bold, self._align))
        self._line.clear()

    def _step(self, found: list[StatusQuery]) -> int:
        b = self._buf
        c = b[0]
        if c == 0x0A:
            self._flush_line()
            return 1
        if c >= 0x20 and c != 0x7F:
            if c >= 0x80:
                if not self._chinese:
                    raise DecodeError(self._offset, "byte >= 0x80 outside Chinese mode")
                if len(b) < 2:
                    return 0
                if 0x30 <= b[1] <= 0x39:
                    if len(b) < 4:
                        return 0
                    self._line += b[:4]
                    return 4
                self._line += b[:2]
                return 2
            self._line.append(c)
            return 1
        if len(b) < 2:
            return 0
        cmd = (c, b[1])
        if cmd == (0x1B, 0x40):
            self.paper.inits += 1
            self._chinese = False
            self._size, self._bold, self._align = (1, 1), False, 0
            return 2
        if cmd == (0x1C, 0x26):
            self._chinese = True
            self.paper.chinese_mode_seen = True
            return 2
        if cmd == (0x1C, 0x2E):
            self._chinese = False
            return 2
        if len(b) < 3:
            return 0
        n = b[2]
        if cmd == (0x10, 0x04):
            query = StatusQuery(n)
            self.paper.items.append(query)
            found.append(query)
            return 3
        if cmd == (0x1B, 0x61):
            self._align = n
            return 3
        if cmd == (0x1B, 0x45):
            self._bold = bool(n & 1)
            return 3
        if cmd == (0x1D, 0x21):
            self._size = ((n >> 4) + 1, (n & 0x0F) + 1)
            return 3
        if cmd == (0x1B, 0x64):
            for _ in range(n):
                self._flush_line()
            return 3
        if cmd == (0x1D, 0x56):
            if n in (65, 66):
                if len(b) < 4:
                    return 0
                self.paper.items.append(Cut(partial=n == 66, feed=b[3]))
                return 4
            self.paper.items.append(Cut(partial=n in (1, 49), feed=0))
            return 3
        if cmd == (0x1D, 0x28) and n == 0x6B:
            if len(b) < 5:
                return 0
            size = b[3] | (b[4] << 8)
            if len(b) < 5 + size:
                return 0
            self._qr_function(bytes(b[5 : 5 + size]))
            return 5 + size
        if cmd == (0x1D, 0x76) and n == 0x30:
            if len(b) < 8:
                return 0
            width_bytes = b[4] | (b[5] << 8)
            height = b[6] | (b[7] << 8)
            total = 8 + width_bytes * height
            if len(b) < total:
                return 0
            body = b[8:total]
            bits = width_bytes * 8
            rows = [
                [bool(body[y * width_bytes + x // 8] & (0x80 >> (x % 8))) for x in range(bits)]
                for y in range(height)
            ]
            self.paper.items.append(Image(rows))
            self.paper.items.append(Qr(decode_raster_qr(rows), 0, native=False))
            return total
        raise DecodeError(self._offset, f"unknown command {bytes(b[:3]).hex(' ')}")

    def _qr_function(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 49:
            raise DecodeError(self._offset, f"GS ( k for a symbol other than QR: {body[:2].hex()}")
        fn = body[1]
        if fn == 67:
            self._qr_module = body[2]
        elif fn == 80:
            self._qr_data = body[3:]
        elif fn == 81:
            self.paper.items.append(Qr(self._qr_data.decode("utf-8"), self._qr_module, native=True))
        elif fn not in (65, 69):
            raise DecodeError(self._offset, f"unexpected QR function {fn}")


def read_paper(data: bytes) -> Paper:
    reader = EscPosReader()
    reader.feed(data)
    if reader._buf:
        raise DecodeError(reader._offset, f"{len(reader._buf)} bytes left over")
    return reader.paper
