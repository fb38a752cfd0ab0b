"""What the ticket's QR code carries: number, hall, time and a short verification code.

Compact form (no ``follow_url``): ``HKT1|<hall_id>|<number>|<issued_at>|<code>``, e.g.
``HKT1|wuhan-citizen-centre|A023|2026-11-27T09:05+08:00|K7Q2MX``. With a
``follow_url`` the same fields ride as query parameters of a link a phone opens.
The code is the first 6 base32 characters of HMAC-SHA256(secret, hall|number|time),
so the hall's staff (or the centre) can tell a real ticket from a made-up one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

PREFIX = "HKT1"


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


def verification_code(secret: str, hall_id: str, number: str, issued_at: str) -> str:
    mac = hmac.new(secret.encode(), f"{hall_id}|{number}|{issued_at}".encode(), hashlib.sha256)
    return base64.b32encode(mac.digest()).decode()[:6]


def build(
    secret: str, hall_id: str, number: str, issued_at: datetime, follow_url: str = ""
) -> tuple[TicketQr, str]:
    """The ticket's QR fields and the text to encode in the symbol."""
    stamp = _stamp(issued_at)
    qr = TicketQr(hall_id, number, stamp, verification_code(secret, hall_id, number, stamp))
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
    qr = parse_payload(payload)
    expected = verification_code(secret, qr.hall_id, qr.number, qr.issued_at)
    return hmac.compare_digest(expected, qr.code)
