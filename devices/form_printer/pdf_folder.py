"""``pdf:///dir?keep_h=12``: each job is written as a PDF into a folder.

For the demo and for terminals without a printer. The folder holds personal data
(the forms): keep it on an encrypted volume. The driver cleans it itself: a PDF older
than ``keep_h`` hours (default 12, one working day; 0 = keep none past the next job)
is deleted when the printer starts and before each job, so a form never lies there
for days. Files are named by the job title (the form id and receipt number, never a
name).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import threading
import time
from datetime import datetime
from pathlib import Path

from devices.form_printer.protocol import JobState, PrintJob
from devices.form_printer.reasons import plain
from devices.health import EventKind, EventSink, Health, HealthState, HealthTracker
from devices.uri import DeviceUri, DeviceUriError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
DEFAULT_KEEP_H = 12.0


class PdfFolderPrinter:
    def __init__(self, uri: DeviceUri, role: str = "form_printer") -> None:
        if not uri.path:
            raise DeviceUriError(uri.raw, "give a folder, e.g. pdf:///var/lib/hall-kiosk/forms")
        self.uri = uri.raw
        self.role = role
        self.folder = Path(uri.path)
        self.keep_s = uri.float_param("keep_h", DEFAULT_KEEP_H) * 3600
        if self.keep_s < 0:
            raise DeviceUriError(uri.raw, "keep_h must be 0 or more hours")
        self._ids = itertools.count(1)
        self.last_path: Path | None = None
        self._lock = threading.Lock()
        self._health = HealthTracker(role)

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)
        if self._check():
            self.sweep()

    def sweep(self, now: float | None = None) -> int:
        """Delete PDFs (and leftover temporary files) older than ``keep_h``; how many."""
        cutoff = (time.time() if now is None else now) - self.keep_s
        removed = 0
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return 0
        for path in entries:
            if not (path.suffix == ".pdf" or path.name.endswith(".tmp")):
                continue
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue  # gone meanwhile, or not ours to delete: the next sweep tries again
        if removed:
            self._health.count("pdfs_deleted", removed)
        return removed

    def cancel(self, job_id: str) -> bool:
        """A written PDF is a finished job: nothing to withdraw."""
        return False

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
        self.sweep()
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
