"""Machine readable zones of travel documents (ICAO 9303 Parts 3-6): TD1, TD2 and TD3.

Every check digit is computed and reported; a bad one is a finding, not an exception.
Malformed input (wrong line lengths, characters outside ``A-Z0-9<``, impossible dates)
raises a named :class:`MrzError`. Records hide their contents from ``repr``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from devices.idcard.record import CardType, IdDocument

FILLER = "<"
_VALID = re.compile(r"[A-Z0-9<]*")
_WEIGHTS = (7, 3, 1)


class MrzFormat(StrEnum):
    TD1 = "TD1"  # ID cards: 3 lines of 30
    TD2 = "TD2"  # 2 lines of 36
    TD3 = "TD3"  # passports: 2 lines of 44


_SHAPES = {(3, 30): MrzFormat.TD1, (2, 36): MrzFormat.TD2, (2, 44): MrzFormat.TD3}


class MrzError(ValueError):
    """The text is not a machine readable zone."""


class MrzLayoutError(MrzError):
    def __init__(self, lengths: list[int]) -> None:
        super().__init__(f"lines of lengths {lengths} are no MRZ (TD1: 3x30, TD2: 2x36, TD3: 2x44)")
        self.lengths = lengths


class MrzCharacterError(MrzError):
    def __init__(self, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: only A-Z, 0-9 and < may appear")
        self.line = line
        self.column = column


class MrzDateError(MrzError):
    def __init__(self, field_name: str) -> None:
        super().__init__(f"{field_name} is not a calendar date (YYMMDD)")
        self.field_name = field_name


def char_value(ch: str) -> int:
    """The value of one MRZ character in a check digit: digits, A=10..Z=35, < = 0."""
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    if ch == FILLER:
        return 0
    raise MrzCharacterError(0, 0)


def check_digit(text: str) -> str:
    """The ICAO 9303 check digit (weights 7, 3, 1, modulo 10) of ``text``."""
    total = sum(char_value(ch) * _WEIGHTS[i % 3] for i, ch in enumerate(text))
    return str(total % 10)


def _checks(text: str, digit: str, *, empty_ok: bool = False) -> bool:
    if empty_ok and set(text) <= {FILLER} and digit in (FILLER, "0"):
        return True
    return check_digit(text) == digit


def _strip(text: str) -> str:
    return text.replace(FILLER, " ").strip()


def _split_name(text: str) -> tuple[str, str]:
    primary, _, secondary = text.partition("<<")
    surname = " ".join(primary.replace(FILLER, " ").split())
    given = " ".join(secondary.replace(FILLER, " ").split())
    return surname, given


def _date(yymmdd: str, field_name: str, *, future_ok: bool) -> dt.date | None:
    """A YYMMDD date; None when the MRZ marks it unknown with fillers."""
    if FILLER in yymmdd:
        return None
    if not (yymmdd.isascii() and yymmdd.isdigit()):
        raise MrzDateError(field_name)
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    this_year = dt.date.today().year
    year = 2000 + yy
    # Birth dates are never in the future; expiry dates lie at most a few decades ahead.
    if (not future_ok and year > this_year) or (future_ok and year > this_year + 50):
        year -= 100
    try:
        return dt.date(year, mm, dd)
    except ValueError:
        raise MrzDateError(field_name) from None


@dataclass(repr=False)
class MrzRecord:
    """The fields of one MRZ. Personal data: ``repr`` shows only the format."""

    format: MrzFormat
    document_code: str
    issuer: str
    document_number: str
    nationality: str
    birth_date_raw: str  # YYMMDD, as BAC needs it
    sex: str | None
    expiry_date_raw: str
    optional_data: str
    surname: str
    given_names: str
    check_digits: dict[str, bool] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"MrzRecord(format={self.format.value}, <personal data hidden>)"

    @property
    def check_digits_valid(self) -> bool:
        return all(self.check_digits.values())

    @property
    def failed_checks(self) -> list[str]:
        """Names of the fields whose check digit is wrong (no values: safe to show)."""
        return [name for name, ok in self.check_digits.items() if not ok]

    @property
    def birth_date(self) -> dt.date | None:
        return _date(self.birth_date_raw, "birth date", future_ok=False)

    @property
    def expiry_date(self) -> dt.date | None:
        return _date(self.expiry_date_raw, "expiry date", future_ok=True)

    def to_id_document(self) -> IdDocument:
        """The record as the kiosk's common identity document (card type ``emrtd``)."""
        birth, expiry = self.birth_date, self.expiry_date
        full_name = " ".join(part for part in (self.surname, self.given_names) if part)
        return IdDocument(
            card_type=CardType.EMRTD,
            name=full_name or None,
            surname=self.surname or None,
            given_names=self.given_names or None,
            sex=self.sex,
            birth_date=birth.isoformat() if birth else None,
            id_number=self.optional_data or None,
            document_number=self.document_number,
            nationality=self.nationality or None,
            issuer=self.issuer or None,
            valid_to=expiry.isoformat() if expiry else None,
            id_number_valid=self.check_digits.get("personal_number")
            if self.optional_data
            else None,
            check_digits_valid=self.check_digits_valid,
        )


def _validate(lines: Sequence[str]) -> MrzFormat:
    shape = (len(lines), len(lines[0]) if lines else 0)
    fmt = _SHAPES.get(shape)
    if fmt is None or any(len(line) != shape[1] for line in lines):
        raise MrzLayoutError([len(line) for line in lines])
    for n, line in enumerate(lines, start=1):
        if not _VALID.fullmatch(line):
            column = next(i for i, ch in enumerate(line, start=1) if not _VALID.fullmatch(ch))
            raise MrzCharacterError(n, column)
    return fmt


def _sex(ch: str) -> str | None:
    return ch if ch in ("M", "F") else None


def _long_document_number(head: str, digit: str, optional: str) -> tuple[str, str, str]:
    """Document numbers over 9 characters continue in the optional data (9303-5 note j).

    Returns (document number, its check digit, the rest of the optional data).
    """
    if digit != FILLER:
        return head, digit, optional
    extension = optional.split(FILLER, 1)[0]
    if not extension:
        return head, digit, optional
    rest = optional[len(extension) :]
    return head + extension[:-1], extension[-1], rest


def parse_mrz(lines: Sequence[str]) -> MrzRecord:
    """Parse the lines of a TD1, TD2 or TD3 machine readable zone."""
    lines = [line.strip() for line in lines]
    fmt = _validate(lines)
    if fmt is MrzFormat.TD1:
        return _parse_td1(lines)
    return _parse_td2_td3(lines, fmt)


def parse_mrz_text(text: str) -> MrzRecord:
    """Parse an MRZ given as one string (as DG1 stores it) or newline-separated lines."""
    text = text.strip()
    if "\n" in text:
        return parse_mrz(text.splitlines())
    width = {90: 30, 72: 36, 88: 44}.get(len(text))
    if width is None:
        raise MrzLayoutError([len(text)])
    return parse_mrz([text[i : i + width] for i in range(0, len(text), width)])


def _parse_td1(lines: Sequence[str]) -> MrzRecord:
    l1, l2, l3 = lines
    number, number_digit, optional = _long_document_number(l1[5:14], l1[14], l1[15:30])
    checks = {
        "document_number": _checks(number, number_digit),
        "birth_date": _checks(l2[0:6], l2[6]),
        "expiry_date": _checks(l2[8:14], l2[14]),
        "composite": _checks(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29]),
    }
    surname, given = _split_name(l3)
    return MrzRecord(
        format=MrzFormat.TD1,
        document_code=_strip(l1[0:2]),
        issuer=_strip(l1[2:5]),
        document_number=number.rstrip(FILLER),
        nationality=_strip(l2[15:18]),
        birth_date_raw=l2[0:6],
        sex=_sex(l2[7]),
        expiry_date_raw=l2[8:14],
        optional_data=_strip(optional),
        surname=surname,
        given_names=given,
        check_digits=checks,
    )


def _parse_td2_td3(lines: Sequence[str], fmt: MrzFormat) -> MrzRecord:
    l1, l2 = lines
    end = 42 if fmt is MrzFormat.TD3 else 35  # optional data ends here
    optional = l2[28:end]
    checks = {}
    if fmt is MrzFormat.TD2:
        number, number_digit, optional = _long_document_number(l2[0:9], l2[9], optional)
    else:
        number, number_digit = l2[0:9], l2[9]
    checks["document_number"] = _checks(number, number_digit)
    checks["birth_date"] = _checks(l2[13:19], l2[19])
    checks["expiry_date"] = _checks(l2[21:27], l2[27])
    if fmt is MrzFormat.TD3:
        checks["personal_number"] = _checks(l2[28:42], l2[42], empty_ok=True)
        composite = l2[0:10] + l2[13:20] + l2[21:43]
        checks["composite"] = _checks(composite, l2[43])
    else:
        checks["composite"] = _checks(l2[0:10] + l2[13:20] + l2[21:35], l2[35])
    surname, given = _split_name(l1[5:])
    return MrzRecord(
        format=fmt,
        document_code=_strip(l1[0:2]),
        issuer=_strip(l1[2:5]),
        document_number=number.rstrip(FILLER),
        nationality=_strip(l2[10:13]),
        birth_date_raw=l2[13:19],
        sex=_sex(l2[20]),
        expiry_date_raw=l2[21:27],
        optional_data=_strip(optional),
        surname=surname,
        given_names=given,
        check_digits=checks,
    )


def bac_mrz_information(document_number: str, birth_date: str, expiry_date: str) -> bytes:
    """The MRZ information BAC keys come from: number, birth and expiry, each with its digit.

    Numbers shorter than 9 characters are padded with ``<`` as in the MRZ.
    """
    number = document_number.upper().ljust(9, FILLER)
    for name, value in (("birth date", birth_date), ("expiry date", expiry_date)):
        if len(value) != 6 or not (value.isascii() and value.isdigit()):
            raise MrzDateError(name)
    if not _VALID.fullmatch(number):
        raise MrzCharacterError(
            1, 1 + next(i for i, ch in enumerate(number) if not _VALID.fullmatch(ch))
        )
    text = (
        number
        + check_digit(number)
        + birth_date
        + check_digit(birth_date)
        + expiry_date
        + check_digit(expiry_date)
    )
    return text.encode("ascii")
