"""``pdf:///dir``: each job is written as a PDF into a folder.

For the demo and for terminals without a printer. The folder holds personal data
(the forms): keep it on an encrypted volume and clean it (systemd-tmpfiles).
Files are named by the job title (the form id and receipt number, never a name).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import threading
from datetime import datetime
from pathlib import Path

from devices.form_printer.protocol import JobState, PrintJob
from devices.form_printer.reasons import plain
from devices.health import EventKind, EventSink, Health, HealthState, HealthTracker
from devices.uri import DeviceUri, DeviceUriError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class PdfFolderPrinter:
    def __init__(self, uri: DeviceUri, role: str = "form_printer") -> None:
        if not uri.path:
            raise DeviceUriError(uri.raw, "give a folder, e.g. pdf:///var/lib/hall-kiosk/forms")
        self.uri = uri.raw
        self.role = role
        self.folder = Path(uri.path)
        self._ids = itertools.count(1)
        self.last_path: Path | None = None
        self._lock = threading.Lock()
        self._health = HealthTracker(role)

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)
        self._check()

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        pass

    def _check(self) -> bool:
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            ok = os.access(self.folder, os.W_OK)
        except OSError:
            ok = False
        if ok:
            self._health.set(HealthState.OK, "", EventKind.RECOVERED)
        else:
            self._health.set(HealthState.FAULT, f"{self.folder} not writable", EventKind.OFFLINE)
        return ok

    def print_pdf(self, pdf: bytes, title: str) -> PrintJob:
        """Write ``<title>.pdf`` (or a timestamped name) atomically; returns at once."""
        with self._lock:
            job_id = f"{datetime.now():%Y%m%d-%H%M%S}-{next(self._ids)}"
        stem = _UNSAFE.sub("_", title).strip("._") or job_id
        target = self.folder / f"{stem}.pdf"
        temp = self.folder / f".{stem}.{job_id}.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(pdf)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
            self._health.count("jobs_failed")
            self._health.set(
                HealthState.FAULT, f"cannot write {target}: {exc.strerror}", EventKind.JOB_FAILED
            )
            return PrintJob(
                job_id, JobState.STOPPED, plain("表格无法保存", "The form could not be saved")
            )
        self._health.count("pages")
        self._health.set(HealthState.OK, "", EventKind.RECOVERED)
        self.last_path = target
        return PrintJob(job_id, JobState.COMPLETED)
