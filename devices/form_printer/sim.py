"""A simulated A4 printer that keeps the PDFs it was given."""

from __future__ import annotations

import itertools
import time

from devices.form_printer.protocol import JobState, PrintJob
from devices.health import EventKind, EventSink, Health, HealthState, HealthTracker
from devices.uri import DeviceUri


class SimFormPrinter:
    """``sim://?delay_ms=800``; ``jam()`` and ``paper_out()`` stop the next job."""

    def __init__(self, uri: DeviceUri, role: str = "form_printer") -> None:
        self.uri = uri.raw
        self.role = role
        self.delay_s = uri.int_param("delay_ms", 800) / 1000
        self.jobs: list[tuple[str, bytes]] = []
        self._stop_message = ""
        self._ids = itertools.count(1)
        self._health = HealthTracker(role)

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        pass

    def paper_out(self) -> None:
        self._stop_message = "缺纸，请联系工作人员 / Out of paper, please ask staff"
        self._health.set(HealthState.FAULT, "media-empty", EventKind.PAPER_OUT)

    def recover(self) -> None:
        self._stop_message = ""
        self._health.set(HealthState.OK, "", EventKind.RECOVERED)

    def print_pdf(self, pdf: bytes, title: str) -> PrintJob:
        job_id = f"sim-{next(self._ids)}"
        if self._stop_message:
            self._health.count("stopped")
            return PrintJob(job_id, JobState.STOPPED, self._stop_message)
        time.sleep(self.delay_s)
        self.jobs.append((title, pdf))
        self._health.count("pages")
        return PrintJob(job_id, JobState.COMPLETED)
