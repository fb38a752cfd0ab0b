"""The frame around every screen: which screen, language, text size, idle countdown."""

from __future__ import annotations

import math

from PySide6.QtCore import Property, Signal, Slot

from kiosk.flows.kiosk import Screen
from ui.viewmodels.base import ScreenViewModel

# Screen id (from the core) -> QML file under ui/qml/. A journey's screens are added here.
SCREEN_FILES: dict[str, str] = {
    Screen.ATTRACT: "AttractScreen.qml",
    Screen.MENU: "MenuScreen.qml",
    "ticket_services": "TicketServicesScreen.qml",
    "ticket_printing": "TicketPrintingScreen.qml",
    "ticket_done": "TicketResultScreen.qml",
    "ticket_not_printed": "TicketResultScreen.qml",
    "form_choose": "FormChooseScreen.qml",
    "form_card": "FormCardScreen.qml",
    "form_confirm": "FormConfirmScreen.qml",
    "form_complete": "FormCompleteScreen.qml",
    "form_review": "FormReviewScreen.qml",
    "form_printing": "FormPrintingScreen.qml",
    "form_done": "FormResultScreen.qml",
    "form_not_printed": "FormResultScreen.qml",
    "form_not_submitted": "FormResultScreen.qml",
    "form_unavailable": "FormUnavailableScreen.qml",
    "tech_pin": "TechPinScreen.qml",
    "tech_panel": "TechPanelScreen.qml",
    "photo_choose": "PhotoChooseScreen.qml",
    "photo_preview": "PhotoBoothScreen.qml",
    "photo_countdown": "PhotoBoothScreen.qml",
    "photo_processing": "PhotoBoothScreen.qml",
    "photo_camera_lost": "PhotoBoothScreen.qml",
    "photo_result": "PhotoResultScreen.qml",
    "photo_saved": "PhotoSavedScreen.qml",
    "photo_not_printed": "PhotoSavedScreen.qml",
    "photo_help": "PhotoHelpScreen.qml",
    # The identity check (issue 10): every live-check state shares one screen.
    "identity_consent": "IdentityConsentScreen.qml",
    "identity_declined": "IdentityCounterScreen.qml",
    "identity_document": "IdentityDocumentScreen.qml",
    "identity_mrz": "IdentityMrzScreen.qml",
    **{
        f"identity_{name}": "IdentityLiveScreen.qml"
        for name in (
            "look",
            "retry",
            "camera_lost",
            "matching",
            "blink",
            "open_mouth",
            "turn_left",
            "turn_right",
            "nod",
        )
    },
    "identity_result": "IdentityResultScreen.qml",
}

LARGE_TEXT_SCALE = 1.3


class ShellViewModel(ScreenViewModel):
    changed = Signal()
    countdownChanged = Signal()

    def _screen(self) -> str:
        return str(self._c.screen)

    def _screen_file(self) -> str:
        return SCREEN_FILES[self._c.screen]

    def _language(self) -> str:
        return self._c.language

    def _scale(self) -> float:
        return LARGE_TEXT_SCALE if self._c.large_text else 1.0

    def _hall_name(self) -> str:
        t = self._c.config.terminal
        return self.pick(t.hall_name, t.hall_name_en)

    def _idle_seconds(self) -> int:
        left = self._c.idle_countdown(self.now())
        return -1 if left is None else math.ceil(left)

    screen = Property(str, _screen, notify=changed)
    screenFile = Property(str, _screen_file, notify=changed)
    language = Property(str, _language, notify=changed)
    scale = Property(float, _scale, notify=changed)
    hallName = Property(str, _hall_name, notify=changed)
    idleSeconds = Property(int, _idle_seconds, notify=countdownChanged)

    @Slot()
    def touch(self) -> None:
        self._c.touch(self.now())

    @Slot()
    def stillHere(self) -> None:
        self._c.touch(self.now())
        self.refresh_countdown()

    @Slot()
    def cancel(self) -> None:
        self._c.cancel(self.now())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown_idle = -1
        self._c.on_change(self.refresh_countdown)

    def refresh_countdown(self) -> None:
        """Tell QML when the whole seconds shown in the countdown change."""
        value = self._idle_seconds()
        if value != self._shown_idle:
            self._shown_idle = value
            self.countdownChanged.emit()

    def tick(self) -> None:
        """Called by the app's timer: moves time forward in the core."""
        self._c.tick(self.now())
        self.refresh_countdown()
