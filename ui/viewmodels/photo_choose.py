"""Which photo: one big button per spec this hall offers."""

from __future__ import annotations

from PySide6.QtCore import Property, Signal, Slot

from kiosk.flows.photo import PhotoJourney
from ui.viewmodels.base import ScreenViewModel


class PhotoChooseViewModel(ScreenViewModel):
    changed = Signal()

    def _options(self) -> list[dict[str, str]]:
        j = self._c.journey_as(PhotoJourney)
        if j is None:
            return []
        return [
            {"id": s.id, "title": self.pick(s.short_name, s.short_name_en),
             "subtitle": self.pick(s.name, s.name_en)}
            for s in j.specs
        ]  # fmt: skip

    options = Property("QVariantList", _options, notify=changed)

    @Slot(str)
    def choose(self, spec_id: str) -> None:
        j = self._c.journey_as(PhotoJourney)
        if j is not None:
            j.choose(spec_id, self.now())
        self._c.acted(self.now())
