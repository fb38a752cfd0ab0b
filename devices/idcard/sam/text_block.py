"""The 256-byte UCS-2LE text block of a card, decoded for its four layouts.

Each layout is a table of (field, first character, characters). The character at
position 124 tells the layouts apart: ``J`` Hong Kong/Macau/Taiwan residence permit,
``I`` foreign permanent resident ID (2017), ``Y`` the 2023 one, a blank the resident ID.
Errors name the field and the problem, never the value (it is personal data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from devices.idcard.id_number import id_number_valid
from devices.idcard.record import CardType, IdDocument
from devices.idcard.sam.errors import SamError
from devices.idcard.sam.ethnicity import ethnicity_name

TEXT_BLOCK_LEN = 256
MARKER_AT = 124  # character index of the card type marker
LONG_TERM = "long-term"

Layout = Mapping[str, tuple[int, int]]


def _layout(**fields: tuple[int, int]) -> Layout:
    return MappingProxyType(fields)


# Resident ID card (GB 11643 holder).
RESIDENT: Layout = _layout(
    name=(0, 15), sex=(15, 1), ethnicity=(16, 2), birth_date=(18, 8), address=(26, 35),
    id_number=(61, 18), issuer=(79, 15), valid_from=(94, 8), valid_to=(102, 8),
)  # fmt: skip
# Residence permit for Hong Kong, Macau and Taiwan residents (marker J).
HK_MACAU_TAIWAN: Layout = _layout(
    name=(0, 15), sex=(15, 1), birth_date=(18, 8), address=(26, 35), id_number=(61, 18),
    issuer=(79, 15), valid_from=(94, 8), valid_to=(102, 8), document_number=(110, 9),
    issue_count=(119, 2),
)  # fmt: skip
# Foreign permanent resident ID card, 2017 edition (marker I).
FOREIGN_2017: Layout = _layout(
    name_en=(0, 60), sex=(60, 1), document_number=(61, 15), nationality=(76, 3),
    name=(79, 15), valid_from=(94, 8), valid_to=(102, 8), birth_date=(110, 8),
    authority_code=(120, 4),
)  # fmt: skip
# Foreign permanent resident ID card, 2023 edition (marker Y): resident-ID-like slots,
# the English name split over two places (characters 1-35 and 36-46).
FOREIGN_2023: Layout = _layout(
    name=(0, 15), sex=(15, 1), issue_count=(16, 2), birth_date=(18, 8), name_en=(26, 35),
    id_number=(61, 18), valid_from=(94, 8), valid_to=(102, 8), name_en_more=(110, 11),
    nationality=(121, 3),
)  # fmt: skip

LAYOUTS: dict[CardType, Layout] = {
    CardType.RESIDENT_ID: RESIDENT,
    CardType.HK_MACAU_TAIWAN_PERMIT: HK_MACAU_TAIWAN,
    CardType.FOREIGN_PERMANENT_2017: FOREIGN_2017,
    CardType.FOREIGN_PERMANENT_2023: FOREIGN_2023,
}
MARKERS: dict[str, CardType] = {
    "J": CardType.HK_MACAU_TAIWAN_PERMIT,
    "I": CardType.FOREIGN_PERMANENT_2017,
    "Y": CardType.FOREIGN_PERMANENT_2023,
    " ": CardType.RESIDENT_ID,
    "\x00": CardType.RESIDENT_ID,
}
_SEX = {"1": "M", "2": "F", "0": None, "9": None}  # GB/T 2261.1: 0 unknown, 9 unstated


class TextBlockError(SamError):
    """The text block cannot be decoded."""


class TextBlockLengthError(TextBlockError):
    def __init__(self, expected: int, got: int) -> None:
        super().__init__(f"text block of {got} bytes, expected {expected}")
        self.expected = expected
        self.got = got


class TextBlockEncodingError(TextBlockError):
    def __init__(self, offset: int) -> None:
        super().__init__(f"text block is not UCS-2 at byte {offset}")
        self.offset = offset


class UnknownLayoutError(TextBlockError):
    def __init__(self, marker: str) -> None:
        super().__init__(f"unknown card type marker U+{ord(marker):04X} in the text block")
        self.marker = marker


class TextBlockFieldError(TextBlockError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"text block field {field}: {problem}")
        self.field = field
        self.problem = problem


def card_type_of(block: bytes) -> CardType:
    """Which layout the block uses, from the marker at character 124."""
    if len(block) != TEXT_BLOCK_LEN:
        raise TextBlockLengthError(TEXT_BLOCK_LEN, len(block))
    marker = _chars(block, MARKER_AT, 1)
    card_type = MARKERS.get(marker)
    if card_type is None:
        raise UnknownLayoutError(marker)
    return card_type


def _chars(block: bytes, start: int, count: int) -> str:
    raw = block[start * 2 : (start + count) * 2]
    try:
        return raw.decode("utf-16-le")
    except UnicodeDecodeError as exc:  # a lone surrogate: not UCS-2
        raise TextBlockEncodingError(start * 2 + exc.start) from None


def _clean(text: str) -> str | None:
    value = text.replace("\x00", " ").strip()
    return value or None


def _date(field: str, value: str | None, long_term_ok: bool = False) -> str | None:
    if value is None:
        return None
    if long_term_ok and value == "长期":
        return LONG_TERM
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise TextBlockFieldError(field, "not a YYYYMMDD date")
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
    except ValueError:
        raise TextBlockFieldError(field, "not a calendar date") from None


def _sex(value: str | None) -> str | None:
    if value is None:
        return None
    if value not in _SEX:
        raise TextBlockFieldError("sex", "not a GB/T 2261.1 code")
    return _SEX[value]


def decode_text_block(block: bytes) -> IdDocument:
    """Decode a 256-byte text block into a record (no photo yet).

    Raises a TextBlockError subclass for a block that is not a valid card text block.
    A bad ID number check digit is not an error: ``id_number_valid`` says so.
    """
    card_type = card_type_of(block)
    layout = LAYOUTS[card_type]
    raw = {name: _clean(_chars(block, start, n)) for name, (start, n) in layout.items()}

    doc = IdDocument(card_type=card_type)
    doc.name = raw.get("name")
    doc.sex = _sex(raw.get("sex"))
    doc.birth_date = _date("birth_date", raw.get("birth_date"))
    doc.valid_from = _date("valid_from", raw.get("valid_from"))
    doc.valid_to = _date("valid_to", raw.get("valid_to"), long_term_ok=True)
    doc.address = raw.get("address")
    doc.issuer = raw.get("issuer")
    doc.document_number = raw.get("document_number")
    doc.nationality = raw.get("nationality")
    doc.issue_count = raw.get("issue_count")
    doc.authority_code = raw.get("authority_code")
    if "name_en" in layout:
        parts = (raw.get("name_en"), raw.get("name_en_more"))
        # the 2023 card splits the name at character 35 wherever it falls, even mid-word
        joined = _chars(block, *layout["name_en"]) + (
            _chars(block, *layout["name_en_more"]) if "name_en_more" in layout else ""
        )
        doc.name_en = _clean(joined) if any(parts) else None
    if "ethnicity" in layout:
        code = raw.get("ethnicity")
        if code is not None:
            doc.ethnicity = ethnicity_name(code)
            if doc.ethnicity is None:
                raise TextBlockFieldError("ethnicity", "not a GB/T 3304 code")
    if "id_number" in layout:
        doc.id_number = raw.get("id_number")
        if doc.id_number is None:
            raise TextBlockFieldError("id_number", "empty")
        doc.id_number_valid = id_number_valid(doc.id_number)
    elif doc.document_number is None:
        raise TextBlockFieldError("document_number", "empty")
    return doc
