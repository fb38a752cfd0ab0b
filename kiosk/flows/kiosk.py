"""The terminal's top level: attract screen, session, service menu, journeys, idle timeout.

Pure Python. The UI calls the verbs (``start``, ``open_journey``, ``touch``...) and
``tick(now)`` from a timer, and re-renders when a listener is told the screen changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from typing import Protocol

from devices.camera.protocol import Camera
from kiosk.config import KioskConfig
from kiosk.flows.photo import PhotoEngine, PhotoJourney, PhotoState
from kiosk.flows.ticket import TicketIssuer, TicketJourney, TicketState
from kiosk.session import EndReason, Session

log = logging.getLogger(__name__)


class Screen(StrEnum):
    ATTRACT = "attract"
    MENU = "menu"
    TICKET_SERVICES = "ticket_services"
    TICKET_PRINTING = "ticket_printing"
    TICKET_DONE = "ticket_done"
    TICKET_NOT_PRINTED = "ticket_not_printed"
    PHOTO_PREVIEW = "photo_preview"
    PHOTO_COUNTDOWN = "photo_countdown"
    PHOTO_PROCESSING = "photo_processing"
    PHOTO_RESULT = "photo_result"
    PHOTO_HELP = "photo_help"
    PHOTO_CAMERA_LOST = "photo_camera_lost"


class Journey(Protocol):
    name: str

    @property
    def finished(self) -> bool: ...

    def tick(self, now: float) -> bool: ...


_TICKET_SCREENS = {
    TicketState.CHOOSE_SERVICE: Screen.TICKET_SERVICES,
    TicketState.PRINTING: Screen.TICKET_PRINTING,
    TicketState.DONE: Screen.TICKET_DONE,
    TicketState.NOT_PRINTED: Screen.TICKET_NOT_PRINTED,
}


_PHOTO_SCREENS = {
    PhotoState.PREVIEW: Screen.PHOTO_PREVIEW,
    PhotoState.COUNTDOWN: Screen.PHOTO_COUNTDOWN,
    PhotoState.PROCESSING: Screen.PHOTO_PROCESSING,
    PhotoState.RESULT: Screen.PHOTO_RESULT,
    PhotoState.HELP: Screen.PHOTO_HELP,
    PhotoState.CAMERA_LOST: Screen.PHOTO_CAMERA_LOST,
}


class KioskController:
    """Owns the citizen session and the current journey; decides every next screen."""

    def __init__(
        self,
        config: KioskConfig,
        issuer: TicketIssuer,
        now: float,
        camera: Camera | None = None,
        photo_engine: Callable[[], PhotoEngine] | None = None,
    ) -> None:
        self.config = config
        self._issuer = issuer
        self._camera = camera
        self._photo_engine_factory = photo_engine
        self._photo_engine: PhotoEngine | None = None
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="journey-io")
        self.session: Session | None = None
        self.journey: TicketJourney | PhotoJourney | None = None
        self.language: str = config.ui.language
        self.large_text = config.ui.large_text
        self._last_touch = now
        self._listeners: list[Callable[[], None]] = []

    # -- what the UI reads -------------------------------------------------
    @property
    def screen(self) -> Screen:
        if self.session is None:
            return Screen.ATTRACT
        if self.journey is None:
            return Screen.MENU
        if isinstance(self.journey, PhotoJourney):
            return _PHOTO_SCREENS.get(self.journey.state, Screen.MENU)
        return _TICKET_SCREENS.get(self.journey.state, Screen.MENU)

    def idle_countdown(self, now: float) -> float | None:
        """Seconds left in the "still there?" countdown, or None while not shown."""
        if self.session is None or self._journey_has_own_timeout():
            return None
        idle = now - self._last_touch
        ui = self.config.ui
        if idle < ui.idle_timeout_s:
            return None
        return max(0.0, ui.idle_timeout_s + ui.idle_warning_s - idle)

    def journeys(self) -> list[str]:
        """Menu entries: only journeys that exist on this terminal are offered."""
        offered = ["ticket"]
        if self._camera is not None and self._photo_engine_factory is not None:
            offered.append("photo")
        return offered

    # -- what the citizen does ---------------------------------------------
    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def touch(self, now: float) -> None:
        """Any touch on the screen: resets the idle countdown."""
        self._last_touch = now

    def set_language(self, language: str, now: float) -> None:
        if language not in ("zh_CN", "en"):
            raise ValueError(language)
        self.language = language
        if self.session is not None:
            self.session.language = language
        self.touch(now)
        self._changed()

    def set_large_text(self, on: bool, now: float) -> None:
        self.large_text = on
        if self.session is not None:
            self.session.large_text = on
        self.touch(now)
        self._changed()

    def start(self, now: float) -> None:
        """Tap on the attract screen: a new session begins."""
        if self.session is None:
            self.session = Session(language=self.language, large_text=self.large_text)
            log.info("session %s started", self.session.id)
        self.touch(now)
        self._changed()

    def open_journey(self, name: str, now: float) -> None:
        if self.session is None:
            self.start(now)
        if name not in self.journeys():
            raise ValueError(f"unknown journey {name!r}")
        if name == "photo":
            assert self._camera is not None and self._photo_engine_factory is not None
            if self._photo_engine is None:
                self._photo_engine = self._photo_engine_factory()
            self.journey = PhotoJourney(self._camera, self._photo_engine, self._pool, now)
        else:
            self.journey = TicketJourney(
                self._issuer, self._pool, self.config.ui.done_timeout_s, now
            )
        self.touch(now)
        self._changed()

    def choose_service(self, code: str, now: float) -> None:
        if not isinstance(self.journey, TicketJourney):
            raise RuntimeError("no ticket journey open")
        self.config.service(code)  # refuse unknown codes before anything is issued
        self.journey.choose(code, now)
        self.touch(now)
        self._changed()

    def back(self, now: float) -> None:
        """The back button: out of the journey to the menu (not mid-print)."""
        if self.journey is not None and self.journey.state is TicketState.CHOOSE_SERVICE:
            self.journey = None
        elif isinstance(self.journey, PhotoJourney) and self.journey.state in (
            PhotoState.PREVIEW,
            PhotoState.COUNTDOWN,
            PhotoState.CAMERA_LOST,
            PhotoState.HELP,
        ):
            self.journey.wipe()
            self.journey = None
        self.touch(now)
        self._changed()

    def photo_retake(self, now: float) -> None:
        """The "Retake" button on the photo result (or on the help screen)."""
        if isinstance(self.journey, PhotoJourney):
            self.journey.retake(now)
        self.touch(now)
        self._changed()

    def photo_accept(self, now: float) -> None:
        """The citizen keeps the photo: the journey ends, and the session with it."""
        if isinstance(self.journey, PhotoJourney):
            self.journey.accept(now)
        self.touch(now)
        self._changed()

    def finish(self, now: float) -> None:
        """The "Done" button on a confirmation screen."""
        self.end_session(EndReason.FINISHED)

    def cancel(self, now: float) -> None:
        self.end_session(EndReason.CANCELLED)

    def end_session(self, reason: EndReason) -> None:
        """End the session and wipe what it held; back to the attract screen."""
        session, self.session = self.session, None
        if isinstance(self.journey, PhotoJourney):
            self.journey.wipe()
        self.journey = None
        if session is not None:
            session.end(reason)
        self.language = self.config.ui.language
        self.large_text = self.config.ui.large_text
        self._changed()

    # -- time --------------------------------------------------------------
    def tick(self, now: float) -> None:
        if self.journey is not None and self.journey.tick(now):
            if self.journey.finished:
                self.end_session(EndReason.FINISHED)
                return
            self._changed()
        countdown = self.idle_countdown(now)
        if countdown is not None and countdown <= 0:
            log.info("idle timeout")
            self.end_session(EndReason.IDLE)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        close_engine = getattr(self._photo_engine, "close", None)
        if close_engine is not None:
            close_engine()

    def _journey_has_own_timeout(self) -> bool:
        # Confirmation screens return by themselves; printing must not be cut short.
        # A citizen posing for the camera touches nothing: the photo journey times
        # out by itself in every state.
        if isinstance(self.journey, PhotoJourney):
            return True
        return self.journey is not None and self.journey.state in (
            TicketState.PRINTING,
            TicketState.DONE,
            TicketState.NOT_PRINTED,
        )

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()
