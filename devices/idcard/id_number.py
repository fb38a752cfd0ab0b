"""Chinese citizen ID numbers (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check.

The same check protects the numbers on Hong Kong/Macau/Taiwan residence permits and on
the 2023 foreign permanent resident ID card.
"""

from __future__ import annotations

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_CHECK = "10X98765432"  # indexed by the weighted sum mod 11


def check_digit(first17: str) -> str:
    """The check character ('0'-'9' or 'X') for 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_number_valid(number: str) -> bool:
    """True when ``number`` is 17 digits plus the right check character."""
    if len(number) != 18:
        return False
    head, last = number[:17], number[17].upper()
    if not head.isascii() or not head.isdigit():
        return False
    return check_digit(head) == last
