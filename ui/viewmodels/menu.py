"""The service menu: only journeys this terminal has."""

from __future__ import annotations

from PySide6.QtCore import Property, Signal, Slot

from ui.linebreak import keep_phrases
from ui.viewmodels.base import ScreenViewModel


class MenuViewModel(ScreenViewModel):
    changed = Signal()

    def _entries(self) -> list[dict[str, str]]:
        return [
            {
                "id": e.name,
                "title": keep_phrases(self.pick(e.title_zh, e.title_en)),
                "subtitle": keep_phrases(self.pick(e.subtitle_zh, e.subtitle_en)),
                "icon": e.icon,
            }
            for e in self._c.journeys()
        ]

    entries = Property("QVariantList", _entries, notify=changed)

    @Slot(str)
    def open(self, name: str) -> None:
        self._c.open_journey(name, self.now())
