"""What the core asks of the voice: say one prompt, cutting off the previous one."""

from __future__ import annotations

from typing import Protocol

from devices.base import Device


class Voice(Device, Protocol):
    def say(self, text: str, language: str) -> None:
        """Start speaking ``text`` (``zh_CN`` or ``en``); returns at once."""

    def stop(self) -> None:
        """Stop speaking now (the citizen moved on)."""
