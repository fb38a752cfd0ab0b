"""The finished photo, large, with Retake and OK."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Property, Signal, Slot

from kiosk.flows.photo import PhotoJourney
from ui.viewmodels.base import ScreenViewModel


class PhotoResultViewModel(ScreenViewModel):
    changed = Signal()
    countdownChanged = Signal()

    _serial = 0

    def _journey(self) -> PhotoJourney | None:
        return self._c.journey_as(PhotoJourney)

    def photo(self) -> np.ndarray | None:
        j = self._journey()
        return j.outcome.preview_bgr if j is not None and j.outcome is not None else None

    def _photo_source(self) -> str:
        j = self._journey()
        if j is None or j.outcome is None:
            return ""
        # A new URL per outcome so a retake never shows the previous face.
        return f"image://photo/{id(j.outcome)}"

    def _details(self) -> str:
        """Which photo this is, in words: sizes and file figures mean nothing here."""
        j = self._journey()
        if j is None or j.outcome is None or j.spec is None:
            return ""
        return self.pick(j.spec.name, j.spec.name_en)

    photoSource = Property(str, _photo_source, notify=changed)
    details = Property(str, _details, notify=changed)
    secondsLeft = Property(int, ScreenViewModel.seconds_left, notify=countdownChanged)

    @Slot()
    def retake(self) -> None:
        j = self._c.journey_as(PhotoJourney)
        if j is not None:
            j.retake(self.now())
        self._c.acted(self.now())

    @Slot()
    def accept(self) -> None:
        """The citizen keeps the photo: it is queued for the centre under a receipt number."""
        j = self._c.journey_as(PhotoJourney)
        if j is not None:
            j.accept(self.now())
        self._c.acted(self.now())
