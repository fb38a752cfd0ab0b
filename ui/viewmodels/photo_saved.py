"""The accepted photo's receipt: the number to quote at the counter, and its QR code."""

from __future__ import annotations

from PySide6.QtCore import Property, Signal, Slot

from kiosk.flows.photo import PhotoJourney, Printed
from ui.qr import qr_url
from ui.viewmodels.base import ScreenViewModel


class PhotoSavedViewModel(ScreenViewModel):
    changed = Signal()
    countdownChanged = Signal()

    def _receipt(self) -> str:
        j = self._c.journey_as(PhotoJourney)
        return j.receipt or "" if j is not None else ""

    def _saved(self) -> bool:
        return self._receipt() != ""

    def _qr(self) -> str:
        receipt = self._receipt()
        return qr_url(receipt) if receipt else ""

    def _printed(self) -> str:
        """printed | not_printed | none (nothing to print, or no slip on this terminal)."""
        j = self._c.journey_as(PhotoJourney)
        if j is None or not self._saved():
            return "none"
        return {Printed.PRINTED: "printed", Printed.FAILED: "not_printed"}.get(j.printed, "none")

    receipt = Property(str, _receipt, notify=changed)
    printed = Property(str, _printed, notify=changed)
    saved = Property(bool, _saved, notify=changed)
    qrSource = Property(str, _qr, notify=changed)
    secondsLeft = Property(int, ScreenViewModel.seconds_left, notify=countdownChanged)

    @Slot()
    def done(self) -> None:
        self._c.finish(self.now())
