"""The technician's PIN pad. Digits stay in the view-model until OK; never logged."""

from __future__ import annotations

import math

from PySide6.QtCore import Property, Signal, Slot

from kiosk.flows.diagnostics import DiagnosticsJourney
from ui.viewmodels.base import ScreenViewModel


class TechPinViewModel(ScreenViewModel):
    changed = Signal()

    _digits = ""

    def _journey(self) -> DiagnosticsJourney | None:
        return self._c.journey_as(DiagnosticsJourney)

    def _masked(self) -> str:
        return "●" * len(self._digits)

    def _message(self) -> str:
        j = self._journey()
        if j is None:
            return ""
        left = j.locked_for(self.now())
        if left > 0:
            return self.pick(
                f"错误次数过多，请 {math.ceil(left)} 秒后再试",
                f"Too many wrong PINs: try again in {math.ceil(left)} s",
            )
        if j.pin_message == "wrong":
            return self.pick("密码错误", "Wrong PIN")
        if j.pin_message == "unset":
            return self.pick(
                "未设置技术人员密码，请用 kiosk technician set-pin 设置",
                "No technician PIN set: use kiosk technician set-pin",
            )
        if j.pin_message == "too_short":
            return self.pick(
                "密码少于6位，请用 kiosk technician set-pin 更换",
                "PIN shorter than 6 digits: change it with kiosk technician set-pin",
            )
        return self.pick("请输入技术人员密码", "Technician PIN")

    masked = Property(str, _masked, notify=changed)
    message = Property(str, _message, notify=changed)

    @Slot(str)
    def press(self, key: str) -> None:
        if key == "del":
            self._digits = self._digits[:-1]
        elif key.isdigit() and len(self._digits) < 12:
            self._digits += key
        self._c.touch(self.now())
        self.changed.emit()

    @Slot()
    def submit(self) -> None:
        j = self._journey()
        digits, self._digits = self._digits, ""
        if j is not None and digits:
            j.enter_pin(digits, self.now())
        self._c.acted(self.now())
