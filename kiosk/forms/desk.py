"""The forms desk: render a filled form, print it, record the print and queue it.

Used by ``kiosk form print`` and by the form journey; the printer, renderer and
recorder are handed in, so tests and the CLI can pick real or simulated ones.
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


@dataclass(frozen=True)
class PrintOutcome:
    """What the citizen is told: the receipt always, and whether the paper came out."""

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

    def stamp(self, filled: FilledForm) -> FilledForm:
        """Give the form its receipt number and time (once)."""
        if not filled.receipt:
            filled.created_at = self._now()
            filled.receipt = new_receipt(self.header.terminal_id, filled.created_at)
        return filled

    def render(self, filled: FilledForm) -> bytes:
        return self.renderer.render_pdf(self.stamp(filled), self.header)

    def print(self, filled: FilledForm) -> PrintOutcome:
        """Render and print; a printer fault never loses the form: it is recorded and
        queued for the centre either way, and the citizen keeps the receipt number."""
        pdf = self.render(filled)
        # The job title shows up in lpstat and CUPS logs: no personal data in it.
        title = f"{filled.form.id} {filled.receipt}"
        try:
            job = self.printer.print_pdf(pdf, title)
        except DeviceError as exc:
            log.warning("form printer failed: %s", exc.reason)
            job = PrintJob("", JobState.STOPPED, plain("打印机故障", "The printer has a problem"))
        self.recorder.record_print(
            Submission.of(filled, self.header.terminal_id), PrintRecord.of(self.printer.uri, job)
        )
        log.info("form %s receipt %s: %s", filled.form.id, filled.receipt, job.state.value)
        return PrintOutcome(filled.receipt, job, self.printer.uri)
