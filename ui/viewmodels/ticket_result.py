"""Printing, and the issued number (printed, or shown large when the printer failed)."""

from __future__ import annotations

from PySide6.QtCore import Property, Signal, Slot

from kiosk.flows.ticket import TicketJourney, TicketResult
from ui.qr import qr_url
from ui.viewmodels.base import ScreenViewModel


class TicketResultViewModel(ScreenViewModel):
    changed = Signal()
    countdownChanged = Signal()

    def _result(self) -> TicketResult | None:
        journey = self._c.journey_as(TicketJourney)
        return journey.result if journey is not None else None

    def _number(self) -> str:
        r = self._result()
        return r.number if r else ""

    def _service(self) -> str:
        r = self._result()
        return self.pick(r.service_name, r.service_name_en) if r else ""

    def _people_ahead(self) -> int:
        r = self._result()
        return r.people_ahead if r else 0

    def _printed(self) -> bool:
        r = self._result()
        return bool(r and r.printed)

    def _issued_at(self) -> str:
        r = self._result()
        return r.issued_at.strftime("%H:%M") if r else ""

    def _qr(self) -> str:
        r = self._result()
        return qr_url(r.qr_payload) if r else ""

    def _follow_link(self) -> bool:
        """The QR is a link a phone can open only when the hall set a follow URL; else it
        holds the ticket's verification text, which only staff can use."""
        return bool(self._c.config.ticket.follow_url)

    number = Property(str, _number, notify=changed)
    followLink = Property(bool, _follow_link, notify=changed)
    service = Property(str, _service, notify=changed)
    peopleAhead = Property(int, _people_ahead, notify=changed)
    printed = Property(bool, _printed, notify=changed)
    issuedAt = Property(str, _issued_at, notify=changed)
    qrSource = Property(str, _qr, notify=changed)
    secondsLeft = Property(int, ScreenViewModel.seconds_left, notify=countdownChanged)

    @Slot()
    def done(self) -> None:
        self._c.finish(self.now())
