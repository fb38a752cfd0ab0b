"""What the ticket's QR code carries: number, hall, time and a short verification code.

Compact form (no ``follow_url``): ``HKT1|<hall_id>|<number>|<issued_at>|<code>``, e.g.
``HKT1|wuhan-citizen-centre|A023|2026-11-27T09:05+08:00|K7Q2MX``. With a
``follow_url`` the same fields ride as query parameters of a link a phone opens.
The code is the first 6 base32 characters of HMAC-SHA256(secret, hall|number|time),
so the hall's staff (or the centre) can tell a real ticket from a made-up one.

The secret is 32 random bytes per hall (``openssl rand -hex 32``), the same on every
terminal of the hall and on the staff's checker. Without one there is no code at all: a
key anyone can work out (the hall id printed in the QR, say) would let anyone forge one.
``verify`` answers True or False for any text a scanner reads, never raises.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

PREFIX = "HKT1"
MIN_SECRET_CHARS = 32  # e.g. 64 hex characters from `openssl rand -hex 32`


class QrPayloadError(ValueError):
    def __init__(self, payload: str, problem: str) -> None:
        super().__init__(f"ticket QR {payload!r}: {problem}")
        self.problem = problem


@dataclass(frozen=True)
class TicketQr:
    hall_id: str
    number: str
    issued_at: str  # ISO 8601 to the minute, with the offset
    code: str


def _stamp(issued_at: datetime) -> str:
    return issued_at.isoformat(timespec="minutes")


class QrSecretError(ValueError):
    """No usable verification secret: no code can be made (or checked) with it."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"ticket.verification_secret: {problem}")
        self.problem = problem


def secret_problem(secret: str, hall_id: str = "") -> str | None:
    """Why ``secret`` cannot key the verification code, or None when it can."""
    if not secret:
        return (
            "empty: tickets carry no verification code; set 32 random bytes per hall"
            " (openssl rand -hex 32), the same on every terminal of the hall"
        )
    if len(secret) < MIN_SECRET_CHARS:
        return f"{len(secret)} characters, want at least {MIN_SECRET_CHARS} (openssl rand -hex 32)"
    if hall_id and secret == hall_id:
        return "must not be the hall id (it is printed in the QR code)"
    return None


def verification_code(secret: str, hall_id: str, number: str, issued_at: str) -> str:
    """The 6-character code; ``QrSecretError`` without a usable secret (never a fallback)."""
    if not secret:
        raise QrSecretError("empty")
    mac = hmac.new(secret.encode(), f"{hall_id}|{number}|{issued_at}".encode(), hashlib.sha256)
    return base64.b32encode(mac.digest()).decode()[:6]


def build(
    secret: str, hall_id: str, number: str, issued_at: datetime, follow_url: str = ""
) -> tuple[TicketQr, str]:
    """The ticket's QR fields and the text to encode in the symbol.

    With an empty ``secret`` the code field stays empty: the QR still carries the number
    for the citizen's phone, and no checker will take it for a verified ticket.
    """
    stamp = _stamp(issued_at)
    code = verification_code(secret, hall_id, number, stamp) if secret else ""
    qr = TicketQr(hall_id, number, stamp, code)
    if follow_url:
        query = urlencode({"h": hall_id, "n": number, "t": stamp, "v": qr.code})
        return qr, f"{follow_url}?{query}"
    return qr, "|".join((PREFIX, hall_id, number, stamp, qr.code))


def parse_payload(payload: str) -> TicketQr:
    """Read either form back; raises QrPayloadError for anything else."""
    if payload.startswith(PREFIX + "|"):
        parts = payload.split("|")
        if len(parts) != 5:
            raise QrPayloadError(payload, f"expected 5 fields, got {len(parts)}")
        return TicketQr(*parts[1:])
    try:
        query = parse_qs(urlsplit(payload).query)
    except ValueError as exc:  # e.g. an unclosed "[" read as an IPv6 host
        raise QrPayloadError(payload, f"not a ticket link: {exc}") from None
    try:
        return TicketQr(query["h"][0], query["n"][0], query["t"][0], query["v"][0])
    except KeyError as exc:
        raise QrPayloadError(payload, f"missing {exc.args[0]}") from None


def verify(payload: str, secret: str) -> bool:
    """Is ``payload`` a ticket this ``secret`` made? False for anything else a scanner may
    read: garbage, other QR codes, non-ASCII text, tickets without a code, and any secret
    too weak to vouch for a ticket (empty, short, or the hall id printed in the QR)."""
    try:
        qr = parse_payload(payload)
    except QrPayloadError:
        return False
    if secret_problem(secret, qr.hall_id):
        return False
    if not qr.code or not qr.code.isascii():
        return False  # compare_digest raises on non-ASCII str: such a code is never ours
    expected = verification_code(secret, qr.hall_id, qr.number, qr.issued_at)
    return hmac.compare_digest(expected.encode(), qr.code.encode())
