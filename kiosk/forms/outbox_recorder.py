"""The outbox adapter for :class:`kiosk.forms.ports.SubmissionRecorder`.

One ``outbox.transaction()`` holds both the queued submission (encrypted: it is
personal data) and the row that says what happened at the printer, so a crash can
never leave a printed form that the centre will not receive, or the other way round.
"""

from __future__ import annotations

import time

from kiosk.forms.ports import PrintRecord, Submission
from offline_cache.store import Outbox

PRINTS_TABLE = "form_prints"


class OutboxRecorder:
    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    def record_print(self, submission: Submission, printed: PrintRecord) -> None:
        """Queue the form for the centre and record the print, atomically."""
        record = submission.payload()
        record.pop("photo_jpeg_b64", None)  # the photo travels as a blob, not inside JSON
        blobs = {"photo.jpg": submission.photo} if submission.photo else None
        with self._outbox.transaction() as tx:
            key = tx.submit(f"form.{submission.form_id}", record, blobs, pii=True)
            # No personal data in this plain table: receipt, form and printer facts only.
            tx.record(
                PRINTS_TABLE,
                {
                    "submission": key,
                    "receipt": submission.receipt,
                    "form_id": submission.form_id,
                    "printer": printed.printer,
                    "job_id": printed.job_id,
                    "state": printed.state,
                    "message": printed.message,
                    "printed_at": time.time(),
                },
            )
