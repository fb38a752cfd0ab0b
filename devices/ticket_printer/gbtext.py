"""Our own text encoder for ESC/POS printers in Chinese mode (FS &).

python-escpos only sends GB18030 when a string holds a common ideograph and turns
full-width punctuation and rarer characters into ``?``. Here every character is
encoded one by one into the printer's Chinese character set; anything the printer
cannot show (control and format characters, combining marks, characters outside
the set) becomes a visible ``□`` and is reported, so nothing vanishes silently and
no byte below 0x20 ever reaches the printer from text (no command injection).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

REPLACEMENT = "□"  # U+25A1, in GB2312 (A1 F5): every Chinese printer has it

# Categories a thermal printer's font cannot draw as a glyph of its own.
_UNPRINTABLE_CATEGORIES = {
    "Cc": "control character",
    "Cf": "format character",
    "Cs": "lone surrogate",
    "Co": "private-use character",
    "Cn": "unassigned code point",
    "Mn": "combining mark",
    "Me": "enclosing mark",
    "Zl": "line separator",
    "Zp": "paragraph separator",
}


class Charset(StrEnum):
    """The printer's Chinese character set (its "code page" in Chinese mode)."""

    GB18030 = "gb18030"  # 1, 2 and 4 byte sequences (rare ideographs, extension B)
    GBK = "gbk"  # 1 and 2 byte sequences only
    GB2312 = "gb2312"  # the 7 445 common characters only


@dataclass(frozen=True)
class Replacement:
    """One character that could not be printed: where it was and why."""

    index: int  # position in the NFC-normalised text
    char: str
    reason: str

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.char):04X}"


@dataclass(frozen=True)
class EncodedText:
    data: bytes
    width: int  # columns on paper at size 1: 1 per single-byte, 2 per multi-byte character
    replaced: tuple[Replacement, ...] = ()


def _encode_char(char: str, charset: Charset) -> bytes | None:
    try:
        data = char.encode(charset.value)
    except UnicodeEncodeError:
        return None
    # The gbk and gb2312 codecs never produce 4 bytes; gb18030 does for rare characters.
    return data


def char_width(data: bytes) -> int:
    """Columns one encoded character takes: ASCII is half width, the rest full width."""
    return 1 if len(data) == 1 else 2


def _plain(char: str) -> bool:
    """Printable as itself, with no space to normalise."""
    category = unicodedata.category(char)
    return category not in _UNPRINTABLE_CATEGORIES and (category != "Zs" or char in " \u3000")


def encode_text(text: str, charset: Charset = Charset.GB18030) -> EncodedText:
    """Encode one line for a printer in Chinese mode. Never raises on any ``str``."""
    text = unicodedata.normalize("NFC", text)
    codec = str(charset.value)
    if text.isascii() and text.isprintable():  # the common case: one C call
        return EncodedText(text.encode("ascii"), len(text))
    if all(_plain(char) for char in text):
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            pass  # some character is outside the set: go one by one below
        else:
            return EncodedText(data, sum(1 if c < "\x80" else 2 for c in text))
    out = bytearray()
    width = 0
    replaced: list[Replacement] = []
    fallback = REPLACEMENT.encode(codec)
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category == "Zs" and char != "\u3000":
            char = " "  # NBSP, thin spaces...: a plain space prints the same
        reason = _UNPRINTABLE_CATEGORIES.get(category)
        encoded = None if reason else _encode_char(char, charset)
        if encoded is None:
            replaced.append(Replacement(index, char, reason or f"not in {codec}"))
            encoded = fallback
        out += encoded
        width += char_width(encoded)
    return EncodedText(bytes(out), width, tuple(replaced))


def display_width(text: str, charset: Charset = Charset.GB18030) -> int:
    """Columns ``text`` will take on paper at size 1."""
    return encode_text(text, charset).width
