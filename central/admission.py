"""Admission control for submissions: when terminals all come back after an outage, the
centre takes as much work at once as it can finish quickly, and tells the rest when to
come back (503 with ``Retry-After``), instead of taking everything and answering all of it
late.

The measures are bytes and requests in flight (a request's Content-Length, counted from
the moment it is admitted until its answer is sent): the time a request waits is about
the work admitted before it divided by the rate the centre works at; the work is mostly
the bytes, and each request adds a transaction and its fsyncs whatever its size (200
terminals coming back at once with one small item each are 200 transactions). A request
is admitted when the bytes in flight plus its own stay under the byte limit and fewer
requests than the request limit are in flight, and always when nothing is in flight (so
a single large batch is never refused forever). The decision
is made before a byte of the body is read (uvicorn discards an unread body and keeps the
connection).

A request that does not fit waits at the door (its body unread, so it costs nothing)
when the work ahead of it should be done within ``HOLD_S``; it is admitted in its turn.
Otherwise, or when its turn does not come in time, it is refused at once: a refused body
was uploaded for nothing, and the terminal must come back.

``Retry-After`` is an appointment: each refused request gets its own slot after the work
in flight and the work refused before it, so terminals come back one after another,
mostly once. The slots are spaced by the rate the centre works at while it has work
(bytes answered per second *busy*): the rate per second of the clock would fall while
terminals wait for their slots and push the next slots ever later. The header has whole
seconds (RFC 9110); the body says ``retry_after_s`` to the millisecond, which this
project's terminals use, so a second's worth of appointments does not arrive at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections import deque
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

ADMITTED_PATHS = ("/v1/submissions", "/v1/submissions/batch")
WINDOW_S = 20.0  # the rate is measured over the answers of the last this many seconds
FIRST_RATE = 4e6  # bytes/s assumed before the first answer
MIN_RATE = 1e6  # never space appointments wider than this rate would
MAX_WAIT_S = 300
HOLD_S = 0.5  # a request may wait this long at the door for its turn


@dataclass(frozen=True)
class Done:
    """One answered submission request, for the rate."""

    at: float
    size: int
    busy_s: float  # the centre's busy seconds counter when it was answered


class BusyClock:
    """Seconds during which at least one admitted request was in flight."""

    def __init__(self) -> None:
        self.total = 0.0
        self._since: float | None = None

    def start(self, now: float) -> None:
        if self._since is None:
            self._since = now

    def stop(self, now: float) -> None:
        if self._since is not None:
            self.total += now - self._since
            self._since = None

    def read(self, now: float) -> float:
        return self.total + (now - self._since if self._since is not None else 0.0)


@dataclass
class Waiter:
    """A request held for a moment, its body unread, until the work in flight allows it."""

    size: int
    admitted: asyncio.Future[None]


class SubmissionAdmission:
    def __init__(
        self,
        app: ASGIApp,
        max_inflight_bytes: int,
        max_inflight_requests: int = 0,
        hold_s: float = HOLD_S,
    ) -> None:
        """Either limit 0: not limited by that measure. ``hold_s``: how long a request
        may wait at the door for its turn before it is told to come back later."""
        self.app = app
        self.limit = max_inflight_bytes or 1 << 62
        self.max_requests = max_inflight_requests or 1 << 30
        self.hold_s = hold_s
        self.inflight = 0
        self.requests = 0
        self._waiting: deque[Waiter] = deque()
        self._done: deque[Done] = deque()
        self._busy = BusyClock()
        self._next_slot = 0.0  # when the work already told to wait will be done

    def rate(self, now: float) -> float:
        """Bytes answered per busy second over the last ``WINDOW_S`` seconds."""
        while self._done and self._done[0].at < now - WINDOW_S:
            self._done.popleft()
        if len(self._done) < 2:
            return FIRST_RATE
        first = self._done[0]
        busy = self._busy.read(now) - first.busy_s
        answered = sum(d.size for d in self._done) - first.size
        if busy <= 0:
            return FIRST_RATE
        return max(MIN_RATE, answered / busy)

    def _ahead(self) -> int:
        """Bytes admitted or waiting at the door."""
        return self.inflight + sum(w.size for w in self._waiting)

    def appointment(self, now: float, size: int) -> float:
        """Seconds from now until this request's slot: after the work in flight and at
        the door, and the slots already given, each as long as its bytes take."""
        rate = self.rate(now)
        self._next_slot = max(self._next_slot, now + self._ahead() / rate)
        self._next_slot += max(size, 1) / rate
        return min(MAX_WAIT_S, max(0.05, self._next_slot - now))

    def _fits(self, size: int) -> bool:
        return self.requests == 0 or (
            self.inflight + size <= self.limit and self.requests < self.max_requests
        )

    def _admit(self, size: int, now: float) -> None:
        self.inflight += size
        self.requests += 1
        self._busy.start(now)

    def _release(self, size: int) -> None:
        now = time.monotonic()
        self.inflight -= size
        self.requests -= 1
        if self.requests == 0:
            self._busy.stop(now)
        self._done.append(Done(now, size, self._busy.read(now)))
        # The next ones at the door, in their order, as far as the room allows.
        while self._waiting and self._fits(self._waiting[0].size):
            waiter = self._waiting.popleft()
            if not waiter.admitted.done():  # (done: it gave up or hung up meanwhile)
                self._admit(waiter.size, now)
                waiter.admitted.set_result(None)

    def _may_hold(self, now: float, size: int) -> bool:
        """Whether the work ahead will likely be done within the hold: then waiting at
        the door costs less than a refusal (whose body was uploaded for nothing) and a
        come-back."""
        if len(self._waiting) >= self.max_requests:
            return False
        return (self._ahead() + size) / self.rate(now) <= self.hold_s

    async def _wait_at_door(self, size: int) -> bool:
        """Hold the request (its body unread) until admitted, or ``hold_s``: admitted?"""
        waiter = Waiter(size, asyncio.get_running_loop().create_future())
        self._waiting.append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter.admitted), self.hold_s)
        except TimeoutError:
            pass
        except asyncio.CancelledError:
            if waiter.admitted.done() and not waiter.admitted.cancelled():
                self._release(size)  # admitted just as the server shut or the client left
            raise
        finally:
            if not waiter.admitted.done():
                waiter.admitted.cancel()  # gave up (or the client hung up): not admitted
                with contextlib.suppress(ValueError):
                    self._waiting.remove(waiter)
        return not waiter.admitted.cancelled()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] not in ADMITTED_PATHS
        ):
            await self.app(scope, receive, send)
            return
        size = 0
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit():
                size = int(value)
        now = time.monotonic()
        # (All of this runs on the worker's one event loop: no lock is needed.)
        if not self._waiting and self._fits(size):
            self._admit(size, now)
        elif not (self._may_hold(now, size) and await self._wait_at_door(size)):
            await self._refuse(send, self.appointment(time.monotonic(), size))
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._release(size)

    @staticmethod
    async def _refuse(send: Send, wait: float) -> None:
        whole = max(1, min(MAX_WAIT_S, math.ceil(wait)))
        body = json.dumps(
            {"detail": f"busy: come back in {wait:.1f} s", "retry_after_s": round(wait, 3)}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(whole).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
