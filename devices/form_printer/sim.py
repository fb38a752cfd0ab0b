"""A simulated A4 printer that keeps the PDFs it was given."""

from __future__ import annotations

import itertools
import threading
import time

from devices.form_printer.protocol import JobState, PrintJob
from devices.form_printer.reasons import Notice, plain
from devices.health import EventKind, EventSink, Health, HealthState, HealthTracker
from devices.uri import DeviceUri

MAX_KEPT = 20  # printed PDFs kept for tests and the tour; older ones are dropped


class SimFormPrinter:
    """``sim://?delay_ms=800``; ``jam()`` and ``paper_out()`` stop the next job.

    Like a CUPS queue, a stopped job waits in the printer and prints on ``recover()``
    unless it was cancelled first.
    """

    def __init__(self, uri: DeviceUri, role: str = "form_printer") -> None:
        self.uri = uri.raw
        self.role = role
        self.delay_s = uri.int_param("delay_ms", 800) / 1000
        self.jobs: list[tuple[str, bytes]] = []  # printed, newest last
        self.waiting: dict[str, tuple[str, bytes]] = {}  # stopped, not printed yet
        self._stop_message = Notice()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._health = HealthTracker(role)

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        pass

    def paper_out(self) -> None:
        self._stop_message = plain("缺纸", "Out of paper")
        self._health.set(HealthState.FAULT, "media-empty", EventKind.PAPER_OUT)

    def recover(self) -> None:
        """Paper back in: the waiting jobs print."""
        self._stop_message = Notice()
        with self._lock:
            waiting, self.waiting = self.waiting, {}
            for job in waiting.values():
                self._keep(job)
        self._health.set(HealthState.OK, "", EventKind.RECOVERED)

    def print_pdf(self, pdf: bytes, title: str) -> PrintJob:
        job_id = f"sim-{next(self._ids)}"
        if self._stop_message:
            with self._lock:
                self.waiting[job_id] = (title, pdf)
            self._health.count("stopped")
            return PrintJob(job_id, JobState.STOPPED, self._stop_message)
        time.sleep(self.delay_s)
        with self._lock:
            self._keep((title, pdf))
        self._health.count("pages")
        return PrintJob(job_id, JobState.COMPLETED)

    def cancel(self, job_id: str) -> bool:
        with self._lock:
            found = self.waiting.pop(job_id, None)
        if found is not None:
            self._health.count("jobs_cancelled")
        return found is not None

    def _keep(self, job: tuple[str, bytes]) -> None:
        self.jobs.append(job)
        del self.jobs[:-MAX_KEPT]
