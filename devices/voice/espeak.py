"""Prompts through espeak-ng.

``espeak://`` plays on the default audio output; ``espeak:///DIR`` writes each prompt
to DIR/NNNN.wav instead, taking as long as the prompt lasts (for tests and for checking
prompts without speakers). Mandarin needs the ``cmn-latn-pinyin`` voice: plain ``cmn``
reads characters wrongly. Prompts follow each other by :mod:`devices.voice.queue`.
"""

from __future__ import annotations

import itertools
import shutil
import struct
import subprocess
import threading
import time
from pathlib import Path

from devices.health import EventSink, Health, HealthState, HealthTracker
from devices.uri import DeviceUri
from devices.voice.queue import Playing, Prompt, PromptQueue

VOICES = {"zh_CN": "cmn-latn-pinyin", "en": "en-gb"}
SAMPLE_RATE = 22050  # espeak-ng's WAV output: 16-bit mono at this rate
WAV_HEADER = 44


def command(binary: str, text: str, language: str, rate: int, volume: int) -> list[str]:
    """The espeak-ng command line for one prompt (without output options)."""
    voice = VOICES.get(language, "en-gb")
    return [binary, "-v", voice, "-s", str(rate), "-a", str(volume), text]


def synthesize(binary: str, text: str, language: str, rate: int, volume: int) -> bytes:
    """The prompt as a WAV file's bytes (espeak-ng --stdout, sizes filled in)."""
    cmd = command(binary, text, language, rate, volume)
    result = subprocess.run(
        [*cmd[:-1], "--stdout", cmd[-1]], check=True, capture_output=True, timeout=20
    )
    wav = bytearray(result.stdout)
    # A stream does not know its length: espeak-ng writes 0x7fffffff as the sizes.
    if len(wav) >= WAV_HEADER and wav[:4] == b"RIFF" and wav[36:40] == b"data":
        wav[4:8] = struct.pack("<I", len(wav) - 8)
        wav[40:44] = struct.pack("<I", len(wav) - WAV_HEADER)
    return bytes(wav)


def wav_seconds(wav: bytes) -> float:
    return max(0, len(wav) - WAV_HEADER) / (2 * SAMPLE_RATE)


class _Timed:
    """A prompt written to a file: it "plays" for as long as it lasts."""

    def __init__(self, duration_s: float) -> None:
        self.duration_s = duration_s
        self._ends = time.monotonic() + duration_s

    def done(self) -> bool:
        return time.monotonic() >= self._ends

    def cut(self) -> None:
        self._ends = 0.0


class _Process:
    """A prompt played by an espeak-ng process."""

    def __init__(self, proc: subprocess.Popen[bytes], duration_s: float) -> None:
        self.duration_s = duration_s
        self._proc = proc

    def done(self) -> bool:
        return self._proc.poll() is not None

    def cut(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._proc.kill()


class EspeakVoice:
    def __init__(self, uri: DeviceUri, role: str = "voice") -> None:
        self.uri = uri.raw
        self.rate = uri.int_param("rate", 150)
        self.volume = uri.int_param("volume", 100)
        self.out_dir = Path(uri.path) if uri.path not in ("", "/") else None
        self._binary = shutil.which("espeak-ng")
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._health = HealthTracker(role)
        self._queue = PromptQueue(self._start)
        if self._binary is None:
            self._health.set(HealthState.DEGRADED, "espeak-ng not installed: prompts are silent")

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        self._queue.close()

    def stop(self) -> None:
        self._queue.stop()

    def set_volume(self, percent: int) -> None:
        self.volume = max(10, min(200, int(percent)))

    def say(self, text: str, language: str, interrupt: bool = False) -> None:
        if self._binary is None:
            return
        self._queue.say(Prompt(text, language, self.volume), interrupt=interrupt)

    def wait(self, timeout_s: float = 30.0) -> None:
        """Block until every prompt asked for has been spoken (tests, and the CLI)."""
        self._queue.wait_idle(timeout_s)

    def _start(self, prompt: Prompt) -> Playing | None:
        assert self._binary is not None
        try:
            wav = synthesize(self._binary, prompt.text, prompt.language, self.rate, prompt.volume)
            seconds = wav_seconds(wav)
            if self.out_dir is not None:
                self.out_dir.mkdir(parents=True, exist_ok=True)
                (self.out_dir / f"{next(self._seq):04d}.wav").write_bytes(wav)
                playing: Playing = _Timed(seconds)
            else:
                cmd = command(self._binary, prompt.text, prompt.language, self.rate, prompt.volume)
                proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                playing = _Process(proc, seconds)
        except (OSError, subprocess.SubprocessError) as exc:
            self._health.set(HealthState.DEGRADED, f"espeak-ng failed: {exc}")
            return None
        self._health.count("prompts")
        return playing
