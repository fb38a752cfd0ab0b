"""Receipt numbers: what the citizen shows at the counter, printed with a QR code."""

from __future__ import annotations

import secrets
from datetime import datetime

# Crockford's base32: no I, L, O or U, so a number read aloud is not misheard.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_receipt(terminal_id: str, now: datetime) -> str:
    """``T01-20261127-7KQ3MX``: terminal, local day, 30 random bits.

    Random rather than counted, so two terminals (or a restart) never collide
    without shared state; the last character is a mod-32 check so a mistyped
    number is caught at the counter.
    """
    body = "".join(secrets.choice(_ALPHABET) for _ in range(5))
    return f"{terminal_id}-{now:%Y%m%d}-{body}{_check(body)}"


def _check(body: str) -> str:
    total = sum((i + 1) * _ALPHABET.index(c) for i, c in enumerate(body))
    return _ALPHABET[total % 32]


def receipt_ok(receipt: str) -> bool:
    """True if the last part's check character matches."""
    tail = receipt.rsplit("-", 1)[-1]
    if len(tail) != 6 or any(c not in _ALPHABET for c in tail):
        return False
    return _check(tail[:5]) == tail[5]
