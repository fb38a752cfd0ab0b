"""Citizen identity numbers (GB 11643-1999): 18 characters, the last a check character.

The check character is ISO 7064 MOD 11-2 over the first 17 digits (computed by
:mod:`devices.idcard.id_number`, which the card reader uses too). Residence permits
for Hong Kong, Macau and Taiwan residents use the region codes 81/82/83, and the 2023
foreign permanent resident ID card starts with 9; all share the layout and check.
This module says *what* is wrong, so the citizen gets a precise message.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from devices.idcard.id_number import check_digit

#: First two digits: provinces (GB/T 2260) and the residence-permit regions 81/82/83.
REGIONS = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)


class IdNumberProblem(StrEnum):
    LENGTH = "id_length"
    CHARACTERS = "id_characters"
    REGION = "id_region"
    BIRTH_DATE = "id_birth_date"
    CHECK_DIGIT = "id_check_digit"


def check_char(first17: str) -> str:
    """The check character for 17 ASCII digits."""
    return check_digit(first17)


def id_number_problem(number: str, today: date) -> IdNumberProblem | None:
    """None if ``number`` (already upper-cased, no spaces) is a well-formed ID number."""
    if len(number) != 18:
        return IdNumberProblem.LENGTH
    body, last = number[:17], number[17]
    if not (body.isascii() and body.isdigit()) or last not in "0123456789X":
        return IdNumberProblem.CHARACTERS
    region = int(body[:2])
    if region not in REGIONS and body[0] != "9":
        return IdNumberProblem.REGION
    try:
        born = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        return IdNumberProblem.BIRTH_DATE
    if born.year < 1900 or born > today:
        return IdNumberProblem.BIRTH_DATE
    if check_char(body) != last:
        return IdNumberProblem.CHECK_DIGIT
    return None
