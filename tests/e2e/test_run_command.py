"""``kiosk run`` starts to the attract screen and stops cleanly when systemd says so."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.kiosk_process import start_kiosk, stop_kiosk


def test_kiosk_run_reaches_attract_screen_and_stops_on_sigterm(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[terminal]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    proc, log = start_kiosk(cfg)
    try:
        assert "attract screen up" in log, log
    finally:
        stop_kiosk(proc, log)
