"""Spoken prompts: when the screen changes, say that screen's prompt in the citizen's language."""

from __future__ import annotations

import logging
import tomllib
from importlib import resources

from devices.voice.protocol import Voice
from kiosk.flows.journey import Announces
from kiosk.flows.kiosk import KioskController

log = logging.getLogger(__name__)


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
        self._last: str | None = None
        self._warned = False
        self._last_instruction = ""
        self._announced: tuple[int, int] = (0, 0)  # (journey, seq) last said
        controller.on_change(self._screen_changed)
        controller.on_change(self._announce)

    def _say(self, key: str, **values: str) -> None:
        if not self._enabled or key not in self._prompts:
            return
        language = self._c.language
        text = self._prompts[key].get(language) or self._prompts[key]["zh_CN"]
        try:
            self._voice.say(text.format(**values), language)
        except KeyError as exc:  # a prompt names a value the journey does not give
            log.warning("prompt %s needs %s", key, exc)

    def _screen_changed(self) -> None:
        screen = self._c.screen
        if screen == self._last:
            return
        self._last = screen
        self._warned = False
        journey = self._c.journey
        self._say(str(screen), **(journey.prompt_values() if journey is not None else {}))

    def _announce(self) -> None:
        """Say a journey's announcement (the first problem on Next) once per new one."""
        journey = self._c.journey
        note = journey.announcement if isinstance(journey, Announces) else None
        if note is None or (id(journey), note.seq) == self._announced:
            return
        self._announced = (id(journey), note.seq)
        if self._enabled:
            zh = self._c.language == "zh_CN"
            self._voice.say(note.zh if zh else note.en, self._c.language)

    def instruction(self, key: str, zh: str, en: str) -> None:
        """Speak a live photo instruction once, when it differs from the last one."""
        if key == self._last_instruction:
            return
        self._last_instruction = key
        if self._enabled and key:
            self._voice.say(zh if self._c.language == "zh_CN" else en, self._c.language)

    def idle_tick(self, countdown: float | None) -> None:
        """Say "still there?" once when the countdown appears."""
        if countdown is None:
            self._warned = False
        elif not self._warned:
            self._warned = True
            self._say("idle")
