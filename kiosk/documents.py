"""Reading the citizen's identity document into their session, off the UI thread.

Journeys that start from a document (forms, identity checks) use one
``DocumentReading`` per attempt: begin it when the card is placed (the reader's
``card_inserted`` event), poll it from ``tick``. The record goes into the session
under ``SESSION_KEY`` and is wiped with it; nothing is logged but the card type.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from devices.base import DeviceError
from devices.idcard.protocol import DocumentAccess, IdCardReader
from devices.idcard.record import IdDocument
from kiosk.session import Session

log = logging.getLogger(__name__)

SESSION_KEY = "id_document"


@dataclass(frozen=True)
class ReadOutcome:
    ok: bool
    reason: str = ""  # for the technician's log and health; never personal data


class DocumentReading:
    def __init__(
        self,
        reader: IdCardReader,
        pool: ThreadPoolExecutor,
        session: Session,
        access: DocumentAccess | None = None,
        timeout_s: float = 8.0,
    ) -> None:
        self._session = session
        self._future: Future[IdDocument] = pool.submit(reader.read, timeout_s, access)
        self.outcome: ReadOutcome | None = None

    def poll(self) -> ReadOutcome | None:
        """None while the reader works; then the outcome (once stored in the session)."""
        if self.outcome is not None or not self._future.done():
            return self.outcome
        try:
            document = self._future.result()
        except DeviceError as exc:
            self.outcome = ReadOutcome(False, exc.reason)
            log.info("document read failed: %s", exc.reason)
            return self.outcome
        if self._session.ended is not None:  # the citizen left while the card was read
            document.wipe()
            self.outcome = ReadOutcome(False, "session ended")
            return self.outcome
        self._session.put(SESSION_KEY, document)
        self.outcome = ReadOutcome(True)
        log.info("document read: %s", document.card_type.value)
        return self.outcome

    def cancel(self) -> None:
        self._future.cancel()


def document_in(session: Session) -> IdDocument | None:
    doc = session.get(SESSION_KEY)
    return doc if isinstance(doc, IdDocument) else None
