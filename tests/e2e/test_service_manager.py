"""The kiosk as systemd runs it (Type=notify): READY=1 once the attract screen is up,
WATCHDOG=1 from the Qt event loop (a wedged UI thread stops it), STATUS=, STOPPING=1,
and its data in $STATE_DIRECTORY. The service manager is a datagram socket in the test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import KioskConfig
from kiosk.service import ServiceNotifier
from kiosk.terminal import build_terminal

WATCHDOG_USEC = 4_000_000  # pings every 4/3 s; systemd needs one at least every 2 s


class FakeServiceManager:
    """Receives sd_notify datagrams, each with its arrival time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.messages: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            self.messages.append((time.monotonic(), data.decode()))

    def times(self, prefix: str) -> list[float]:
        return [
            t for t, m in list(self.messages) if any(x.startswith(prefix) for x in m.split("\n"))
        ]

    def wait_for(self, prefix: str, timeout_s: float) -> float | None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.times(prefix)
            if found:
                return found[0]
            time.sleep(0.05)
        return None

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def manager(tmp_path: Path) -> Iterator[FakeServiceManager]:
    m = FakeServiceManager(tmp_path / "notify.sock")
    yield m
    m.close()


def test_kiosk_run_is_ready_pings_the_watchdog_and_keeps_data_in_state_directory(
    tmp_path: Path, manager: FakeServiceManager
) -> None:
    data_dir, state_dir = tmp_path / "data-from-config", tmp_path / "state"
    state_dir.mkdir(mode=0o700)
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[terminal]\ndata_dir = "{data_dir}"\n', encoding="utf-8")
    # What systemd puts in the environment of a Type=notify service with these settings.
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        NOTIFY_SOCKET=str(manager.path),
        WATCHDOG_USEC=str(WATCHDOG_USEC),
        STATE_DIRECTORY=str(state_dir),
    )
    kiosk = Path(sys.executable).with_name("kiosk")
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(kiosk), "run", "--windowed", "--config", str(cfg)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        ready = manager.wait_for("READY=1", 30)
        assert ready is not None, "no READY=1 within 30 s of the start"
        ready_msg = next(m for t, m in manager.messages if "READY=1" in m)
        assert "STATUS=screen attract" in ready_msg
        print(f"READY=1 {ready - started:.2f} s after the start")
        time.sleep(3 * WATCHDOG_USEC / 1e6)
        pings = [t for t in manager.times("WATCHDOG=1") if t >= ready]
        assert len(pings) >= 3, manager.messages
        gaps = [b - a for a, b in zip([ready, *pings], pings, strict=False)]
        assert max(gaps) <= WATCHDOG_USEC / 2 / 1e6, gaps
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert manager.wait_for("STOPPING=1", 2) is not None
    assert list(state_dir.rglob("outbox.db")), "the outbox is not in $STATE_DIRECTORY"
    assert not data_dir.exists(), "data went to the config's data_dir, not $STATE_DIRECTORY"


@pytest.mark.qt
def test_a_wedged_ui_thread_stops_the_watchdog_pings(
    qapp: object, config: KioskConfig, manager: FakeServiceManager
) -> None:
    from PySide6.QtGui import QGuiApplication

    from ui.app import KioskUi

    usec = 600_000  # pings every 200 ms
    notifier = ServiceNotifier({"NOTIFY_SOCKET": str(manager.path), "WATCHDOG_USEC": str(usec)})
    ui = KioskUi(build_terminal(config), notifier=notifier)
    try:
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            QGuiApplication.processEvents()
            time.sleep(0.01)
        assert len(manager.times("WATCHDOG=1")) >= 3
        # The UI thread hangs (as in a deadlock or an endless loop); every other thread,
        # the devices' and the receiver's, runs on.
        frozen_at = time.monotonic()
        time.sleep(2.0)
        thawed_at = time.monotonic()
        during = [t for t in manager.times("WATCHDOG=1") if frozen_at + 0.05 < t < thawed_at]
        assert during == [], "pings went on while the UI thread was wedged"
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            QGuiApplication.processEvents()
            time.sleep(0.01)
        assert [t for t in manager.times("WATCHDOG=1") if t > thawed_at], "pings did not resume"
    finally:
        ui.close()
