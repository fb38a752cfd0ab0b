"""Spoken prompts: when the screen changes, say that screen's prompt in the citizen's language."""

from __future__ import annotations

import tomllib
from importlib import resources

from devices.voice.protocol import Voice
from kiosk.flows.kiosk import KioskController, Screen


def load_prompts() -> dict[str, dict[str, str]]:
    text = resources.files("kiosk").joinpath("prompts.toml").read_text("utf-8")
    prompts: dict[str, dict[str, str]] = tomllib.loads(text)
    return prompts


class VoicePrompts:
    """Listens to the controller; speaks once per screen entered (and for the idle warning)."""

    def __init__(self, controller: KioskController, voice: Voice, enabled: bool) -> None:
        self._c = controller
        self._voice = voice
        self._enabled = enabled
        self._prompts = load_prompts()
        self._last: Screen | None = None
        self._warned = False
        controller.on_change(self._screen_changed)

    def _say(self, key: str, **values: str) -> None:
        if not self._enabled or key not in self._prompts:
            return
        language = self._c.language
        text = self._prompts[key].get(language) or self._prompts[key]["zh_CN"]
        self._voice.say(text.format(**values), language)

    def _screen_changed(self) -> None:
        screen = self._c.screen
        if screen == self._last:
            return
        self._last = screen
        self._warned = False
        journey = self._c.journey
        result = journey.result if journey is not None else None
        number = result.number if result is not None else ""
        self._say(str(screen), number=" ".join(number))  # "A 0 2 3" is read digit by digit

    def idle_tick(self, countdown: float | None) -> None:
        """Say "still there?" once when the countdown appears."""
        if countdown is None:
            self._warned = False
        elif not self._warned:
            self._warned = True
            self._say("idle")
