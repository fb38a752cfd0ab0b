"""A4 printing through CUPS (pycups): ``cups://QUEUE``.

Parameters: ``server`` (a socket path such as ``/run/cups/cups.sock`` or
``host:port``; default: libcups' own choice, i.e. ``CUPS_SERVER`` or the local
daemon), ``timeout_s`` (how long :meth:`print_pdf` follows a job, default 90),
``poll_ms`` (default 200) and ``health_s`` (background state check, default 5).

The PDF is streamed to CUPS (create-job + send-document) instead of being written
to a temporary file first: the form holds personal data. The job title must not
hold any either: it shows up in ``lpstat`` and in CUPS' logs.

When the queue stops (paper out, jam, offline) the job stays in the queue; the
citizen is told in plain words, health turns to fault, and a technician resumes
the queue (:meth:`CupsFormPrinter.resume`, ``kiosk form resume`` or ``cupsenable``)
which prints the waiting job.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import replace
from typing import Any

from devices.base import DeviceError
from devices.form_printer.protocol import JobState, PrintJob
from devices.form_printer.reasons import Explained, explain, plain
from devices.health import EventKind, EventSink, Health, HealthState, HealthTracker
from devices.uri import DeviceUri, DeviceUriError

# IPP job-state and printer-state values (RFC 8011 5.3.7, 5.4.11).
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED = 3, 4, 5, 6
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 7, 8, 9
PRINTER_IDLE, PRINTER_STOPPED = 3, 5
IPP_OK_MAX = 0x00FF  # statuses up to here are "successful"

_JOB_ATTRS = ["job-state", "job-state-reasons", "job-printer-state-message"]
_PRINTER_ATTRS = [
    "printer-state",
    "printer-state-reasons",
    "printer-state-message",
    "printer-is-accepting-jobs",
]


def _cups() -> Any:
    import cups  # imported late: a terminal with only pdf:// needs no libcups

    return cups


class CupsFormPrinter:
    def __init__(self, uri: DeviceUri, role: str = "form_printer") -> None:
        self.uri = uri.raw
        self.role = role
        self.queue = uri.host or uri.path.strip("/")
        if not self.queue:
            raise DeviceUriError(uri.raw, "give the CUPS queue name, e.g. cups://HallA4")
        server = uri.params.get("server")
        self._host: str | None = None
        self._port: int | None = None
        if server:
            if server.startswith("/"):
                self._host = server
            else:
                host, _, port = server.rpartition(":")
                self._host, self._port = (host, int(port)) if port.isdigit() else (server, None)
        self.timeout_s = uri.float_param("timeout_s", 90.0)
        self.poll_s = uri.int_param("poll_ms", 200) / 1000
        self.health_s = uri.float_param("health_s", 5.0)
        self._health = HealthTracker(role)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- Device ------------------------------------------------------------------
    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name=f"{self.role}-cups", daemon=True)
        self._thread.start()

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.health_s + 2)
            self._thread = None

    def _watch(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(DeviceError):  # refresh() has already set health
                self.refresh()
            self._stop.wait(self.health_s)

    # -- CUPS ----------------------------------------------------------------------
    def _connect(self) -> Any:
        """A fresh connection per call: pycups connections are not thread-safe."""
        cups = _cups()
        try:
            if self._host is None:
                return cups.Connection()
            if self._port is None:
                return cups.Connection(host=self._host)
            return cups.Connection(host=self._host, port=self._port)
        except RuntimeError as exc:
            self._fault_unreachable(str(exc))
            raise DeviceError(self.role, f"cannot reach CUPS: {exc}") from None

    def _fault_unreachable(self, why: str) -> None:
        self._health.count("cups_unreachable")
        self._health.set(HealthState.FAULT, f"CUPS not reachable: {why}", EventKind.OFFLINE)

    def _printer(self, conn: Any) -> dict[str, Any]:
        cups = _cups()
        try:
            attrs: dict[str, Any] = conn.getPrinterAttributes(
                self.queue, requested_attributes=_PRINTER_ATTRS
            )
        except cups.IPPError as exc:
            status, text = exc.args
            reason = f"queue {self.queue!r} not usable: {text} (IPP 0x{status:04x})"
            self._health.set(HealthState.FAULT, reason, EventKind.OFFLINE)
            raise DeviceError(self.role, reason) from None
        return attrs

    @staticmethod
    def _reasons(attrs: dict[str, Any], key: str) -> list[str]:
        value = attrs.get(key, [])
        return [value] if isinstance(value, str) else list(value)

    def _judge(self, printer: dict[str, Any]) -> Explained | None:
        state = printer.get("printer-state")
        found = explain(self._reasons(printer, "printer-state-reasons"), state == PRINTER_STOPPED)
        if found is None and not printer.get("printer-is-accepting-jobs", True):
            found = explain(["paused"], stopped=True)
        if found is not None and found.state is HealthState.FAULT and state == PRINTER_IDLE:
            # An idle, running queue still shows what the last job's backend reported
            # until the next job clears it: after a resume that is stale, not a fault.
            found = replace(found, state=HealthState.DEGRADED, event=None)
        if found is None:
            self._health.set(HealthState.OK, "", EventKind.RECOVERED)
        else:
            # Technicians read the CUPS keyword; the citizen reads the message.
            self._health.set(found.state, f"{self.queue}: {found.keyword}", found.event)
        return found

    def refresh(self) -> Health:
        """Ask CUPS for the queue's state now (the watcher does this every ``health_s``)."""
        self._judge(self._printer(self._connect()))
        return self._health.snapshot()

    def resume(self) -> Health:
        """Technician: restart a stopped queue; jobs waiting in it then print."""
        cups = _cups()
        conn = self._connect()
        try:
            conn.enablePrinter(self.queue)
            conn.acceptJobs(self.queue)
        except cups.IPPError as exc:
            raise DeviceError(self.role, f"cannot resume {self.queue}: {exc.args[1]}") from None
        self._health.count("resumed")
        return self.refresh()

    # -- FormPrinter ----------------------------------------------------------------
    def print_pdf(self, pdf: bytes, title: str) -> PrintJob:
        """Submit, then follow the job until it completes, stops, or ``timeout_s`` passes."""
        cups = _cups()
        conn = self._connect()
        try:
            job_id = conn.createJob(self.queue, title, {})
            conn.startDocument(self.queue, job_id, title, "application/pdf", 1)
            conn.writeRequestData(pdf, len(pdf))
            status = conn.finishDocument(self.queue)
        except cups.IPPError as exc:
            status_code, text = exc.args
            self._health.count("submit_failed")
            if status_code in (0x0406, 0x0506):  # not-found / not-accepting-jobs
                self._judge(self._printer(conn))
            raise DeviceError(self.role, f"CUPS refused the job: {text}") from None
        if status > IPP_OK_MAX:
            self._health.count("submit_failed")
            raise DeviceError(self.role, f"CUPS refused the document (IPP 0x{status:04x})")
        self._health.count("jobs")
        return self._follow(conn, str(job_id), int(job_id))

    def _follow(self, conn: Any, label: str, job_id: int) -> PrintJob:
        deadline = time.monotonic() + self.timeout_s
        state = JOB_PENDING
        while True:
            job = conn.getJobAttributes(job_id, requested_attributes=_JOB_ATTRS)
            state = int(job.get("job-state", JOB_PENDING))
            if state == JOB_COMPLETED:
                self._health.count("pages")
                self._judge(self._printer(conn))
                return PrintJob(label, JobState.COMPLETED)
            if state in (JOB_CANCELED, JOB_ABORTED):
                self._health.count("jobs_failed")
                self._health.emit(EventKind.JOB_FAILED, f"job {label} {state}")
                message = plain("打印未完成", "The form was not printed")
                return PrintJob(label, JobState.CANCELLED, message)
            found = self._judge(self._printer(conn))
            job_reasons = self._reasons(job, "job-state-reasons")
            if found is not None and found.state is HealthState.FAULT:
                self._health.count("jobs_stopped")
                return PrintJob(label, JobState.STOPPED, found.message)
            if state == JOB_STOPPED or "printer-stopped" in job_reasons:
                self._health.count("jobs_stopped")
                return PrintJob(
                    label, JobState.STOPPED, plain("打印机已暂停", "The printer is paused")
                )
            if time.monotonic() >= deadline:
                break
            time.sleep(self.poll_s)
        # Still going: report where it is; the job carries on without us.
        waiting = JobState.PRINTING if state == JOB_PROCESSING else JobState.PENDING
        return PrintJob(label, waiting, "正在打印，请稍候 / Still printing, please wait")
