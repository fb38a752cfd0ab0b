"""What the core asks of the voice: say a prompt, repeat, stop, and how loud."""

from __future__ import annotations

from typing import Protocol

from devices.base import Device


class Voice(Device, Protocol):
    def say(self, text: str, language: str, interrupt: bool = False) -> None:
        """Speak ``text`` (``zh_CN`` or ``en``); returns at once.

        A prompt still playing that is short (:data:`devices.voice.queue.SHORT_PROMPT_S`)
        is let finish and ``text`` follows it; a long one is cut off. ``interrupt``
        cuts off whatever plays (the citizen asked to hear it again)."""

    def stop(self) -> None:
        """Stop speaking now and forget what waits (the session ended)."""

    def set_volume(self, percent: int) -> None:
        """Loudness of the next prompts, 10..200 (100 = the engine's normal)."""
