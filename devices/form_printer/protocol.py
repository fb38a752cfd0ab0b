"""What the core asks of an A4 form printer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from devices.base import Device


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
    message: str = ""  # plain-language, shown to the citizen when the job stops


class FormPrinter(Device, Protocol):
    def print_pdf(self, pdf: bytes, title: str) -> PrintJob:
        """Submit a PDF and wait (bounded) for it to finish or stop."""
