"""A small state machine: named states, a transition table, per-state timeouts.

Time is passed in (``now`` from ``time.monotonic()``), so tests drive the clock and
the UI calls :meth:`Machine.tick` from a timer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

S = TypeVar("S", bound=Enum)
E = TypeVar("E", bound=Enum)

log = logging.getLogger(__name__)


class TransitionError(Exception):
    def __init__(self, state: Enum, event: Enum) -> None:
        super().__init__(f"no transition from {state.name} on {event.name}")
        self.state = state
        self.event = event


@dataclass(frozen=True)
class Timeout(Generic[E]):
    seconds: float
    event: E


class Machine(Generic[S, E]):
    """Moves between states on events; calls ``on_enter`` listeners after each move."""

    def __init__(
        self,
        name: str,
        initial: S,
        transitions: Mapping[tuple[S, E], S],
        timeouts: Mapping[S, Timeout[E]] | None = None,
        now: float = 0.0,
    ) -> None:
        self.name = name
        self.state = initial
        self._transitions = dict(transitions)
        self._timeouts = dict(timeouts or {})
        self._entered_at = now
        self._listeners: list[Callable[[S], None]] = []

    def on_enter(self, listener: Callable[[S], None]) -> None:
        self._listeners.append(listener)

    def can(self, event: E) -> bool:
        return (self.state, event) in self._transitions

    def fire(self, event: E, now: float) -> S:
        target = self._transitions.get((self.state, event))
        if target is None:
            raise TransitionError(self.state, event)
        log.info("%s: %s --%s--> %s", self.name, self.state.name, event.name, target.name)
        self.state = target
        self._entered_at = now
        for listener in list(self._listeners):
            listener(target)
        return target

    @property
    def entered_at(self) -> float:
        """When the current state was entered (the clock passed to ``fire``)."""
        return self._entered_at

    def remaining(self, now: float) -> float | None:
        """Seconds until the current state's timeout fires, or None if it has none."""
        timeout = self._timeouts.get(self.state)
        if timeout is None:
            return None
        return max(0.0, timeout.seconds - (now - self._entered_at))

    def tick(self, now: float) -> S | None:
        """Fire the current state's timeout if it is due; returns the new state if so."""
        timeout = self._timeouts.get(self.state)
        if timeout is not None and now - self._entered_at >= timeout.seconds:
            return self.fire(timeout.event, now)
        return None
