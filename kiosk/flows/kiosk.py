"""The terminal's top level: attract screen, session, service menu, journeys, idle timeout.

Pure Python. The UI calls the verbs (``start``, ``open_journey``, ``touch``...) and
``tick(now)`` from a timer, and re-renders when a listener is told the screen changed.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from enum import StrEnum
from typing import TypeVar

from devices.health import DeviceEvent
from kiosk.config import KioskConfig
from kiosk.flows.journey import Journey, JourneyContext, JourneyEntry
from kiosk.session import EndReason, Session

log = logging.getLogger(__name__)

J = TypeVar("J")
T = TypeVar("T")


class WakingPool(ThreadPoolExecutor):
    """The journeys' I/O pool: each finished job wakes the UI at once.

    A finished card read or print is then seen on the UI thread within a few ms instead
    of on the next timer tick. ``wake`` runs on the worker thread: it must be thread-safe.
    """

    def __init__(self, wake: Callable[[], None]) -> None:
        super().__init__(max_workers=2, thread_name_prefix="journey-io")
        self._wake = wake

    def submit(self, fn: Callable[..., T], /, *args: object, **kwargs: object) -> Future[T]:
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(lambda _done: self._wake())
        return future


class Screen(StrEnum):
    """The two screens outside any journey; journeys name their own screens."""

    ATTRACT = "attract"
    MENU = "menu"


class KioskController:
    """Owns the citizen session and the current journey; decides every next screen."""

    def __init__(
        self,
        config: KioskConfig,
        entries: Sequence[JourneyEntry],
        now: float,
        events: queue.SimpleQueue[DeviceEvent] | None = None,
    ) -> None:
        self.config = config
        self._events = events
        self.entries = {entry.name: entry for entry in entries}
        self._wakers: list[Callable[[], None]] = []
        self._pool = WakingPool(self.wake)
        self.session: Session | None = None
        self.journey: Journey | None = None
        self.language: str = config.ui.language
        self.large_text = config.ui.large_text
        self._last_touch = now
        self._listeners: list[Callable[[], None]] = []

    # -- what the UI reads -------------------------------------------------
    @property
    def screen(self) -> str:
        if self.session is None:
            return Screen.ATTRACT
        if self.journey is None:
            return Screen.MENU
        return self.journey.screen

    def idle_countdown(self, now: float) -> float | None:
        """Seconds left in the "still there?" countdown, or None while not shown."""
        if self.session is None or (self.journey is not None and self.journey.idle_exempt):
            return None
        idle = now - self._last_touch
        ui = self.config.ui
        if idle < ui.idle_timeout_s:
            return None
        return max(0.0, ui.idle_timeout_s + ui.idle_warning_s - idle)

    def journeys(self) -> list[JourneyEntry]:
        """Menu entries: only journeys that exist on this terminal are offered."""
        return [e for e in self.entries.values() if e.in_menu and not e.why_unavailable()]

    def unavailable_journeys(self) -> list[JourneyEntry]:
        """Menu entries this terminal has but cannot run now (a device is down)."""
        return [e for e in self.entries.values() if e.in_menu and e.why_unavailable()]

    def journey_as(self, kind: type[J]) -> J | None:
        """The current journey if it is a ``kind`` (view-models use this)."""
        return self.journey if isinstance(self.journey, kind) else None

    # -- what the citizen does ---------------------------------------------
    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def on_wake(self, waker: Callable[[], None]) -> None:
        """``waker`` is called, from any thread, when background work finished: the UI
        should call :meth:`tick` soon (the Qt front end posts a queued signal)."""
        self._wakers.append(waker)

    def wake(self) -> None:
        """Thread-safe: a journey's I/O finished or a device event arrived."""
        for waker in list(self._wakers):
            waker()

    def touch(self, now: float) -> None:
        """Any touch on the screen: resets the idle countdown."""
        self._last_touch = now

    def acted(self, now: float) -> None:
        """A view-model drove the journey (e.g. chose a service): refresh everyone."""
        self.touch(now)
        self._changed()

    def set_language(self, language: str, now: float) -> None:
        if language not in ("zh_CN", "en"):
            raise ValueError(language)
        self.language = language
        if self.session is not None:
            self.session.language = language
        self.acted(now)

    def set_large_text(self, on: bool, now: float) -> None:
        self.large_text = on
        if self.session is not None:
            self.session.large_text = on
        self.acted(now)

    def start(self, now: float) -> None:
        """Tap on the attract screen: a new session begins."""
        if self.session is None:
            self.session = Session(language=self.language, large_text=self.large_text)
            log.info("session %s started", self.session.id)
        self.acted(now)

    def open_journey(self, name: str, now: float) -> None:
        if name not in self.entries:
            raise ValueError(f"unknown journey {name!r}")
        why_not = self.entries[name].why_unavailable()
        if why_not:
            log.warning("journey %s not opened: %s", name, why_not)
            self.acted(now)  # the menu is rebuilt without it
            return
        if self.session is None:
            self.start(now)
        assert self.session is not None
        ctx = JourneyContext(self.config, self.session, self._pool)
        self.journey = self.entries[name].start(ctx, now)
        log.info("journey %s opened", name)
        self.acted(now)

    def back(self, now: float) -> None:
        """The back button: out of the journey to the menu, where the journey allows."""
        if self.journey is not None and self.journey.can_go_back:
            self.journey.close()
            self.journey = None
        self.acted(now)

    def finish(self, now: float) -> None:
        """The "Done" button on a confirmation screen."""
        self.end_session(EndReason.FINISHED)

    def cancel(self, now: float) -> None:
        self.end_session(EndReason.CANCELLED)

    def end_session(self, reason: EndReason) -> None:
        """End the session and wipe what it held; back to the attract screen."""
        session, self.session = self.session, None
        journey, self.journey = self.journey, None
        if journey is not None:
            journey.close()
        if session is not None:
            session.end(reason)
        self.language = self.config.ui.language
        self.large_text = self.config.ui.large_text
        self._changed()

    # -- time --------------------------------------------------------------
    def tick(self, now: float) -> None:
        self._dispatch_events(now)
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

    def _dispatch_events(self, now: float) -> None:
        """Device events arrive from driver threads; journeys hear them on this thread."""
        while self._events is not None:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return
            if self.journey is None:
                continue
            before = self.journey.screen
            # A journey may act on the event at once (a finished read): trust the screen,
            # not only the journey's answer, so the UI never misses the change.
            if self.journey.on_device_event(event, now) or self.journey.screen != before:
                self.touch(now)  # placing a card is the citizen acting
                self._changed()

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()
