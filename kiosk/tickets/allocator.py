"""Which number a citizen gets: the centre's when it answers, else this terminal's block.

Several terminals share a hall's queue. The centre hands out ``A023``; when it cannot
be reached in time a terminal uses its own offline block, ``A`` + its tag + a persisted
sequence (``AZ007``), so two terminals never give out the same number and a restart
never reuses one. Each number is recorded with its source.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from kiosk.tickets.central import CentralTicketClient, CentralUnavailable
from kiosk.tickets.numbers import IssuedNumber, LocalNumberStore

log = logging.getLogger(__name__)


class NumberSource(StrEnum):
    CENTRAL = "central"
    OFFLINE = "offline"


class NumberAllocator:
    """Allocates queue numbers; thread-safe through the store's SQLite transactions."""

    def __init__(
        self,
        store: LocalNumberStore,
        offline_tag: str,
        central: CentralTicketClient | None = None,
        retry_after_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.offline_tag = offline_tag
        self.central = central
        self.retry_after_s = retry_after_s
        self._clock = clock
        self._skip_central_until = 0.0

    @property
    def central_reachable(self) -> bool:
        """False while a recent failure keeps us on the offline block."""
        return self.central is not None and self._clock() >= self._skip_central_until

    def allocate(self, service_code: str, prefix: str, now: datetime) -> IssuedNumber:
        day = self.store.local_day(now)
        issued_at = now.astimezone(self.store.timezone)
        if self.central is not None and self.central_reachable:
            try:
                got = self.central.allocate(service_code, prefix, day)
            except CentralUnavailable as exc:
                # A citizen waits at the screen: stop asking for a while.
                self._skip_central_until = self._clock() + self.retry_after_s
                log.warning("centre did not allocate a number (%s): offline block", exc.reason)
            else:
                issued = IssuedNumber(
                    number=got.number,
                    service_code=service_code,
                    day=day,
                    sequence=got.sequence,
                    people_ahead=got.people_ahead,
                    issued_at=issued_at,
                    source=NumberSource.CENTRAL,
                )
                if self.store.record(issued):
                    return issued
                log.error("centre repeated number %s: using the offline block", got.number)
        return self._offline(service_code, prefix, issued_at)

    def _offline(self, service_code: str, prefix: str, issued_at: datetime) -> IssuedNumber:
        day = issued_at.date()

        def make(seq: int) -> IssuedNumber:
            return IssuedNumber(
                number=f"{prefix}{self.offline_tag}{seq:03d}",
                service_code=service_code,
                day=day,
                sequence=seq,
                # Offline, only this terminal's own tickets are known: a lower bound.
                people_ahead=seq - 1,
                issued_at=issued_at,
                source=NumberSource.OFFLINE,
            )

        return self.store.issue_next(day, f"{service_code}@{self.offline_tag}", make)
