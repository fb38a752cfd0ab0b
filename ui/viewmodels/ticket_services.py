"""Choosing the service category for a queue ticket."""

from __future__ import annotations

from PySide6.QtCore import Property, Signal, Slot

from kiosk.flows.ticket import TicketJourney
from ui.viewmodels.base import ScreenViewModel


class TicketServicesViewModel(ScreenViewModel):
    changed = Signal()

    def _services(self) -> list[dict[str, str]]:
        return [
            {
                "code": s.code,
                "name": self.pick(s.name, s.name_en),
                "other": self.pick(s.name_en, s.name),
                "prefix": s.prefix,
            }
            for s in self._c.config.services
        ]

    services = Property("QVariantList", _services, notify=changed)

    @Slot(str)
    def choose(self, code: str) -> None:
        journey = self._c.journey_as(TicketJourney)
        if journey is None:
            return  # a late tap after the journey ended
        self._c.config.service(code)  # refuse unknown codes before anything is issued
        journey.choose(code, self.now())
        self._c.acted(self.now())

    @Slot()
    def back(self) -> None:
        self._c.back(self.now())
