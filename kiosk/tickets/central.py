"""The hall centre's number allocation, as a client.

Contract (shared with central/): ``POST {central_url}/v1/halls/{hall_id}/tickets`` with
``{"service_code", "prefix", "terminal_id", "day": "YYYY-MM-DD"}`` answers 200 with
``{"number": "A023", "sequence": 23, "people_ahead": int, "day": "YYYY-MM-DD"}``.
Anything else, or no answer within the timeout, is :class:`CentralUnavailable`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

import requests


class CentralUnavailable(Exception):
    """The centre did not allocate a number; ``reason`` says why (for the log)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CentralNumber:
    number: str
    sequence: int
    people_ahead: int
    day: date


class CentralTicketClient:
    """Asks the centre for the hall's next number of a service. One attempt, bounded.

    No retry: a POST that reached the centre but whose answer was lost has used up a
    number there; asking again would skip one more, and the offline block is instant.
    """

    def __init__(
        self,
        base_url: str,
        hall_id: str,
        terminal_id: str,
        timeout_s: float = 1.5,
        session: requests.Session | None = None,
    ) -> None:
        self.url = f"{base_url.rstrip('/')}/v1/halls/{quote(hall_id, safe='')}/tickets"
        self.terminal_id = terminal_id
        self.timeout_s = timeout_s
        self._session = session or requests.Session()
        self._session.trust_env = False  # no proxy or CA bundle from the environment

    def allocate(self, service_code: str, prefix: str, day: date) -> CentralNumber:
        body = {
            "service_code": service_code,
            "prefix": prefix,
            "terminal_id": self.terminal_id,
            "day": day.isoformat(),
        }
        try:
            # (connect, read): together they stay near the configured bound
            reply = self._session.post(
                self.url, json=body, timeout=(self.timeout_s / 2, self.timeout_s / 2)
            )
        except requests.RequestException as exc:
            raise CentralUnavailable(f"{type(exc).__name__}: {exc}") from None
        if reply.status_code != 200:
            raise CentralUnavailable(f"HTTP {reply.status_code}")
        try:
            data = reply.json()
        except ValueError:
            raise CentralUnavailable("answer is not JSON") from None
        return _parse(data, prefix, day)


def _parse(data: Any, prefix: str, day: date) -> CentralNumber:
    if not isinstance(data, dict):
        raise CentralUnavailable("answer is not a JSON object")
    number, sequence, ahead, got_day = (
        data.get("number"),
        data.get("sequence"),
        data.get("people_ahead"),
        data.get("day"),
    )
    if not isinstance(number, str) or not re.fullmatch(rf"{re.escape(prefix)}\d{{1,6}}", number):
        raise CentralUnavailable(f"number {number!r} is not {prefix} + digits")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise CentralUnavailable(f"sequence {sequence!r} is not a positive integer")
    if isinstance(ahead, bool) or not isinstance(ahead, int) or ahead < 0:
        raise CentralUnavailable(f"people_ahead {ahead!r} is not a count")
    if got_day != day.isoformat():
        raise CentralUnavailable(f"day {got_day!r} is not {day.isoformat()}")
    return CentralNumber(number, sequence, ahead, day)
