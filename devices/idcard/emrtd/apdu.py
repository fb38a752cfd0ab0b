"""Command and response APDUs (ISO/IEC 7816-4), short and extended length."""

from __future__ import annotations

from dataclasses import dataclass

SW_OK = 0x9000
SW_END_OF_FILE = 0x6282  # fewer bytes than asked: the file ends there
SW_AUTH_FAILED = 0x6300
SW_WRONG_LENGTH = 0x6700
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_CONDITIONS_NOT_SATISFIED = 0x6985
SW_SM_MISSING = 0x6987
SW_SM_INCORRECT = 0x6988
SW_FILE_NOT_FOUND = 0x6A82

SHORT_MAX_LE = 256
EXTENDED_MAX_LE = 65536


@dataclass(frozen=True, repr=False)
class CommandApdu:
    """A command. ``le`` is the number of response bytes wanted (256 / 65536 = "all")."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None

    def __repr__(self) -> str:  # data may be a key or personal data
        return (
            f"CommandApdu({self.cla:02X} {self.ins:02X} {self.p1:02X} {self.p2:02X},"
            f" lc={len(self.data)}, le={self.le})"
        )

    @property
    def extended(self) -> bool:
        return len(self.data) > 255 or (self.le is not None and self.le > SHORT_MAX_LE)

    def encode(self) -> bytes:
        """The bytes on the wire; extended length only when the sizes need it."""
        out = bytes([self.cla, self.ins, self.p1, self.p2])
        if self.extended:
            if self.data:
                out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.le is not None:
                le = self.le % EXTENDED_MAX_LE  # 65536 is written as 0000
                out += (b"" if self.data else b"\x00") + le.to_bytes(2, "big")
            return out
        if self.data:
            out += bytes([len(self.data)]) + self.data
        if self.le is not None:
            out += bytes([self.le % SHORT_MAX_LE])
        return out


@dataclass(frozen=True, repr=False)
class ResponseApdu:
    data: bytes
    sw: int

    def __repr__(self) -> str:
        return f"ResponseApdu(len={len(self.data)}, sw={self.sw:04X})"

    @classmethod
    def decode(cls, raw: bytes) -> ResponseApdu:
        if len(raw) < 2:
            raise ValueError(f"response of {len(raw)} bytes has no status word")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))

    def encode(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")


def decode_command(raw: bytes) -> CommandApdu:
    """Parse a command APDU (the card emulator and the fuzz tests use this)."""
    if len(raw) < 4:
        raise ValueError("command shorter than its header")
    cla, ins, p1, p2 = raw[:4]
    body = raw[4:]
    if not body:
        return CommandApdu(cla, ins, p1, p2)
    if len(body) == 1:
        return CommandApdu(cla, ins, p1, p2, le=body[0] or SHORT_MAX_LE)
    if body[0] != 0 or len(body) < 3:  # short: Lc data [Le]
        lc = body[0]
        if len(body) == 1 + lc:
            return CommandApdu(cla, ins, p1, p2, bytes(body[1:]))
        if len(body) == 2 + lc:
            return CommandApdu(cla, ins, p1, p2, bytes(body[1:-1]), body[-1] or SHORT_MAX_LE)
        raise ValueError("short command length fields do not match its size")
    if len(body) == 3:  # extended Le only
        return CommandApdu(cla, ins, p1, p2, le=int.from_bytes(body[1:3], "big") or EXTENDED_MAX_LE)
    lc = int.from_bytes(body[1:3], "big")
    rest = body[3:]
    if len(rest) == lc:
        return CommandApdu(cla, ins, p1, p2, bytes(rest))
    if len(rest) == lc + 2:
        le = int.from_bytes(rest[-2:], "big") or EXTENDED_MAX_LE
        return CommandApdu(cla, ins, p1, p2, bytes(rest[:-2]), le)
    raise ValueError("extended command length fields do not match its size")
