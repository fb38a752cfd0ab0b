"""The base of every error the SAM stack raises: a CardReadError, so callers catch one type.

Messages and attributes never carry personal data: only codes, lengths and field names.
"""

from __future__ import annotations

from devices.idcard.protocol import CardReadError


class SamError(CardReadError):
    """Something went wrong between the terminal, the SAM module and the card."""

    def __init__(self, reason: str, device: str = "id_card") -> None:
        super().__init__(device, reason)
