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
    """Records that a form was printed and queues it for the centre, atomically.

    The outbox adapter implements this with one ``outbox.transaction()``: the print
    record and the queued submission are written together or not at all.
    """

    def record_print(self, submission: Submission, printed: PrintRecord) -> None:
        """Store both in one transaction; raise on failure (nothing is then stored)."""


class MemoryRecorder:
    """Keeps records in memory: for tests, and the CLI until the outbox is wired in."""

    def __init__(self) -> None:
        self.records: list[tuple[Submission, PrintRecord]] = []

    def record_print(self, submission: Submission, printed: PrintRecord) -> None:
        self.records.append((submission, printed))
