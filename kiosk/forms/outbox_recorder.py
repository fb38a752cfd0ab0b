"""The outbox adapter for :class:`kiosk.forms.ports.SubmissionRecorder`.

One ``outbox.transaction()`` holds both the queued submission (encrypted: it is
personal data) and the receipt's row, written before the form is printed: a receipt
the citizen holds always names a form the centre will receive. What the printer did
is noted in that row afterwards.
"""

from __future__ import annotations

import time

from kiosk.forms.ports import PrintRecord, Submission
from offline_cache.store import Outbox

PRINTS_TABLE = "form_prints"
#: What one form takes in the outbox: the answers (a few KB) and a booth photo (~50-150 KB).
FORM_BYTES = 256 * 1024
QUEUED = "queued"  # the row's state until the printer answers


class OutboxRecorder:
    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    def refusal(self) -> str:
        admission = self._outbox.can_accept(FORM_BYTES, pii=True)
        return "" if admission.ok else admission.reason

    def record_submission(self, submission: Submission, printer: str) -> None:
        """Queue the form for the centre and its receipt row, atomically."""
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
                    "printer": printer,
                    "job_id": "",
                    "state": QUEUED,
                    "message": "",
                    # The same columns as before printing came after queueing (terminals
                    # keep their table); "printed_at" is updated when the printer answers.
                    "printed_at": time.time(),
                },
            )

    def record_print(self, receipt: str, printed: PrintRecord) -> None:
        """Note the printer's answer in the receipt's row (its own small transaction)."""
        with self._outbox.transaction() as tx:
            tx.execute(
                f"UPDATE {PRINTS_TABLE} SET printer = ?, job_id = ?, state = ?, message = ?,"
                " printed_at = ? WHERE receipt = ?",
                (
                    printed.printer,
                    printed.job_id,
                    printed.state,
                    printed.message,
                    time.time(),
                    receipt,
                ),
            )
