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
the queue (:meth:`CupsFormPrinter.resume`, ``kiosk form resume`` or ``cupsenable``).
The form journey cancels its job when the citizen's session ends (:meth:`cancel`), so
a waiting form never prints after its owner has gone; cupsd itself keeps no job files
or history (``systemd/cupsd-hall-kiosk.conf``).

Every IPP or HTTP failure from libcups becomes a :class:`DeviceError` that names the
step and the IPP status, and health says what happened: never a traceback.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from devices.base import DeviceError
from devices.form_printer.protocol import JobState, PrintJob
from devices.form_printer.reasons import Explained, Notice, explain, plain
from devices.health import EventKind, EventSink, Health, HealthState, HealthTracker
from devices.uri import DeviceUri, DeviceUriError

# IPP job-state and printer-state values (RFC 8011 5.3.7, 5.4.11).
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED = 3, 4, 5, 6
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 7, 8, 9
PRINTER_IDLE, PRINTER_STOPPED = 3, 5
IPP_OK_MAX = 0x00FF  # statuses up to here are "successful"
IPP_NOT_FOUND, IPP_NOT_ACCEPTING = 0x0406, 0x0506
# What libcups reports when the connection to cupsd broke (it has no IPP answer then).
IPP_LOST = frozenset({0x0500, 0x0502})  # internal error, service unavailable
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

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


def document_name(title: str) -> str:
    """The IPP document-name for a job titled ``title``: letters, digits, ``._-`` only.

    cupsd 2.4.2 as Debian 12 ships it (2.4.2-3+deb12u10) crashes (SIGSEGV) on a
    document-name holding a space, right after the document is sent; libcups then
    reports "Service Unavailable" for the next request. The job title may keep its space.
    """
    return (_UNSAFE_NAME.sub("_", title).strip("._") or "form") + ".pdf"


class IppFailure(DeviceError):
    """A request to cupsd failed; ``status`` is the IPP status (or libcups' stand-in)."""

    def __init__(self, device: str, step: str, status: int, text: str) -> None:
        lost = status in IPP_LOST or status < 0
        what = "lost the connection to CUPS" if lost else "CUPS refused"
        super().__init__(device, f"{step}: {what}: {text or 'no detail'} (IPP 0x{status:04x})")
        self.step = step
        self.status = status
        self.lost = lost


@contextlib.contextmanager
def _ipp(device: str, step: str) -> Iterator[None]:
    """Turn libcups' exceptions (IPPError, HTTPError, RuntimeError) into an IppFailure."""
    cups = _cups()
    try:
        yield
    except cups.IPPError as exc:
        status, text = (*exc.args, 0x0500, "")[:2]
        raise IppFailure(device, step, int(status), str(text)) from None
    except cups.HTTPError as exc:
        status = int(exc.args[0]) if exc.args else -1
        raise IppFailure(device, step, 0x0502, f"HTTP status {status}") from None
    except RuntimeError as exc:  # pycups: "failed to connect to server" and the like
        raise IppFailure(device, step, 0x0502, str(exc)) from None


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
        except (RuntimeError, cups.IPPError, cups.HTTPError) as exc:
            self._fault_unreachable(str(exc))
            raise DeviceError(self.role, f"cannot reach CUPS: {exc}") from None

    def _fault_unreachable(self, why: str) -> None:
        self._health.count("cups_unreachable")
        self._health.set(HealthState.FAULT, f"CUPS not reachable: {why}", EventKind.OFFLINE)

    def _printer(self, conn: Any) -> dict[str, Any]:
        try:
            with _ipp(self.role, f"queue {self.queue!r} not usable"):
                attrs: dict[str, Any] = conn.getPrinterAttributes(
                    self.queue, requested_attributes=_PRINTER_ATTRS
                )
        except IppFailure as exc:
            if exc.lost:
                self._fault_unreachable(exc.reason)
            else:
                self._health.set(HealthState.FAULT, exc.reason, EventKind.OFFLINE)
            raise
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
        conn = self._connect()
        with _ipp(self.role, f"cannot resume {self.queue}"):
            conn.enablePrinter(self.queue)
            conn.acceptJobs(self.queue)
        self._health.count("resumed")
        return self.refresh()

    def _job(self, conn: Any, subscription: int | None, job_id: int) -> dict[str, Any]:
        """The job's attributes; for a job cupsd has already forgotten (no history kept),
        its final state from the subscription."""
        try:
            with _ipp(self.role, f"following job {job_id}"):
                job: dict[str, Any] = conn.getJobAttributes(job_id, requested_attributes=_JOB_ATTRS)
                return job
        except IppFailure as exc:
            if exc.status != IPP_NOT_FOUND:
                raise
        final = self._final_state(conn, subscription, job_id)
        if final is None:
            # Gone from the queue with no event to say how: with the stop-printer policy
            # a failed job stays queued, so it printed (or a technician cancelled it).
            self._health.count("jobs_unconfirmed")
            final = JOB_COMPLETED
        return {"job-state": final}

    def cancel(self, job_id: str) -> bool:
        """Cancel and purge a job that has not printed (its spool file and history go)."""
        if not job_id.isdigit():
            return False
        conn = self._connect()
        try:
            with _ipp(self.role, f"cannot cancel job {job_id}"):
                job = conn.getJobAttributes(int(job_id), requested_attributes=["job-state"])
                if int(job.get("job-state", JOB_PENDING)) == JOB_COMPLETED:
                    return False
                conn.cancelJob(int(job_id), purge_job=True)
        except IppFailure as exc:
            if exc.status == IPP_NOT_FOUND:  # already gone (purged, or history off)
                return False
            raise
        self._health.count("jobs_cancelled")
        return True

    # -- FormPrinter ----------------------------------------------------------------
    def print_pdf(self, pdf: bytes, title: str) -> PrintJob:
        """Submit, then follow the job until it completes, stops, or ``timeout_s`` passes.

        Raises DeviceError when the job could not be handed over; once it was, a lost
        connection while following it gives a STOPPED job (it may still be in the queue,
        so the caller can cancel it).
        """
        conn = self._connect()
        subscription = self._subscribe(conn)
        try:
            return self._submit_and_follow(conn, subscription, pdf, title)
        finally:
            if subscription is not None:
                ending = _ipp(self.role, "ending the job subscription")
                with contextlib.suppress(DeviceError), ending:
                    conn.cancelSubscription(subscription)

    def _subscribe(self, conn: Any) -> int | None:
        """Ask cupsd to note how our jobs end: with ``PreserveJobHistory No`` (the kiosk's
        setting) a finished job is forgotten at once, so its final state is read from
        this subscription's job-completed event instead."""
        try:
            with _ipp(self.role, "subscribing to job events"):
                return int(
                    conn.createSubscription(
                        f"ipp://localhost/printers/{self.queue}",
                        events=["job-completed"],
                        lease_duration=int(self.timeout_s) + 60,
                    )
                )
        except IppFailure as exc:
            if exc.lost:
                self._fault_unreachable(exc.reason)
                raise
            self._health.count("subscribe_failed")
            return None

    def _final_state(self, conn: Any, subscription: int | None, job_id: int) -> int | None:
        """How a job that cupsd no longer knows ended (None if no event says)."""
        if subscription is None:
            return None
        with _ipp(self.role, f"reading how job {job_id} ended"):
            notes = conn.getNotifications([subscription])
        for event in notes.get("events", []):
            if event.get("notify-job-id") == job_id and "job-state" in event:
                return int(event["job-state"])
        return None

    def _submit_and_follow(
        self, conn: Any, subscription: int | None, pdf: bytes, title: str
    ) -> PrintJob:
        try:
            with _ipp(self.role, "CUPS refused the job"):
                job_id = conn.createJob(self.queue, title, {})
            with _ipp(self.role, f"sending job {job_id}"):
                conn.startDocument(self.queue, job_id, document_name(title), "application/pdf", 1)
                conn.writeRequestData(pdf, len(pdf))
                status = conn.finishDocument(self.queue)
        except IppFailure as exc:
            self._health.count("submit_failed")
            if exc.lost:
                self._fault_unreachable(exc.reason)
            elif exc.status in (IPP_NOT_FOUND, IPP_NOT_ACCEPTING):
                with contextlib.suppress(DeviceError):  # health is set either way
                    self._judge(self._printer(conn))
            raise
        if status > IPP_OK_MAX:
            self._health.count("submit_failed")
            raise DeviceError(self.role, f"CUPS refused the document (IPP 0x{status:04x})")
        self._health.count("jobs")
        try:
            return self._follow(conn, subscription, str(job_id), int(job_id))
        except DeviceError as exc:
            self._health.count("jobs_lost")
            if isinstance(exc, IppFailure) and exc.lost:
                self._fault_unreachable(exc.reason)
            self._health.emit(EventKind.JOB_FAILED, f"job {job_id}: {exc.reason}")
            notice = plain("打印机故障", "The printer has a problem")
            return PrintJob(str(job_id), JobState.STOPPED, notice)

    def _follow(self, conn: Any, subscription: int | None, label: str, job_id: int) -> PrintJob:
        deadline = time.monotonic() + self.timeout_s
        state = JOB_PENDING
        while True:
            job = self._job(conn, subscription, job_id)
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
        return PrintJob(label, waiting, Notice("正在打印，请稍候", "Still printing, please wait"))
