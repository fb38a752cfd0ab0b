"""What every screen's view-model shares: the controller, the clock, a change signal."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.flows.kiosk import KioskController

Clock = Callable[[], float]


class ScreenViewModel(QObject):
    """Base of the view-models. Each subclass declares its own ``changed = Signal()``:
    PySide6 loses a property's notify signal when it is inherited from a Python base."""

    changed: Signal

    def __init__(self, controller: KioskController, clock: Clock = time.monotonic) -> None:
        super().__init__()
        self._c = controller
        self._clock = clock
        controller.on_change(lambda: self.changed.emit())

    def now(self) -> float:
        return self._clock()

    _shown_left = -1

    def seconds_left(self) -> int:
        """Whole seconds until the journey's screen returns by itself, or -1 if it does not."""
        journey = self._c.journey
        left = journey.remaining(self.now()) if journey is not None else None
        return -1 if left is None else math.ceil(left)

    def tick(self) -> None:
        """Called every timer tick after the core moved: a screen with a countdown
        (a ``countdownChanged`` signal) hears when the whole seconds shown change."""
        signal = getattr(self, "countdownChanged", None)
        if signal is None:
            return
        value = self.seconds_left()
        if value != self._shown_left:
            self._shown_left = value
            signal.emit()

    def pick(self, zh: str, en: str) -> str:
        """Data from config comes in both languages; show the citizen's."""
        return zh if self._c.language == "zh_CN" else en
