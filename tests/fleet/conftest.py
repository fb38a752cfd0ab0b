"""Real peers for the fleet tests: the centre (``kiosk-central serve --fleet-repo``) over
mTLS with certificates made by ``gen-certs``, and an attacker's mirror: a static HTTPS
server with the centre's own certificate (someone who took over its host) that serves
whatever repository copy the test hands it."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from central.fleet.repo import FleetRepository, init_repository
from kiosk.config.loader import LayeredConfig, load_layered
from tests.outbox.conftest import CENTRAL, Central, clean_env, free_port

TERMINALS = {"T01": "hall-a", "T02": "hall-a", "T03": "hall-b"}
PIN_HASH = (
    "pbkdf2-sha256$100000$0123456789abcdef$"
    "a2c6b0e7f0c0a56bb0f9c1b0dfa9ecaa26e6f8c9eb0f6f9c3a0f1d3e2b4c5d6e"
)


@dataclass
class Pki:
    dir: Path

    @property
    def ca(self) -> Path:
        return self.dir / "ca.pem"

    def cert(self, tid: str) -> Path:
        return self.dir / f"terminal-{tid}.pem"

    def key(self, tid: str) -> Path:
        return self.dir / f"terminal-{tid}.key"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """One CA; T01 and T02 in hall-a, T03 in hall-b (the hall is in the certificate)."""
    out = tmp_path_factory.mktemp("pki")
    for hall in sorted(set(TERMINALS.values())):
        args = [CENTRAL, "gen-certs", str(out), "--hall", hall]
        for tid in (t for t, h in TERMINALS.items() if h == hall):
            args += ["--terminal", tid]
        subprocess.run(args, check=True, capture_output=True, env=clean_env())
    return Pki(out)


def central_args(pki: Pki, repo: Path) -> list[str]:
    return [
        "--tls-cert",
        str(pki.dir / "server.pem"),
        "--tls-key",
        str(pki.dir / "server.key"),
        "--client-ca",
        str(pki.ca),
        "--fleet-repo",
        str(repo),
    ]


@dataclass
class Fleet:
    """A repository, the centre serving it, and terminal configs pointing at it."""

    tmp: Path
    pki: Pki
    repo_dir: Path
    centre: Central

    @property
    def repo(self) -> FleetRepository:
        return FleetRepository(self.repo_dir)

    def terminal_config(
        self, tid: str, url: str | None = None, extra: str = "", probation_s: int = 5
    ) -> Path:
        folder = self.tmp / f"terminal-{tid}"
        folder.mkdir(exist_ok=True)
        path = folder / "kiosk.toml"
        path.write_text(
            f"""
[terminal]
id = "{tid}"
hall_id = "{TERMINALS[tid]}"
data_dir = "{folder / "data"}"
[devices]
ticket_printer = "sim://?delay_ms=20"
form_printer = "sim://?delay_ms=20"
id_card = "sim://?read_ms=20"
camera = "sim://"
[central]
url = "{url or self.centre.url}"
ca_file = "{self.pki.ca}"
client_cert = "{self.pki.cert(tid)}"
client_key = "{self.pki.key(tid)}"
[fleet]
root = "{self.repo_dir / "root.json"}"
probation_s = {probation_s}
{extra}
""",
            encoding="utf-8",
        )
        return path

    def layered(self, tid: str, **kw: str) -> LayeredConfig:
        return load_layered(self.terminal_config(tid, **kw))

    def publish(self, *args: str) -> int:
        """``kiosk-central fleet publish`` as the admin runs it; returns the version."""
        out = subprocess.run(
            [CENTRAL, "fleet", "publish", "--repo", str(self.repo_dir), *args],
            capture_output=True,
            text=True,
            env=clean_env(),
        )
        assert out.returncode == 0, out.stderr
        return int(out.stdout.strip())

    def toml(self, name: str, text: str) -> str:
        path = self.tmp / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    def snapshot(self, name: str) -> Path:
        """A copy of the repository as it is now (what an attacker could replay)."""
        dest = self.tmp / f"copy-{name}"
        shutil.copytree(self.repo_dir, dest)
        return dest


@contextlib.contextmanager
def running_fleet(
    tmp_path: Path, pki: Pki, db: str | None = None, extra: tuple[str, ...] = ()
) -> Iterator[Fleet]:
    """A new repository and a centre serving it (SQLite in ``tmp_path`` by default)."""
    repo_dir = tmp_path / "repo"
    init_repository(repo_dir)
    port = free_port()
    centre = Central(
        url=f"https://127.0.0.1:{port}",
        db=db or f"sqlite:///{tmp_path / 'central.db'}",
        port=port,
        args=[*central_args(pki, repo_dir), *extra],
        verify=str(pki.ca),
        log_path=tmp_path / "central.log",
    )
    centre.start()
    try:
        yield Fleet(tmp_path, pki, repo_dir, centre)
    finally:
        centre.stop()


@pytest.fixture
def fleet(tmp_path: Path, pki: Pki) -> Iterator[Fleet]:
    with running_fleet(tmp_path, pki) as f:
        yield f


class Mirror:
    """A static copy of a repository served over the centre's mTLS, never re-signed."""

    def __init__(self, pki: Pki) -> None:
        self.folder: Path | None = None
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_a: object) -> None:
                pass

            def do_GET(self) -> None:
                prefix = "/v1/fleet/"
                path = self.path.split("?", 1)[0]
                file = None
                if mirror.folder is not None and path.startswith(prefix):
                    rel = path[len(prefix) :]
                    candidate = (mirror.folder / rel).resolve()
                    if candidate.is_relative_to(mirror.folder) and candidate.is_file():
                        file = candidate
                if file is None:
                    self.send_error(404)
                    return
                data = file.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(pki.dir / "server.pem", pki.dir / "server.key")
        ctx.load_verify_locations(pki.ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, repo_copy: Path) -> None:
        """Serve ``repo_copy`` (``metadata/`` and ``targets/`` as the centre lays them out)."""
        self.folder = repo_copy.resolve()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def mirror(pki: Pki) -> Iterator[Mirror]:
    m = Mirror(pki)
    yield m
    m.close()


def short_lived_timestamp(repo_dir: Path, seconds: float) -> None:
    """Re-sign the timestamp so it expires in ``seconds`` (to play a freeze attack)."""
    repo = FleetRepository(repo_dir, expiry={"timestamp": dt.timedelta(seconds=seconds)})
    with repo.locked():
        repo.do_timestamp(force=True)


@contextlib.contextmanager
def no_centre(centre: Central) -> Iterator[None]:
    centre.stop()
    try:
        yield
    finally:
        centre.start()


FleetFactory = Callable[..., Fleet]
