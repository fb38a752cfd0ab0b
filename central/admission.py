"""Admission control for submissions: when terminals all come back after an outage, the
centre takes as much work at once as it can finish quickly, and tells the rest when to
come back (503 with ``Retry-After``), instead of taking everything and answering all of it
late.

The measure is bytes in flight (a request's Content-Length, counted from the moment it is
admitted until its answer is sent): the time a request waits is about the work admitted
before it divided by the rate the centre works at, and the work is the bytes. A request
is admitted when the bytes in flight plus its own stay under the limit, and always when
nothing is in flight (so a single large batch is never refused forever). The decision
is made before a byte of the body is read. ``Retry-After`` spreads the refused terminals
over the time the centre needs for the work it has seen refused recently, with jitter,
so they do not come back together.
"""

from __future__ import annotations

import json
import random
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
        self._refused: deque[tuple[float, int]] = deque()  # (when, bytes) in the last 30 s
        self._rate = 20e6  # bytes/s the centre works at; learnt from admitted requests
        self._rng = random.Random()

    def _retry_after(self, now: float) -> int:
        while self._refused and self._refused[0][0] < now - 30:
            self._refused.popleft()
        waiting = sum(b for _t, b in self._refused)
        # Spread the returns over the time the waiting work needs, with jitter.
        spread = max(1.0, (waiting + self.inflight) / self._rate)
        return max(1, min(120, round(self._rng.uniform(0.25, 1.0) * spread)))

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
                self._refused.append((now, size))
                wait = self._retry_after(now)
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
            spent = time.monotonic() - now
            with self._lock:
                self.inflight -= size
                if size > 100_000 and spent > 0:
                    # The work rate seen by one request, shared with the others in flight.
                    seen = (size + self.inflight) / spent
                    self._rate = 0.8 * self._rate + 0.2 * seen
