"""Prompts through espeak-ng.

``espeak://`` plays on the default audio output; ``espeak:///DIR`` writes each prompt
to DIR/NNNN.wav instead (for tests and for checking prompts without speakers).
Mandarin needs the ``cmn-latn-pinyin`` voice: plain ``cmn`` reads characters wrongly.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import threading
from pathlib import Path

from devices.health import EventSink, Health, HealthState, HealthTracker
from devices.uri import DeviceUri

VOICES = {"zh_CN": "cmn-latn-pinyin", "en": "en-gb"}


class EspeakVoice:
    def __init__(self, uri: DeviceUri, role: str = "voice") -> None:
        self.uri = uri.raw
        self.rate = uri.int_param("rate", 150)
        self.out_dir = Path(uri.path) if uri.path not in ("", "/") else None
        self._binary = shutil.which("espeak-ng")
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._health = HealthTracker(role)
        if self._binary is None:
            self._health.set(HealthState.DEGRADED, "espeak-ng not installed: prompts are silent")

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=2)

    def say(self, text: str, language: str) -> None:
        if self._binary is None:
            return
        self.stop()
        cmd = [self._binary, "-v", VOICES.get(language, "en-gb"), "-s", str(self.rate)]
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            cmd += ["-w", str(self.out_dir / f"{next(self._seq):04d}.wav")]
        cmd.append(text)
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError as exc:
            self._health.set(HealthState.DEGRADED, f"espeak-ng failed: {exc}")
            return
        with self._lock:
            self._proc = proc
        self._health.count("prompts")

    def wait(self, timeout_s: float = 10.0) -> None:
        """Block until the current prompt is spoken (tests, and the CLI)."""
        with self._lock:
            proc = self._proc
        if proc is not None:
            proc.wait(timeout=timeout_s)
