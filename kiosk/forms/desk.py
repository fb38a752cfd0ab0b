"""The forms desk: render a filled form, queue it for the centre, then print it.

Used by ``kiosk form print`` and by the form journey; the printer, renderer and
recorder are handed in, so tests and the CLI can pick real or simulated ones.

The order is the promise the citizen is given: the form is queued (with its receipt,
in one transaction) before a page is printed. A form that could not be queued is not
printed either, and the citizen is told so (:class:`FormNotQueued`); a printer fault
after queueing still leaves the citizen with a receipt the centre will know.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from devices.base import DeviceError
from devices.form_printer.protocol import FormPrinter, JobState, PrintJob
from devices.form_printer.reasons import plain
from kiosk.forms.filled import FilledForm
from kiosk.forms.ports import (
    FormRenderer,
    PageHeader,
    PrintRecord,
    Submission,
    SubmissionRecorder,
)
from kiosk.forms.receipt import new_receipt

log = logging.getLogger(__name__)


class FormNotQueued(Exception):
    """Nothing was queued and nothing printed; ``reason`` is for technicians and the log
    (no personal data: it comes from the renderer or the outbox, never from the form)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PrintOutcome:
    """What the citizen is told: the receipt (the form is queued), and whether the paper
    came out."""

    receipt: str
    job: PrintJob
    printer: str

    @property
    def printed(self) -> bool:
        return self.job.state is JobState.COMPLETED

    def as_json(self) -> dict[str, object]:
        return {
            "receipt": self.receipt,
            "job_id": self.job.job_id,
            "state": self.job.state.value,
            "message": self.job.message,
            "printer": self.printer,
        }


class FormDesk:
    def __init__(
        self,
        renderer: FormRenderer,
        printer: FormPrinter,
        recorder: SubmissionRecorder,
        header: PageHeader,
        now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        self.renderer = renderer
        self.printer = printer
        self.recorder = recorder
        self.header = header
        self._now = now

    def refusal(self) -> str:
        """Why a form cannot be taken now ("" when it can): the journey asks first."""
        try:
            return self.recorder.refusal()
        except Exception as exc:  # an unreadable outbox is a reason too, never a crash
            log.warning("form admission check failed: %s", type(exc).__name__)
            return f"cannot check the outbox: {type(exc).__name__}"

    def stamp(self, filled: FilledForm) -> FilledForm:
        """Give the form its receipt number and time (once)."""
        if not filled.receipt:
            filled.created_at = self._now()
            filled.receipt = new_receipt(self.header.terminal_id, filled.created_at)
        return filled

    def render(self, filled: FilledForm) -> bytes:
        return self.renderer.render_pdf(self.stamp(filled), self.header)

    def print(self, filled: FilledForm) -> PrintOutcome:
        """Render, queue (with the receipt), then print. Raises FormNotQueued when the
        form could not be rendered or queued: then nothing was printed either."""
        try:
            pdf = self.render(filled)
        except Exception as exc:
            log.exception("form %s could not be rendered", filled.form.id)
            raise FormNotQueued(f"render failed: {type(exc).__name__}") from None
        submission = Submission.of(filled, self.header.terminal_id)
        try:
            self.recorder.record_submission(submission, self.printer.uri)
        except Exception as exc:
            # The outbox's own messages name the cause (full, disk error) without data.
            reason = f"{type(exc).__name__}: {exc}"
            log.warning("form %s receipt %s not queued: %s", filled.form.id, filled.receipt, reason)
            raise FormNotQueued(reason) from None
        finally:
            submission.wipe()  # the outbox has sealed its copy (or has none)
        # The job title shows up in lpstat and CUPS logs: no personal data in it.
        title = f"{filled.form.id} {filled.receipt}"
        try:
            job = self.printer.print_pdf(pdf, title)
        except DeviceError as exc:
            log.warning("form printer failed: %s", exc.reason)
            job = PrintJob("", JobState.STOPPED, plain("打印机故障", "The printer has a problem"))
        try:
            self.recorder.record_print(filled.receipt, PrintRecord.of(self.printer.uri, job))
        except Exception as exc:  # the form is queued: a lost print note is for technicians
            log.warning("print of %s not noted: %s", filled.receipt, type(exc).__name__)
        log.info("form %s receipt %s: %s", filled.form.id, filled.receipt, job.state.value)
        return PrintOutcome(filled.receipt, job, self.printer.uri)

    def cancel_unprinted(self, outcome: PrintOutcome) -> bool:
        """Withdraw a job that has not printed (the citizen's session ended)."""
        if not outcome.job.unfinished:
            return False
        try:
            cancelled = self.printer.cancel(outcome.job.job_id)
        except DeviceError as exc:
            log.warning(
                "job %s of %s not cancelled: %s", outcome.job.job_id, outcome.receipt, exc.reason
            )
            return False
        if cancelled:
            log.info(
                "job %s of %s cancelled: its session ended", outcome.job.job_id, outcome.receipt
            )
            cancelled_job = PrintJob(outcome.job.job_id, JobState.CANCELLED, outcome.job.notice)
            try:
                self.recorder.record_print(
                    outcome.receipt, PrintRecord.of(outcome.printer, cancelled_job)
                )
            except Exception as exc:
                log.warning("cancel of %s not noted: %s", outcome.receipt, type(exc).__name__)
        return cancelled
