"""``kiosk run`` itself takes a signed bundle: it polls, applies at the attract screen,
restarts in place on the new config and commits once its devices are healthy."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.config.loader import load_layered
from kiosk.fleet.generation import FleetDir
from tests.fleet.conftest import Fleet

pytestmark = [pytest.mark.daemon, pytest.mark.qt]


def test_the_running_kiosk_applies_restarts_and_commits(fleet: Fleet) -> None:
    # A restart under a loaded CI machine takes seconds: give it the time a terminal has.
    cfg = fleet.terminal_config("T01", extra="poll_s = 5\n", probation_s=120)
    fleet.publish("--all", fleet.toml("a.toml", "[ui]\nidle_timeout_s = 45\n"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    kiosk = Path(sys.executable).with_name("kiosk")
    proc = subprocess.Popen(
        [str(kiosk), "run", "--windowed", "--config", str(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: list[str] = []
    committed = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "committed" in line:
                committed.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert committed.wait(180), "".join(lines)
        text = "".join(lines)
        assert text.count("attract screen up") == 2  # before and after the restart
        assert "applied on probation" in text
        assert proc.poll() is None  # the same process (re-executed in place)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        reader.join(10)
    assert "Traceback" not in "".join(lines)
    layered = load_layered(cfg)
    assert layered.config.ui.idle_timeout_s == 45
    state = FleetDir(layered.config.terminal.data_path / "fleet").read_state()
    assert state.probation is None and state.last_error == ""
    assert time.time() - (state.last_check or 0) < 300
