"""The queue-ticket journey: pick a service, the ticket prints, the number is shown.

A failed printer never loses the number: the journey moves to NOT_PRINTED, where
the number and its QR code are shown large for the citizen to photograph.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from enum import Enum, auto
from typing import Protocol

from devices.health import DeviceEvent
from kiosk.flows.journey import JourneyContext, JourneyEntry
from kiosk.flows.machine import Machine, Timeout

log = logging.getLogger(__name__)


class TicketState(Enum):
    CHOOSE_SERVICE = auto()
    PRINTING = auto()
    DONE = auto()
    NOT_PRINTED = auto()
    FINISHED = auto()


class TicketEvent(Enum):
    SERVICE_CHOSEN = auto()
    PRINTED = auto()
    PRINT_FAILED = auto()
    TIMEOUT = auto()


class TicketResult(Protocol):
    """What the citizen is shown once the number is issued (printed or not).

    ``kiosk.tickets.service.IssuedTicket`` is the one the terminal uses.
    """

    @property
    def number(self) -> str: ...
    @property
    def service_name(self) -> str: ...
    @property
    def service_name_en(self) -> str: ...
    @property
    def people_ahead(self) -> int: ...
    @property
    def issued_at(self) -> datetime: ...
    @property
    def qr_payload(self) -> str: ...
    @property
    def printed(self) -> bool: ...
    @property
    def printer_status(self) -> str: ...


class TicketIssuer(Protocol):
    def issue(self, service_code: str, now: datetime) -> TicketResult:
        """Allocate a number and print it; never raises for printer faults."""


SCREENS = {
    TicketState.CHOOSE_SERVICE: "ticket_services",
    TicketState.PRINTING: "ticket_printing",
    TicketState.DONE: "ticket_done",
    TicketState.NOT_PRINTED: "ticket_not_printed",
    TicketState.FINISHED: "ticket_done",
}


class TicketJourney:
    """One citizen taking one ticket. The UI calls ``choose``; the controller ``tick``."""

    name = "ticket"

    def __init__(
        self, issuer: TicketIssuer, pool: ThreadPoolExecutor, done_timeout_s: float, now: float
    ) -> None:
        self._issuer = issuer
        self._pool = pool
        self._pending: Future[TicketResult] | None = None
        self.result: TicketResult | None = None
        self.error: str = ""
        S, E = TicketState, TicketEvent
        self.machine: Machine[TicketState, TicketEvent] = Machine(
            "ticket",
            S.CHOOSE_SERVICE,
            {
                (S.CHOOSE_SERVICE, E.SERVICE_CHOSEN): S.PRINTING,
                (S.PRINTING, E.PRINTED): S.DONE,
                (S.PRINTING, E.PRINT_FAILED): S.NOT_PRINTED,
                (S.DONE, E.TIMEOUT): S.FINISHED,
                # Longer: the citizen needs time to photograph the number.
                (S.NOT_PRINTED, E.TIMEOUT): S.FINISHED,
            },
            {
                S.DONE: Timeout(done_timeout_s, E.TIMEOUT),
                S.NOT_PRINTED: Timeout(done_timeout_s * 2, E.TIMEOUT),
            },
            now=now,
        )

    @property
    def state(self) -> TicketState:
        return self.machine.state

    @property
    def finished(self) -> bool:
        return self.state is TicketState.FINISHED

    @property
    def screen(self) -> str:
        return SCREENS[self.state]

    @property
    def can_go_back(self) -> bool:
        return self.state is TicketState.CHOOSE_SERVICE

    @property
    def idle_exempt(self) -> bool:
        # Printing must not be cut short; confirmation screens return by themselves.
        return self.state is not TicketState.CHOOSE_SERVICE

    def prompt_values(self) -> dict[str, str]:
        if self.result is None:
            return {}
        # "A 0 2 3": spoken digit by digit, as hall staff call numbers.
        return {"number": " ".join(self.result.number), "service": self.result.service_name}

    def choose(self, service_code: str, now: float) -> None:
        self.machine.fire(TicketEvent.SERVICE_CHOSEN, now)
        issued_at = datetime.now(UTC)
        self._pending = self._pool.submit(self._issuer.issue, service_code, issued_at)

    def tick(self, now: float) -> bool:
        """Advance on finished I/O or timeouts; returns True if the state changed."""
        if self._pending is not None and self._pending.done():
            future, self._pending = self._pending, None
            try:
                self.result = future.result()
            except Exception as exc:  # the number could not even be issued
                log.exception("ticket could not be issued")
                self.error = str(exc)
                self.machine.fire(TicketEvent.PRINT_FAILED, now)
                return True
            event = TicketEvent.PRINTED if self.result.printed else TicketEvent.PRINT_FAILED
            self.machine.fire(event, now)
            return True
        return self.machine.tick(now) is not None

    def remaining(self, now: float) -> float | None:
        return self.machine.remaining(now)

    def on_device_event(self, event: DeviceEvent, now: float) -> bool:
        return False

    def close(self) -> None:
        # A ticket already being printed is not cancelled: its number is issued.
        self._pending = None


def ticket_entry(issuer: TicketIssuer) -> JourneyEntry:
    """The menu tile for taking a queue number."""

    def start(ctx: JourneyContext, now: float) -> TicketJourney:
        return TicketJourney(issuer, ctx.pool, ctx.config.ui.done_timeout_s, now)

    return JourneyEntry(
        name="ticket",
        title_zh="取号排队",
        title_en="Take a queue number",
        subtitle_zh="选择业务，打印排队号",
        subtitle_en="Pick a service, get a ticket",
        icon="号",
        start=start,
    )
