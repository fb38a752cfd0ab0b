"""A simulated voice that remembers what it was asked to say."""

from __future__ import annotations

from dataclasses import dataclass

from devices.health import EventSink, Health, HealthTracker
from devices.uri import DeviceUri


@dataclass(frozen=True)
class Said:
    language: str
    text: str
    volume: int
    interrupt: bool


class SimVoice:
    def __init__(self, uri: DeviceUri, role: str = "voice") -> None:
        self.uri = uri.raw
        self.log: list[Said] = []
        self.volume = 100
        self._health = HealthTracker(role)

    @property
    def said(self) -> list[tuple[str, str]]:
        """(language, text) of every prompt, in order."""
        return [(s.language, s.text) for s in self.log]

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        pass

    def say(self, text: str, language: str, interrupt: bool = False) -> None:
        self.log.append(Said(language, text, self.volume, interrupt))
        self._health.count("prompts")

    def stop(self) -> None:
        pass

    def set_volume(self, percent: int) -> None:
        self.volume = max(10, min(200, int(percent)))
