"""``kiosk run`` starts to the attract screen and stops cleanly when systemd says so."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def test_kiosk_run_reaches_attract_screen_and_stops_on_sigterm(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[terminal]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    kiosk = Path(sys.executable).with_name("kiosk")
    proc = subprocess.Popen(
        [str(kiosk), "run", "--windowed", "--config", str(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    try:
        for line in proc.stdout:
            lines.append(line)
            if "attract screen up" in line or time.monotonic() > deadline:
                break
        assert any("attract screen up" in x for x in lines), "".join(lines)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    rest = proc.stdout.read()
    assert "Traceback" not in "".join(lines) + rest
