"""BER-TLV as used by the LDS and secure messaging (ISO/IEC 7816-4, definite lengths only)."""

from __future__ import annotations

from dataclasses import dataclass

from devices.idcard.emrtd.errors import TagMismatchError, TlvError

MAX_TAG_BYTES = 3
MAX_LENGTH_BYTES = 4


@dataclass(frozen=True, repr=False)
class Tlv:
    """One data object. ``repr`` hides the value: it may be personal data."""

    tag: int
    value: bytes
    end: int  # offset just past this object in the buffer it was read from

    def __repr__(self) -> str:
        return f"Tlv(tag={self.tag:X}, length={len(self.value)})"

    @property
    def constructed(self) -> bool:
        first = self.tag
        while first > 0xFF:
            first >>= 8
        return bool(first & 0x20)


def read_header(data: bytes, offset: int = 0) -> tuple[int, int, int]:
    """Read a tag and a length at ``offset``: returns (tag, length, value_offset)."""
    if offset >= len(data):
        raise TlvError("no tag", offset)
    pos = offset
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:  # tag number continues in following bytes
        while True:
            if pos >= len(data):
                raise TlvError("truncated tag", offset)
            if pos - offset >= MAX_TAG_BYTES:
                raise TlvError("tag longer than 3 bytes", offset)
            b = data[pos]
            tag = (tag << 8) | b
            pos += 1
            if not b & 0x80:
                break
    if pos >= len(data):
        raise TlvError("missing length", offset)
    first = data[pos]
    pos += 1
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise TlvError("indefinite length is not allowed", pos - 1)
    else:
        count = first & 0x7F
        if count > MAX_LENGTH_BYTES:
            raise TlvError(f"{count}-byte length field", pos - 1)
        if pos + count > len(data):
            raise TlvError("truncated length", pos - 1)
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    return tag, length, pos


def read_tlv(data: bytes, offset: int = 0) -> Tlv:
    """Read one complete data object at ``offset``."""
    tag, length, start = read_header(data, offset)
    end = start + length
    if end > len(data):
        raise TlvError(f"value needs {length} bytes, {len(data) - start} left", offset)
    return Tlv(tag, bytes(data[start:end]), end)


def parse_all(data: bytes) -> list[Tlv]:
    """Every data object in ``data``, one after another, which must fill it exactly."""
    out: list[Tlv] = []
    pos = 0
    while pos < len(data):
        obj = read_tlv(data, pos)
        out.append(obj)
        pos = obj.end
    return out


def expect(data: bytes, tag: int) -> bytes:
    """The value of the single object ``tag`` that ``data`` starts with."""
    obj = read_tlv(data)
    if obj.tag != tag:
        raise TagMismatchError(tag, obj.tag)
    return obj.value


def find(objects: list[Tlv], tag: int) -> Tlv | None:
    """The first object with ``tag`` in a parsed list, or None."""
    return next((o for o in objects if o.tag == tag), None)


def require(objects: list[Tlv], tag: int) -> Tlv:
    found = find(objects, tag)
    if found is None:
        got = objects[0].tag if objects else 0
        raise TagMismatchError(tag, got)
    return found


def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def encode(tag: int, value: bytes) -> bytes:
    """One data object: tag bytes, definite length, value."""
    tag_bytes = tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")
    return tag_bytes + encode_length(len(value)) + value


def total_length(header: bytes) -> int:
    """Size of the whole object whose first bytes are ``header`` (to size a file read)."""
    _tag, length, start = read_header(header)
    return start + length
