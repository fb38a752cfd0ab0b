"""Starting a terminal starts its devices (the camera on first use) and its outbox sync."""

from __future__ import annotations

import threading
from pathlib import Path

from devices.base import DeviceKind
from kiosk.terminal import build_terminal
from tests.support import make_config


def test_start_runs_the_sync_worker_and_leaves_the_camera_for_later(tmp_path: Path) -> None:
    config = make_config(tmp_path / "data", '[central]\nurl = "http://127.0.0.1:9"\n')
    terminal = build_terminal(config)
    assert terminal.sync is not None
    terminal.start()
    try:
        names = {t.name for t in threading.enumerate()}
        assert "outbox-sync" in names  # the outbox drains to the centre while the kiosk runs
        assert "sim-camera" not in names  # the camera waits for the first photo journey
        terminal.use(DeviceKind.CAMERA)
        assert "sim-camera" in {t.name for t in threading.enumerate()}
    finally:
        terminal.close()
