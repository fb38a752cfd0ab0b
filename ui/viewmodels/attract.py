"""The attract screen: tap to start, language, large text."""

from __future__ import annotations

from PySide6.QtCore import Property, Signal, Slot

from ui.viewmodels.base import ScreenViewModel


class AttractViewModel(ScreenViewModel):
    changed = Signal()

    def _large_text(self) -> bool:
        return self._c.large_text

    largeText = Property(bool, _large_text, notify=changed)

    @Slot()
    def start(self) -> None:
        self._c.start(self.now())

    @Slot()
    def technician(self) -> None:
        """A long press on the hall name: the technician's PIN pad."""
        self._c.open_journey("diagnostics", self.now())

    @Slot(str)
    def setLanguage(self, language: str) -> None:
        self._c.set_language(language, self.now())

    @Slot()
    def toggleLargeText(self) -> None:
        self._c.set_large_text(not self._c.large_text, self.now())
