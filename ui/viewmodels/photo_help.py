"""After three tries without a compliant photo: staff are called, or try once more."""

from __future__ import annotations

from PySide6.QtCore import Property, Signal, Slot

from kiosk.flows.photo import PhotoJourney
from ui.viewmodels.base import ScreenViewModel


class PhotoHelpViewModel(ScreenViewModel):
    changed = Signal()

    def _tries(self) -> int:
        j = self._c.journey_as(PhotoJourney)
        return j.failures if j is not None else 0

    tries = Property(int, _tries, notify=changed)

    @Slot()
    def retake(self) -> None:
        j = self._c.journey_as(PhotoJourney)
        if j is not None:
            j.retake(self.now())
        self._c.acted(self.now())

    @Slot()
    def done(self) -> None:
        self._c.cancel(self.now())
