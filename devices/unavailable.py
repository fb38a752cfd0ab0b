"""A stand-in for a device that could not be opened, so one bad device never stops the rest.

Its health is FAULT with the reason; every other call raises :class:`DeviceError`, which
the flows and the technician's self-tests already turn into a clear outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from devices.health import EventSink, Health, HealthState


class UnavailableDevice:
    """Answers ``health()`` with FAULT; refuses everything else with a DeviceError."""

    def __init__(self, role: str, uri: str, reason: str) -> None:
        self.role = role
        self.uri = uri
        self.reason = reason

    def start(self, sink: EventSink) -> None:
        """Nothing to start."""

    def health(self) -> Health:
        return Health(HealthState.FAULT, self.reason)

    def close(self) -> None:
        """Nothing to release."""

    def __getattr__(self, name: str) -> Callable[..., NoReturn]:
        if name.startswith("_"):
            raise AttributeError(name)

        def refuse(*_args: object, **_kwargs: object) -> NoReturn:
            from devices.base import DeviceError

            raise DeviceError(self.role, self.reason)

        return refuse
