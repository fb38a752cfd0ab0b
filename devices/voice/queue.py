"""The order prompts are spoken in: a short prompt is never cut off by the next one.

A citizen who places the card while "please place your ID card" is still being said
hears the end of it, then the next screen's prompt. A long prompt (an explanation the
citizen has already moved past) is cut off instead. Only the newest waiting prompt is
kept: after two quick screen changes, the middle screen's prompt is no longer true.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

# A prompt still playing is let finish when it is at most this long (seconds).
SHORT_PROMPT_S = 6.0


@dataclass(frozen=True)
class Prompt:
    text: str
    language: str
    volume: int


class Playing(Protocol):
    """One prompt being spoken."""

    duration_s: float

    def done(self) -> bool: ...

    def cut(self) -> None: ...


Start = Callable[[Prompt], Playing | None]


class PromptQueue:
    """Plays prompts one at a time on its own thread, by the rule above."""

    def __init__(self, start: Start) -> None:
        self._start = start
        self._lock = threading.Condition()
        self._playing: Playing | None = None
        self._waiting: Prompt | None = None
        self._cuts = 0  # bumped by every cut: a prompt starting meanwhile is cut too
        self._starting = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
        self._thread.start()

    def say(self, prompt: Prompt, interrupt: bool = False) -> None:
        with self._lock:
            playing = self._playing
            long_one = (
                playing is not None and not playing.done() and (playing.duration_s > SHORT_PROMPT_S)
            )
            if interrupt or long_one:
                self._cut()
            # Otherwise nothing plays, or a short prompt plays (or is starting): wait.
            self._waiting = prompt
            self._lock.notify_all()

    def stop(self) -> None:
        with self._lock:
            self._cut()
            self._waiting = None

    def _cut(self) -> None:
        """Cut off what plays (and what is starting right now); caller holds the lock."""
        self._cuts += 1
        if self._playing is not None:
            self._playing.cut()
        self._playing = None

    def idle(self) -> bool:
        with self._lock:
            return (
                self._waiting is None
                and not self._starting
                and (self._playing is None or self._playing.done())
            )

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Block until nothing plays or waits (tests and the command line)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.idle():
                return True
            time.sleep(0.02)
        return self.idle()

    def close(self) -> None:
        self.stop()
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._closed and (
                    self._waiting is None
                    or (self._playing is not None and not self._playing.done())
                ):
                    self._lock.wait(timeout=0.05)
                if self._closed:
                    return
                prompt, self._waiting = self._waiting, None
                cuts = self._cuts
                self._starting = True
            assert prompt is not None
            playing = self._start(prompt)  # outside the lock: may take a moment
            with self._lock:
                if playing is not None and (self._cuts != cuts or self._closed):
                    playing.cut()  # stopped or interrupted while it was starting
                    playing = None
                elif playing is not None and self._waiting and playing.duration_s > SHORT_PROMPT_S:
                    playing.cut()  # a long one never holds up the next prompt
                    playing = None
                self._playing = playing
                self._starting = False
