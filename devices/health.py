"""Health and events: what every driver reports to the core."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class HealthState(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    FAULT = "fault"


@dataclass(frozen=True)
class Health:
    """A device's health: a state, a human reason and monotonic counters."""

    state: HealthState
    reason: str = ""
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.state is HealthState.OK

    def as_dict(self) -> dict[str, object]:
        return {"state": self.state.value, "reason": self.reason, "counters": dict(self.counters)}


class EventKind(StrEnum):
    CARD_INSERTED = "card_inserted"
    CARD_REMOVED = "card_removed"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    RECOVERED = "recovered"
    CAMERA_LOST = "camera_lost"
    JOB_DONE = "job_done"
    JOB_FAILED = "job_failed"


@dataclass(frozen=True)
class DeviceEvent:
    """Something a device noticed. ``detail`` never carries personal data."""

    device: str  # the device role, e.g. "ticket_printer"
    kind: EventKind
    detail: str = ""


EventSink = Callable[[DeviceEvent], None]


def ignore_event(_event: DeviceEvent) -> None:
    """The default sink: a device used from the command line has nobody to tell."""


class HealthTracker:
    """Thread-safe health state plus counters, shared by drivers.

    Drivers call :meth:`set` when the state changes and :meth:`count` for events;
    a change of state is forwarded to the sink as an event when one is given.
    """

    def __init__(self, role: str, sink: EventSink = ignore_event) -> None:
        self._role = role
        self._sink = sink
        self._lock = threading.Lock()
        self._state = HealthState.OK
        self._reason = ""
        self._counters: dict[str, int] = {}

    def attach(self, sink: EventSink) -> None:
        self._sink = sink

    def count(self, name: str, by: int = 1) -> None:
        with self._lock:
            self._counters[name] = self._counters.get(name, 0) + by

    def set(self, state: HealthState, reason: str = "", event: EventKind | None = None) -> None:
        with self._lock:
            changed = (state, reason) != (self._state, self._reason)
            self._state, self._reason = state, reason
        if changed and event is not None:
            self._sink(DeviceEvent(self._role, event, reason))

    def emit(self, kind: EventKind, detail: str = "") -> None:
        self._sink(DeviceEvent(self._role, kind, detail))

    def snapshot(self) -> Health:
        with self._lock:
            return Health(self._state, self._reason, dict(self._counters))
