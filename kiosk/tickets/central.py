"""The hall centre's number allocation, through the terminal's one centre client.

``POST {[central] url}/v1/halls/{hall_id}/tickets`` with ``{"service_code", "prefix",
"terminal_id", "day": "YYYY-MM-DD"}`` answers 200 with ``{"number": "A023", "sequence":
23, "people_ahead": int, "day": "YYYY-MM-DD"}``. The request goes through
``offline_cache.client.CentralClient``: the pinned CA and this terminal's certificate,
the same as the outbox's. Anything else, or no answer within the timeout, is
:class:`CentralUnavailable`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from offline_cache.client import CentralClient, CentralError, CentralSettings
from offline_cache.wire import TicketRequest


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
    The hall and terminal named here must be the ones in this terminal's certificate
    (the centre answers 403 otherwise, and the number comes from the offline block).
    """

    def __init__(
        self,
        settings: CentralSettings,
        hall_id: str,
        terminal_id: str,
        timeout_s: float = 1.5,
    ) -> None:
        self.client = CentralClient(settings)
        self.hall_id = hall_id
        self.terminal_id = terminal_id
        self.timeout_s = timeout_s

    def allocate(self, service_code: str, prefix: str, day: date) -> CentralNumber:
        try:
            req = TicketRequest(
                service_code=service_code,
                prefix=prefix,
                terminal_id=self.terminal_id,
                day=day.isoformat(),
            )
        except ValidationError:
            raise CentralUnavailable("service code, prefix or terminal id not valid") from None
        try:
            # (connect, read): together they stay near the configured bound
            got = self.client.allocate_ticket(
                self.hall_id, req, timeout=(self.timeout_s / 2, self.timeout_s / 2)
            )
        except CentralError as exc:
            raise CentralUnavailable(str(exc)) from None
        return _parse(got.model_dump(), prefix, day)

    def close(self) -> None:
        self.client.close()


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
