"""One-touch "call staff" (呼叫工作人员) from any screen.

The terminal tells the centre (``POST /v1/halls/{hall}/assist``, central/assist.py),
then asks every few seconds whether someone answered, so the citizen can be told
"someone is coming". Everything that touches the network runs on this object's own
thread; the UI only calls :meth:`StaffCall.call` and :meth:`StaffCall.tick`.
When no centre is configured or it cannot be reached, the citizen is told so honestly
and pointed to the help desk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from enum import StrEnum
from typing import Protocol

from kiosk.config import KioskConfig
from offline_cache.client import CentralClient, CentralError, CentralSettings
from offline_cache.wire import AssistIn, AssistOut, AssistStatus

log = logging.getLogger(__name__)

POLL_S = 3.0  # how often the terminal asks whether staff answered
# While staff are called the session does not time out, for at most this long: the
# citizen waits for help with their form still on screen, but a terminal left alone
# does not keep someone's data for ever.
HOLD_S = 600.0


class CallState(StrEnum):
    NONE = "none"
    CALLING = "calling"  # being sent
    CALLED = "called"  # the centre has it; nobody answered yet
    COMING = "coming"  # a member of staff answered: someone is on the way
    UNREACHABLE = "unreachable"  # no centre, or it could not be reached


class StaffDesk(Protocol):
    """The part of the centre's client a staff call needs."""

    def call_staff(self, hall_id: str, call: AssistIn) -> AssistOut: ...

    def staff_call(self, hall_id: str, call_id: int) -> AssistOut: ...

    def close(self) -> None: ...


def central_desk(config: KioskConfig) -> Callable[[], StaffDesk] | None:
    """The centre of ``[central]`` as a staff desk, or None when no centre is set."""
    c = config.central
    if not c.url:
        return None
    settings = CentralSettings(
        url=c.url,
        ca_file=c.ca_file,
        client_cert=c.client_cert,
        client_key=c.client_key,
        connect_timeout_s=3.0,
        read_timeout_s=5.0,
    )
    return lambda: CentralClient(settings)


class StaffCall:
    """The terminal's call for staff: at most one at a time, followed until answered."""

    def __init__(
        self,
        hall_id: str,
        terminal_id: str,
        desk: Callable[[], StaffDesk] | None,
        poll_s: float = POLL_S,
    ) -> None:
        self.hall_id = hall_id
        self.terminal_id = terminal_id
        self._make_desk = desk
        self._desk: StaffDesk | None = None
        self.poll_s = poll_s
        self.state = CallState.NONE
        self.answered_by = ""
        self._call_id: int | None = None
        self._pending: Future[AssistOut] | None = None
        self._next_poll = 0.0
        self._called_at = 0.0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="staff-call")

    @classmethod
    def from_config(cls, config: KioskConfig) -> StaffCall:
        t = config.terminal
        return cls(t.hall_id, t.id, central_desk(config))

    def call(self, screen: str, language: str, now: float) -> None:
        """The citizen tapped "call staff". A call already made is not made twice."""
        if self.state in (CallState.CALLING, CallState.CALLED, CallState.COMING):
            return
        if self._make_desk is None:
            log.warning("staff call: no centre configured")
            self.state = CallState.UNREACHABLE
            return
        body = AssistIn(terminal_id=self.terminal_id, screen=screen, language=language)
        self.state = CallState.CALLING
        self._called_at = now
        self._pending = self._pool.submit(self._send, body)
        log.info("staff call from screen %s", screen)

    def tick(self, now: float) -> bool:
        """Collect what the centre answered; poll while waiting. True if the state changed."""
        before = self.state
        pending = self._pending
        if pending is not None and pending.done():
            self._pending = None
            try:
                self._take(pending.result())
            except CentralError as exc:
                log.warning("staff call failed: %s", exc)
                if self.state is CallState.CALLING:
                    self.state = CallState.UNREACHABLE
                # A failed poll keeps the call: the centre has it; ask again later.
            self._next_poll = now + self.poll_s
        elif (
            pending is None
            and self.state is CallState.CALLED
            and self._call_id is not None
            and now >= self._next_poll
        ):
            self._pending = self._pool.submit(self._poll, self._call_id)
        return self.state is not before

    def holds_session(self, now: float) -> bool:
        """True while staff are called and may come: the idle timeout waits."""
        waiting = self.state in (CallState.CALLING, CallState.CALLED, CallState.COMING)
        return waiting and now - self._called_at < HOLD_S

    def reset(self) -> None:
        """The citizen left: stop following the call (the counter still sees it)."""
        self.state = CallState.NONE
        self.answered_by = ""
        self._call_id = None
        if self._pending is not None:
            self._pending.cancel()
        self._pending = None

    def close(self) -> None:
        self.reset()
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._desk is not None:
            self._desk.close()

    # -- on the staff-call thread --------------------------------------------------
    def _client(self) -> StaffDesk:
        if self._desk is None:
            assert self._make_desk is not None
            self._desk = self._make_desk()
        return self._desk

    def _send(self, body: AssistIn) -> AssistOut:
        return self._client().call_staff(self.hall_id, body)

    def _poll(self, call_id: int) -> AssistOut:
        return self._client().staff_call(self.hall_id, call_id)

    # -- back on the UI thread ---------------------------------------------------------
    def _take(self, out: AssistOut) -> None:
        if self.state is CallState.NONE:
            return  # the citizen left meanwhile
        self._call_id = out.id
        if out.status is AssistStatus.OPEN:
            self.state = CallState.CALLED
        elif out.status is AssistStatus.COMING:
            self.state = CallState.COMING
            self.answered_by = out.answered_by
        else:
            # Closed at the counter before anyone answered here: a new tap calls again.
            self.state = CallState.NONE
