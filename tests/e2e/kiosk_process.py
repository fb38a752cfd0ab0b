"""``kiosk run`` as a real process, offscreen, read until its attract screen is drawn."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

KIOSK = Path(sys.executable).with_name("kiosk")


def start_kiosk(config: Path, timeout_s: float = 60) -> tuple[subprocess.Popen[str], str]:
    """Start ``kiosk run --windowed --config config``; return it and its log up to the line
    saying the attract screen is up (or all it wrote before exiting or ``timeout_s``)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [str(KIOSK), "run", "--windowed", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout_s
    for line in proc.stdout:
        lines.append(line)
        if "attract screen up" in line or time.monotonic() > deadline:
            break
    return proc, "".join(lines)


def stop_kiosk(proc: subprocess.Popen[str], log: str) -> str:
    """SIGTERM, as systemd stops it: the kiosk must exit 0 with no traceback. Returns
    everything it wrote."""
    try:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.stdout is not None
    everything = log + proc.stdout.read()
    assert "Traceback" not in everything, everything
    return everything
