"""The service menu: only journeys this terminal has."""

from __future__ import annotations

from PySide6.QtCore import Property, Signal, Slot

from ui.viewmodels.base import ScreenViewModel


class MenuViewModel(ScreenViewModel):
    changed = Signal()

    def _entries(self) -> list[dict[str, str]]:
        return [
            {
                "id": e.name,
                "title": self.pick(e.title_zh, e.title_en),
                "subtitle": self.pick(e.subtitle_zh, e.subtitle_en),
                "icon": e.icon,
            }
            for e in self._c.journeys()
        ]

    def _unavailable(self) -> str:
        """Journeys this terminal has but cannot run now, e.g. "证件照、填表打印"."""
        titles = [self.pick(e.title_zh, e.title_en) for e in self._c.unavailable_journeys()]
        return self.pick("、", ", ").join(titles)

    entries = Property("QVariantList", _entries, notify=changed)
    unavailable = Property(str, _unavailable, notify=changed)

    @Slot(str)
    def open(self, name: str) -> None:
        self._c.open_journey(name, self.now())
