"""The frame around every screen: which screen, language, text size, idle countdown."""

from __future__ import annotations

import math

from PySide6.QtCore import Property, Signal, Slot

from kiosk.assist import CallState, StaffCall
from kiosk.flows.kiosk import Screen
from kiosk.voice import VoicePrompts
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

    def _staff_call(self) -> str:
        return self._staff.state.value if self._staff is not None else CallState.NONE.value

    def _volume(self) -> str:
        return self._prompts.volume.value if self._prompts is not None else "medium"

    def _voice_on(self) -> bool:
        return self._prompts is not None and self._c.config.ui.voice

    screen = Property(str, _screen, notify=changed)
    screenFile = Property(str, _screen_file, notify=changed)
    language = Property(str, _language, notify=changed)
    scale = Property(float, _scale, notify=changed)
    hallName = Property(str, _hall_name, notify=changed)
    idleSeconds = Property(int, _idle_seconds, notify=countdownChanged)
    staffCall = Property(str, _staff_call, notify=changed)
    volume = Property(str, _volume, notify=changed)
    voiceOn = Property(bool, _voice_on, notify=changed)

    def attach(self, prompts: VoicePrompts | None, staff: StaffCall | None) -> None:
        """The voice and the staff call every screen's header offers."""
        self._prompts = prompts
        self._staff = staff
        self.changed.emit()

    @Slot()
    def hearAgain(self) -> None:
        if self._prompts is not None:
            self._prompts.repeat()
        self._c.touch(self.now())

    @Slot()
    def louder(self) -> None:
        if self._prompts is not None:
            self._prompts.louder()
        self._c.acted(self.now())

    @Slot()
    def callStaff(self) -> None:
        """One touch: the centre is told; the banner says what happens next."""
        if self._staff is None:
            return
        self._staff.call(str(self._c.screen), self._c.language, self.now())
        self._c.acted(self.now())
        self.staffCallChanged()

    def staffCallChanged(self) -> None:
        """The call moved on (sent, answered, failed): say so and redraw."""
        if self._staff is not None and self._prompts is not None:
            key = {
                CallState.CALLED: "staff_called",
                CallState.COMING: "staff_coming",
                CallState.UNREACHABLE: "staff_unreachable",
            }.get(self._staff.state)
            if key is not None:
                self._prompts.say(key, interrupt=True)
        self.changed.emit()

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
        self._prompts: VoicePrompts | None = None
        self._staff: StaffCall | None = None
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
