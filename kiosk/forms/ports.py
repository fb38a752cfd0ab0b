"""The two seams the forms core talks through: a renderer (Qt, in ui/) and a recorder
(the outbox). Both are small Protocols so the core imports neither Qt nor SQLite."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Protocol

from devices.form_printer.protocol import PrintJob
from kiosk.forms.filled import FilledForm

RENDERER_GROUP = "hall_kiosk.renderers"


@dataclass(frozen=True)
class PageHeader:
    """What the hall prints at the top of every page."""

    hall_name: str
    hall_name_en: str
    terminal_id: str


class FormRenderer(Protocol):
    def render_pdf(self, filled: FilledForm, header: PageHeader) -> bytes:
        """An A4 PDF of the filled form (header, fields, photo, receipt QR, page numbers)."""


class RendererUnavailable(Exception):
    """No renderer of that name is installed (the package was not installed with pip -e .)."""


def load_renderer(name: str = "qt") -> FormRenderer:
    """The renderer registered under the ``hall_kiosk.renderers`` entry point ``name``."""
    for ep in entry_points(group=RENDERER_GROUP):
        if ep.name == name:
            renderer: FormRenderer = ep.load()()
            return renderer
    raise RendererUnavailable(f"no {name!r} form renderer installed (pip install -e .)")


@dataclass(frozen=True)
class PrintRecord:
    """What happened at the printer, stored next to the submission."""

    printer: str  # the printer URI
    job_id: str
    state: str
    message: str

    @classmethod
    def of(cls, printer: str, job: PrintJob) -> PrintRecord:
        return cls(printer, job.job_id, job.state.value, job.message)


@dataclass(repr=False)
class Submission:
    """One form for the centre. Personal data: the outbox encrypts it at rest."""

    receipt: str
    form_id: str
    form_version: int
    terminal_id: str
    created_at: str  # ISO 8601 with offset
    values: dict[str, str]
    card_fields: list[str]
    photo: bytes = b""

    def __repr__(self) -> str:
        return f"Submission(receipt={self.receipt}, form={self.form_id}, <answers hidden>)"

    @classmethod
    def of(cls, filled: FilledForm, terminal_id: str) -> Submission:
        return cls(
            receipt=filled.receipt,
            form_id=filled.form.id,
            form_version=filled.form.version,
            terminal_id=terminal_id,
            created_at=filled.created_at.isoformat(),
            values=dict(filled.values),
            card_fields=sorted(filled.card_fields),
            photo=filled.photo,
        )

    def payload(self) -> dict[str, object]:
        """JSON-ready body for the wire (the photo as base64)."""
        return {
            "receipt": self.receipt,
            "form_id": self.form_id,
            "form_version": self.form_version,
            "terminal_id": self.terminal_id,
            "created_at": self.created_at,
            "values": dict(self.values),
            "card_fields": list(self.card_fields),
            "photo_jpeg_b64": base64.b64encode(self.photo).decode() if self.photo else None,
        }

    def wipe(self) -> None:
        self.values.clear()
        self.photo = b""


class SubmissionRecorder(Protocol):
    """Queues a form for the centre with its receipt, then notes what the printer did.

    The outbox adapter writes the queued submission and the receipt's row in one
    ``outbox.transaction()``: both are on disk, or neither is, before anything prints.
    """

    def refusal(self) -> str:
        """Why a new form could not be queued now ("" when it can): asked before the
        citizen starts, so nobody fills in a form that cannot be kept."""

    def record_submission(self, submission: Submission, printer: str) -> None:
        """Queue the form and its receipt in one transaction; raise on failure (nothing
        is then stored)."""

    def record_print(self, receipt: str, printed: PrintRecord) -> None:
        """What the printer did with the form queued under ``receipt``."""


class MemoryRecorder:
    """Keeps records in memory: for tests, and the CLI's test prints."""

    def __init__(self) -> None:
        self.submissions: list[Submission] = []
        self.prints: dict[str, PrintRecord] = {}
        self.full = ""  # set to a reason to refuse new forms, as a full outbox would

    def refusal(self) -> str:
        return self.full

    def record_submission(self, submission: Submission, printer: str) -> None:
        if self.full:
            raise RecordingFailed(self.full)
        self.submissions.append(submission)

    def record_print(self, receipt: str, printed: PrintRecord) -> None:
        self.prints[receipt] = printed


class RecordingFailed(Exception):
    """The form could not be queued; the message is safe to show technicians and log."""
