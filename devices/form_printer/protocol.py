"""What the core asks of an A4 form printer."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from devices.base import Device
from devices.form_printer.reasons import Notice


class JobState(StrEnum):
    PENDING = "pending"
    PRINTING = "printing"
    COMPLETED = "completed"
    STOPPED = "stopped"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PrintJob:
    job_id: str
    state: JobState
    notice: Notice = field(default_factory=Notice)  # plain words for the citizen when the job stops

    @property
    def message(self) -> str:
        """The notice in both languages, for records, logs and the command line."""
        return str(self.notice)

    @property
    def unfinished(self) -> bool:
        """Still in the printer's queue: it may yet print (after a resume, say)."""
        return bool(self.job_id) and self.state in (
            JobState.PENDING,
            JobState.PRINTING,
            JobState.STOPPED,
        )


class FormPrinter(Device, Protocol):
    def print_pdf(self, pdf: bytes, title: str) -> PrintJob:
        """Submit a PDF and wait (bounded) for it to finish or stop."""

    def cancel(self, job_id: str) -> bool:
        """Withdraw a job that has not printed, with its files; True if one was withdrawn.

        Called when the citizen's session ends: a form stopped by paper-out must not
        print later, into the tray, after its owner has gone.
        """
