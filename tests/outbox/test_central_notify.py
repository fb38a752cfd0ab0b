"""The centre as systemd runs it (Type=notify): READY=1 once it serves, in one process or
with several workers (PostgreSQL), and STOPPING=1 on stop."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest
import requests

from tests.outbox.conftest import CENTRAL, clean_env, free_port


def _serve_and_listen(tmp_path: Path, db: str, *extra: str) -> None:
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify.sock"))
    notify.settimeout(120)  # a loaded CI machine starts Python slowly
    port = free_port()
    env = dict(clean_env(), NOTIFY_SOCKET=str(tmp_path / "notify.sock"))
    proc = subprocess.Popen(
        [CENTRAL, "serve", "--db", db, "--blobs", str(tmp_path / "blobs"), "--port", str(port),
         *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # its workers go with it whatever happens
    )  # fmt: skip
    try:
        first = notify.recv(4096).decode()
        assert first.startswith("READY=1"), first
        # Ready means serving: a request is answered at once.
        session = requests.Session()
        session.trust_env = False
        assert session.get(f"http://127.0.0.1:{port}/v1/health", timeout=5).status_code == 200
        proc.terminate()
        # uvicorn re-raises SIGTERM after a clean shutdown; systemd counts that as success.
        assert proc.wait(timeout=60) in (0, -signal.SIGTERM)
        if not extra:
            assert notify.recv(4096).decode().startswith("STOPPING=1")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        notify.close()


@pytest.mark.daemon
def test_the_centre_tells_systemd_when_it_serves(tmp_path: Path) -> None:
    _serve_and_listen(tmp_path, str(tmp_path / "c.db"))


@pytest.mark.daemon
def test_each_worker_tells_systemd_when_it_serves(tmp_path: Path, postgres_url: str) -> None:
    _serve_and_listen(tmp_path, postgres_url, "--workers", "2")
