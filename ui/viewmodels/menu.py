"""The service menu: only journeys this terminal has."""

from __future__ import annotations

from PySide6.QtCore import Property, Signal, Slot

from ui.viewmodels.base import ScreenViewModel

# (zh title, en title, zh subtitle, en subtitle, icon glyph)
_ENTRIES = {
    "ticket": (
        "取号排队",
        "Take a queue number",
        "选择业务，打印排队号",
        "Pick a service, get a ticket",
        "号",
    ),
    "photo": (
        "免费证件照",
        "Free ID photo",
        "护照、身份证、签证等照片，当场拍好",
        "Passport, ID card and visa photos, ready in a minute",
        "照",
    ),
}


class MenuViewModel(ScreenViewModel):
    changed = Signal()

    def _entries(self) -> list[dict[str, str]]:
        out = []
        for name in self._c.journeys():
            zh, en, zh_sub, en_sub, icon = _ENTRIES[name]
            out.append(
                {
                    "id": name,
                    "title": self.pick(zh, en),
                    "subtitle": self.pick(zh_sub, en_sub),
                    "icon": icon,
                }
            )
        return out

    entries = Property("QVariantList", _entries, notify=changed)

    @Slot(str)
    def open(self, name: str) -> None:
        self._c.open_journey(name, self.now())
