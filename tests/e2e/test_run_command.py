"""``kiosk run`` starts to the attract screen and stops cleanly when systemd says so."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.e2e.kiosk_process import start_kiosk


def test_kiosk_run_reaches_attract_screen_and_stops_on_sigterm(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[terminal]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    proc, log = start_kiosk(cfg)
    try:
        assert "attract screen up" in log, log
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.stdout is not None
    assert "Traceback" not in log + proc.stdout.read()
