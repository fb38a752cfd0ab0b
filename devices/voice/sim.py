"""A simulated voice that remembers what it was asked to say."""

from __future__ import annotations

from devices.health import EventSink, Health, HealthTracker
from devices.uri import DeviceUri


class SimVoice:
    def __init__(self, uri: DeviceUri, role: str = "voice") -> None:
        self.uri = uri.raw
        self.said: list[tuple[str, str]] = []
        self._health = HealthTracker(role)

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        pass

    def say(self, text: str, language: str) -> None:
        self.said.append((language, text))
        self._health.count("prompts")

    def stop(self) -> None:
        pass
