"""Admission control for submissions: when terminals all come back after an outage, the
centre takes as much work at once as it can finish quickly, and tells the rest when to
come back (503 with ``Retry-After``), instead of taking everything and answering all of it
late.

The measure is bytes in flight (a request's Content-Length, counted from the moment it is
admitted until its answer is sent): the time a request waits is about the work admitted
before it divided by the rate the centre works at, and the work is the bytes. A request
is admitted when the bytes in flight plus its own stay under the limit, and always when
nothing is in flight (so a single large batch is never refused forever). The decision
is made before a byte of the body is read. ``Retry-After`` is an appointment: each refused
request gets its own slot after the work in flight and the work refused before it, at
the rate the centre has answered lately, so terminals come back one after another.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send

ADMITTED_PATHS = ("/v1/submissions", "/v1/submissions/batch")


class SubmissionAdmission:
    def __init__(self, app: ASGIApp, max_inflight_bytes: int) -> None:
        self.app = app
        self.limit = max_inflight_bytes
        self.inflight = 0
        self._lock = threading.Lock()
        self._done: deque[tuple[float, int]] = deque()  # (when, bytes) answered, last 20 s
        self._next_slot = 0.0  # when the work already told to wait will be done

    def _rate(self, now: float) -> float:
        """Bytes/s answered lately (a floor of 1 MB/s; 4 MB/s before any answer)."""
        while self._done and self._done[0][0] < now - 20:
            self._done.popleft()
        if not self._done:
            return 4e6
        span = max(5.0, now - self._done[0][0])
        return max(1e6, sum(b for _t, b in self._done) / span)

    def _appointment(self, now: float, size: int) -> int:
        """Each refused request gets its own slot after the work in flight and the work
        refused before it, so terminals come back one after another, mostly once."""
        self._next_slot = max(self._next_slot, now + self.inflight / self._rate(now))
        self._next_slot += max(size, 1) / self._rate(now)
        return max(1, min(300, math.ceil(self._next_slot - now)))

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
        with self._lock:
            admitted = self.inflight == 0 or self.inflight + size <= self.limit
            if admitted:
                self.inflight += size
            else:
                wait = self._appointment(now, size)
        if not admitted:
            body = json.dumps({"detail": f"busy: come back in {wait} s"}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", str(wait).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        try:
            await self.app(scope, receive, send)
        finally:
            with self._lock:
                self.inflight -= size
                self._done.append((time.monotonic(), size))
