"""The identity check's evidence into the outbox, with its receipt, in one transaction.

The record is personal data (a face, a document number hash): it is sealed by the
outbox (AES-GCM under the terminal key) before it touches the disk. The plain
``identity_receipts`` row holds only the receipt, the decision and the time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kiosk import __version__
from kiosk.flows.identity import CheckRecord, EvidenceDelivery
from kiosk.forms.receipt import new_receipt
from kiosk.identity.evidence import TerminalSigner, b64, seal_record, wording_digest
from offline_cache.store import Outbox
from offline_cache.wire import EVIDENCE_KIND

RECEIPTS_TABLE = "identity_receipts"


def evidence_record(check: CheckRecord, receipt: str, terminal_id: str) -> dict[str, Any]:
    """The wire record (:class:`offline_cache.wire.IdentityEvidence`), unsigned."""
    ref = check.reference
    consent = dict(check.consent)
    wording = str(consent.pop("wording", ""))
    best = check.best_frame
    return {
        "version": 1,
        "check_id": check.check_id,
        "receipt": receipt,
        "terminal_id": terminal_id,
        "software_version": __version__,
        "issued_at": check.issued_at,
        "completed_at": check.completed_at,
        "document": {
            "type": ref.document_type,
            "number_hash": ref.number_hash,
            "reference_source": ref.source,
            "reference_jpeg_b64": b64(ref.jpeg) if ref.jpeg else None,
        },
        "consent": {**consent, "wording_sha256": wording_digest(wording)},
        "tries": check.tries,
        "best_frame": (
            {
                "jpeg_b64": b64(best[0]),
                "eye_px": round(best[1], 1),
                "width": best[2],
                "height": best[3],
            }
            if best
            else None
        ),
        "model": {"id": check.model_id, "sha256": check.model_sha256},
        "match": {
            "threshold": check.threshold,
            "score": round(check.match.score, 4) if check.match else None,
            "same_person": check.match.same_person if check.match else None,
        },
        "decision": check.outcome.value,
        "decision_reason": check.reason,
    }


def outbox_delivery(
    outbox: Outbox,
    terminal_id: str,
    now: Callable[[], datetime],
    signer: Callable[[], TerminalSigner | None],
) -> EvidenceDelivery:
    """Signs each check's record and queues it with its receipt, atomically."""

    def deliver(check: CheckRecord) -> str:
        receipt = new_receipt(terminal_id, now())
        sealed = seal_record(evidence_record(check, receipt, terminal_id), signer())
        with outbox.transaction() as tx:
            key = tx.submit(EVIDENCE_KIND, sealed, None, pii=True)
            tx.record(
                RECEIPTS_TABLE,
                {
                    "submission": key,
                    "receipt": receipt,
                    "decision": check.outcome.value,
                    "recorded_at": time.time(),
                },
            )
        return receipt

    return deliver
