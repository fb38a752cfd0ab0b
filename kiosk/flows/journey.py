"""What every citizen journey is, and how the menu offers it.

A journey (ticket, photo, form, identity check) is a state machine of its own. The
kiosk controller only needs what is here: which screen to show, whether the journey
is over, and whether the idle countdown should wait (while printing, or on a screen
that returns by itself).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from devices.health import DeviceEvent
from kiosk.config import KioskConfig
from kiosk.session import Session


@dataclass(frozen=True)
class JourneyContext:
    """What a journey gets when it starts."""

    config: KioskConfig
    session: Session
    pool: ThreadPoolExecutor  # blocking device I/O runs here, never on the UI thread


class Journey(Protocol):
    name: str

    @property
    def screen(self) -> str:
        """The screen id the UI shows now, e.g. ``ticket_services``."""

    @property
    def finished(self) -> bool: ...

    @property
    def can_go_back(self) -> bool:
        """True where the back button may leave the journey for the menu."""

    @property
    def idle_exempt(self) -> bool:
        """True while busy or on a screen with its own timeout: no "still there?"."""

    def tick(self, now: float) -> bool:
        """Advance on finished I/O and timeouts; True if the screen changed."""

    def remaining(self, now: float) -> float | None:
        """Seconds until the current screen times out by itself, if it does."""

    def prompt_values(self) -> dict[str, str]:
        """Values the spoken prompt of the current screen may use ({number}...)."""

    def on_device_event(self, event: DeviceEvent, now: float) -> bool:
        """A device event (card placed, paper out...); True if the screen changed."""

    def close(self) -> None:
        """The journey is left (finished, cancelled, idle): drop pending work."""


@dataclass(frozen=True)
class JourneyEntry:
    """One tile on the service menu."""

    name: str
    title_zh: str
    title_en: str
    subtitle_zh: str
    subtitle_en: str
    icon: str  # one glyph shown in the tile
    start: Callable[[JourneyContext, float], Journey]
    in_menu: bool = True  # the technician's diagnostics are opened another way
    # Why the journey cannot run now ("" = it can), e.g. a device it needs is down; asked
    # each time the menu is built. The menu leaves it out and names it as not available.
    unavailable: Callable[[], str] | None = None

    def why_unavailable(self) -> str:
        return self.unavailable() if self.unavailable is not None else ""


@dataclass(frozen=True)
class Announcement:
    """Something to say now, beyond the screen's own prompt (e.g. the first problem when
    the citizen taps Next). ``seq`` grows with each one, so a repeat is said again."""

    seq: int
    zh: str
    en: str


@runtime_checkable
class Announces(Protocol):
    """A journey that sometimes has something to say (the voice prompts listen)."""

    announcement: Announcement | None
