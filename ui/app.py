"""Builds the Qt application around a KioskController and shows it."""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickWindow

from devices.base import DeviceKind
from kiosk.assist import StaffCall
from kiosk.config import KioskConfig
from kiosk.config.schema import DisplayConfig
from kiosk.flows.kiosk import KioskController
from kiosk.journeys import available_journeys
from kiosk.service import ServiceNotifier
from kiosk.terminal import Terminal, build_terminal
from kiosk.voice import VoicePrompts, Volume
from ui.frames import FrameImageProvider
from ui.qr import QrImageProvider
from ui.resources import QML_DIR, Translations, install_font
from ui.viewmodels.attract import AttractViewModel
from ui.viewmodels.base import Clock, ScreenViewModel
from ui.viewmodels.form_screens import (
    FormCardViewModel,
    FormChooseViewModel,
    FormCompleteViewModel,
    FormConfirmViewModel,
    FormResultViewModel,
    FormReviewViewModel,
    FormUnavailableViewModel,
)
from ui.viewmodels.identity_screens import (
    IdentityConsentViewModel,
    IdentityCounterViewModel,
    IdentityDocumentViewModel,
    IdentityLiveViewModel,
    IdentityMrzViewModel,
    IdentityResultViewModel,
)
from ui.viewmodels.menu import MenuViewModel
from ui.viewmodels.photo_booth import PhotoBoothViewModel
from ui.viewmodels.photo_choose import PhotoChooseViewModel
from ui.viewmodels.photo_help import PhotoHelpViewModel
from ui.viewmodels.photo_result import PhotoResultViewModel
from ui.viewmodels.photo_saved import PhotoSavedViewModel
from ui.viewmodels.shell import ShellViewModel
from ui.viewmodels.tech_panel import TechPanelViewModel
from ui.viewmodels.tech_pin import TechPinViewModel
from ui.viewmodels.ticket_result import TicketResultViewModel
from ui.viewmodels.ticket_services import TicketServicesViewModel

if TYPE_CHECKING:
    from kiosk.fleet.agent import FleetAgent

log = logging.getLogger(__name__)

TICK_MS = 100
_TOUCH_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
}


def ensure_platform() -> None:
    """Without a display, render offscreen rather than fail (CI, SSH, a headless demo)."""
    if not os.environ.get("QT_QPA_PLATFORM") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        log.warning("no display found: running offscreen (set DISPLAY to see the kiosk)")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def application() -> QGuiApplication:
    """The one QGuiApplication, with the bundled font set (also when a test made the app)."""
    app = QGuiApplication.instance()
    if app is None:
        ensure_platform()
        # The on-screen keyboard loads only if this is set before the application exists;
        # the unit and scripts/run-kiosk set it too, but the kiosk must not depend on that.
        os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
        app = QGuiApplication(["hall-kiosk"])
    assert isinstance(app, QGuiApplication)
    if not app.property("hallKioskFont"):
        install_font(app)
        app.setProperty("hallKioskFont", True)
    return app


def identity_models(c: KioskController, clock: Clock) -> dict[str, QObject]:
    """The identity check's screens (issue 10)."""
    return {
        "identityConsent": IdentityConsentViewModel(c, clock),
        "identityCounter": IdentityCounterViewModel(c, clock),
        "identityDocument": IdentityDocumentViewModel(c, clock),
        "identityMrz": IdentityMrzViewModel(c, clock),
        "identityLive": IdentityLiveViewModel(c, clock),
        "identityResult": IdentityResultViewModel(c, clock),
    }


class _TouchWatcher(QObject):
    """Any press anywhere resets the idle countdown."""

    def __init__(self, shell: ShellViewModel) -> None:
        super().__init__()
        self._shell = shell

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _TOUCH_EVENTS:
            self._shell.touch()
        return False


class _Waker(QObject):
    """Carries "background work finished" from any thread to the UI thread, queued."""

    woken = Signal()


class _FirstFrame(QObject):
    """Calls ``callback`` once, on the UI thread, for the first frame the window shows
    (frameSwapped comes from the render thread, once per frame)."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self._callback: Callable[[], None] | None = callback

    @Slot()
    def seen(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            callback()


class KioskUi:
    """The engine, the view-models and the timer for one terminal."""

    def __init__(
        self,
        terminal: Terminal,
        clock: Clock = time.monotonic,
        notifier: ServiceNotifier | None = None,
    ) -> None:
        self.app = application()
        self.terminal = terminal
        self.notifier = notifier or ServiceNotifier({})
        # Devices first: one that fails to start becomes a FAULT stand-in before the menu
        # is built, so the journeys that need it are left out and the others run.
        terminal.start()
        self.controller = KioskController(
            terminal.config, available_journeys(terminal), clock(), terminal.events
        )
        c = self.controller
        # A finished read or print, or a device event, reaches the UI thread as a queued
        # signal at once; the timer is only for countdowns and idle timeouts.
        self._closed = False
        self._wake_pending = False
        self._waker = _Waker()
        self._waker.woken.connect(self._woken, Qt.ConnectionType.QueuedConnection)
        c.on_wake(self._wake_soon)
        terminal.on_event(self._wake_soon)
        self.shell = ShellViewModel(c, clock)
        self.booth = booth = PhotoBoothViewModel(c, clock)
        photo_result = PhotoResultViewModel(c, clock)
        self.models: dict[str, QObject] = {
            "shell": self.shell,
            "attract": AttractViewModel(c, clock),
            "menu": MenuViewModel(c, clock),
            "ticketServices": TicketServicesViewModel(c, clock),
            "ticketResult": TicketResultViewModel(c, clock),
            "formChoose": FormChooseViewModel(c, clock),
            "formCard": FormCardViewModel(c, clock),
            "formConfirm": FormConfirmViewModel(c, clock),
            "formComplete": FormCompleteViewModel(c, clock),
            "formReview": FormReviewViewModel(c, clock),
            "formResult": FormResultViewModel(c, clock),
            "formUnavailable": FormUnavailableViewModel(c, clock),
            "photoSaved": PhotoSavedViewModel(c, clock),
            "techPin": TechPinViewModel(c, clock),
            "techPanel": TechPanelViewModel(c, clock),
            "photoBooth": booth,
            "photoResult": photo_result,
            "photoHelp": PhotoHelpViewModel(c, clock),
            "photoChoose": PhotoChooseViewModel(c, clock),
            **identity_models(c, clock),
        }
        ui_cfg = terminal.config.ui
        voice_on = ui_cfg.voice and not terminal.unavailable(DeviceKind.VOICE)
        self.prompts = VoicePrompts(c, terminal.voice, voice_on, volume=Volume(ui_cfg.voice_volume))
        self.staff = StaffCall.from_config(terminal.config)
        self.shell.attach(self.prompts, self.staff)
        c.idle_hold = self.staff.holds_session
        c.on_change(self._session_maybe_ended)
        self.translations = Translations()
        self.translations.use(c.language)
        self.engine = QQmlApplicationEngine()
        self.engine.addImageProvider("qr", QrImageProvider())
        self.engine.addImageProvider("camera", FrameImageProvider(booth.latest_frame, mirror=True))
        self.engine.addImageProvider("photo", FrameImageProvider(photo_result.photo, mirror=False))
        live = self.models["identityLive"]
        assert isinstance(live, IdentityLiveViewModel)
        self.engine.addImageProvider("idcamera", FrameImageProvider(live.latest_frame, mirror=True))
        for name, model in self.models.items():
            self.engine.rootContext().setContextProperty(name, model)
        c.on_change(self._language_maybe_changed)
        self.engine.load(QUrl.fromLocalFile(str(QML_DIR / "Main.qml")))
        roots = self.engine.rootObjects()
        if not roots:
            raise RuntimeError("Main.qml failed to load (see the QML warnings above)")
        window = roots[0]
        assert isinstance(window, QQuickWindow)
        self.window = window
        self._watcher = _TouchWatcher(self.shell)
        window.installEventFilter(self._watcher)
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        # The watchdog is pinged from this (the UI) thread's event loop: if the loop wedges,
        # the pings stop and systemd restarts the kiosk.
        self.watchdog = QTimer()
        interval = self.notifier.ping_interval_ms()
        if interval is not None:
            self.watchdog.setInterval(interval)
            self.watchdog.timeout.connect(self.notifier.watchdog)
            self.watchdog.start()
        c.on_change(self._report_status)

    def _wake_soon(self) -> None:
        """Thread-safe: ask the UI thread to tick now (one pending request is enough)."""
        if not self._wake_pending and not self._closed:
            self._wake_pending = True
            self._waker.woken.emit()

    def _woken(self) -> None:
        self._wake_pending = False
        if not self._closed:
            self.tick()

    def status_line(self) -> str:
        """What `systemctl status` shows: the screen and any device that is down."""
        faults = [k.value for k in DeviceKind if self.terminal.unavailable(k)]
        down = f"; unavailable: {', '.join(faults)}" if faults else ""
        return f"screen {self.controller.screen}{down}"

    def _report_status(self) -> None:
        self.notifier.status(self.status_line())

    def tick(self) -> None:
        """The shell moves the core's time first; then every screen refreshes countdowns."""
        self.shell.tick()
        self.prompts.idle_tick(self.controller.idle_countdown(self.shell.now()))
        if self.staff.tick(self.shell.now()):
            self.shell.staffCallChanged()
        cue = self.booth.voice_cue()  # the booth's live instruction, or its 3-2-1
        if cue is not None:
            self.prompts.instruction(*cue)
        for model in self.models.values():
            if model is not self.shell and isinstance(model, ScreenViewModel):
                model.tick()

    def _session_maybe_ended(self) -> None:
        if self.controller.session is None and self.staff.state.value != "none":
            self.staff.reset()  # the next citizen does not see the last one's call

    def _language_maybe_changed(self) -> None:
        if self.translations.language != self.controller.language:
            self.translations.use(self.controller.language)
            self.engine.retranslate()

    def grab(self, path: Path) -> None:
        """Save what the screen shows now as a PNG."""
        QGuiApplication.processEvents()
        image = self.window.grabWindow()
        image.save(str(path))

    def shutdown_devices(self) -> None:
        """Stop the clock and the journeys' I/O, then release every device."""
        self._closed = True
        self.timer.stop()
        self.staff.close()
        self.watchdog.stop()
        self.controller.close()
        self.terminal.close()

    def close(self) -> None:
        self.shutdown_devices()
        # Destroy the QML scene while the view-models still exist, so no binding
        # is re-evaluated against a deleted context property.
        # The engine owns the window: deleting the engine deletes both, once.
        self.window.close()
        self.engine.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def watch_fleet(app: QGuiApplication, ui: KioskUi, fleet: FleetAgent | None) -> QTimer:
    """Once a second on the UI thread: apply a verified bundle when no citizen session is
    open, and leave the loop when the fleet agent asks for a restart. (The probation check
    starts at the watchdog-ready point: the attract screen's first frame.)"""
    timer = QTimer()
    if fleet is None:
        return timer
    fleet.attach({kind.value: dev for kind, dev in ui.terminal.devices.items()})
    fleet.start()

    def check() -> None:
        fleet.tick(session_open=ui.controller.session is not None)
        if fleet.restart_requested:
            timer.stop()
            app.quit()

    timer.setInterval(1000)
    timer.timeout.connect(check)
    timer.start()
    return timer


def configure_display(display: DisplayConfig) -> None:
    """eglfs settings from [display], before the QGuiApplication exists (docs/adr/0011).
    A variable the unit or a technician set wins."""
    if display.hide_cursor:
        os.environ.setdefault("QT_QPA_EGLFS_HIDECURSOR", "1")


def run_app(config: KioskConfig, windowed: bool, fleet: FleetAgent | None = None) -> int:
    started = time.monotonic()
    notifier = ServiceNotifier()
    configure_display(config.display)
    app = application()
    ui = KioskUi(build_terminal(config), notifier=notifier)

    def attract_screen_drawn() -> None:
        elapsed_ms = (time.monotonic() - started) * 1000
        log.info("attract screen up in %.0f ms", elapsed_ms)
        notifier.ready(f"{ui.status_line()}; up in {elapsed_ms:.0f} ms")
        if fleet is not None:
            fleet.ready()  # a bundle on probation is checked from here

    # READY=1 when the first frame of the attract screen is on the display, not before.
    first_frame = _FirstFrame(attract_screen_drawn)
    ui.window.frameSwapped.connect(first_frame.seen, Qt.ConnectionType.QueuedConnection)
    if windowed:
        ui.window.show()
    else:
        ui.window.showFullScreen()
    # Shown is not drawn: a display that never draws shows up as the gap between the two.
    log.info("window shown in %.0f ms", (time.monotonic() - started) * 1000)
    fleet_timer = watch_fleet(app, ui, fleet)
    # systemd stops the kiosk with SIGTERM: leave the event loop so devices close cleanly.
    signal.signal(signal.SIGTERM, lambda *_: QTimer.singleShot(0, app.quit))
    code = app.exec()
    fleet_timer.stop()
    if fleet is not None and fleet.restart_requested:
        notifier.reloading()  # the same process comes back on the new configuration
    else:
        notifier.stopping()
    ui.shutdown_devices()
    if fleet is not None:
        fleet.stop()
        if fleet.restart_requested:
            from kiosk.fleet.agent import default_restart

            logging.shutdown()
            default_restart()  # on the newly applied (or rolled-back) configuration
    logging.shutdown()
    # Skip Qt's and Python's teardown of the QML scene: under load PySide6 can crash
    # while destroying it (seen as SIGSEGV/SIGABRT on exit), which systemd would log as
    # a failure. Everything durable is already closed: devices above, SQLite commits.
    os._exit(int(code))
