"""Real peers for the outbox tests: the centre as a subprocess on a free loopback port,
a private PostgreSQL server, and a fault-injecting HTTP proxy in front of the centre."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

VENV_BIN = Path(sys.executable).parent
CENTRAL = str(VENV_BIN / "kiosk-central")
KIOSK = str(VENV_BIN / "kiosk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_listening(port: int, proc: subprocess.Popen, what: str, timeout: float = 60.0) -> None:
    """Until a daemon we started accepts connections on 127.0.0.1:port (or has exited)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


def clean_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KIOSK_OUTBOX_CRASH", None)
    env["KIOSK_CONFIG"] = "/nonexistent/kiosk.toml"  # defaults only, never /etc
    return env


@dataclass
class Central:
    """A running ``kiosk-central serve``."""

    url: str
    db: str
    port: int
    proc: subprocess.Popen[bytes] | None = None
    args: list[str] = field(default_factory=list)
    verify: str | bool = False
    cert: tuple[str, str] | None = None
    admin_token: str = ""
    log_path: Path | None = None

    def start(self, timeout: float = 60.0) -> None:
        if not self.admin_token:
            self.admin_token = add_staff(self.db, f"admin-{self.port}", "admin")
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.proc = subprocess.Popen(
                [CENTRAL, "serve", "--db", self.db, "--port", str(self.port), *self.args],
                stdout=log,
                stderr=log,
                env=clean_env(),
            )
        finally:
            if self.log_path:
                log.close()  # type: ignore[union-attr]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kiosk-central exited: {self.log()}")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            time.sleep(0.1)
        raise RuntimeError("kiosk-central did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log(self) -> str:
        """What the centre wrote to stdout and stderr so far."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def session(self) -> requests.Session:
        s = requests.Session()
        s.trust_env = False
        s.verify = self.verify
        if self.cert:
            s.cert = self.cert
        return s

    def staff_session(self, token: str | None = None) -> requests.Session:
        """A person's session: no client certificate, a bearer token (admin by default)."""
        s = requests.Session()
        s.trust_env = False
        s.verify = self.verify
        s.headers["Authorization"] = f"Bearer {token or self.admin_token}"
        return s

    def stats(self) -> dict:
        """Counts from the running service (as the fleet admin)."""
        r = self.staff_session().get(f"{self.url}/v1/stats", timeout=30)
        r.raise_for_status()
        return dict(r.json())

    def cli_stats(self) -> dict:
        """Counts read by ``kiosk-central stats --json`` straight from the database."""
        out = subprocess.run(
            [CENTRAL, "stats", "--db", self.db, "--json"],
            capture_output=True,
            check=True,
            env=clean_env(),
        )
        import json

        return json.loads(out.stdout)


def add_staff(db: str, name: str, role: str, hall: str | None = None) -> str:
    """A staff member's bearer token, made as ``kiosk-central staff add`` makes it."""
    from central.credentials import Credentials, Role
    from central.store import open_database

    database = open_database(db, 1)
    try:
        return Credentials(database).add_staff(name, Role(role), hall)
    finally:
        database.dispose()


def _central_factory(tmp_path: Path) -> Iterator[Callable[..., Central]]:
    started: list[Central] = []

    def make(*args: str, db: str | None = None, port: int | None = None, start: bool = True):
        port = port or free_port()
        scheme = "https" if "--tls-cert" in args else "http"
        args_list = list(args)
        if "--client-ca" not in args and "--behind-proxy" not in args:
            # Plain loopback centre for the outbox tests: terminals name themselves.
            args_list.append("--insecure-claimed-identity")
        if db is not None and "--blobs" not in args:
            args_list += ["--blobs", str(tmp_path / f"blobs-{port}")]
        c = Central(
            url=f"{scheme}://127.0.0.1:{port}",
            db=db or f"sqlite:///{tmp_path / f'central-{port}.db'}",
            port=port,
            args=args_list,
            log_path=tmp_path / f"central-{port}.log",
        )
        started.append(c)
        if start:
            c.start()
        return c

    yield make
    for c in started:
        c.stop()


@pytest.fixture
def central_factory(tmp_path: Path) -> Iterator[Callable[..., Central]]:
    """Start centres of your own (TLS options, a given port, PostgreSQL...)."""
    yield from _central_factory(tmp_path)


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    """One SQLite centre shared by a module's tests: each test uses its own terminal or
    hall ids and counts differences, so they need not wait for a centre each."""
    gen = _central_factory(tmp_path_factory.mktemp("central"))
    yield next(gen)()
    with contextlib.suppress(StopIteration):
        next(gen)


# --- PostgreSQL ------------------------------------------------------------------------
def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    pytest.skip(f"PostgreSQL {name} not installed")
    raise AssertionError


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A private PostgreSQL server for this test session (trust auth, loopback only)."""
    # Not under pytest's tmp dir: that is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="outbox-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = free_port()
    subprocess.run(
        [*as_user, _pg_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E",
         "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    log = base / "pg.log"
    subprocess.run(
        [*as_user, _pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "30",
         "-o", f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, _pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


# --- a misbehaving network in front of the centre ----------------------------------------
class FaultProxy:
    """Forwards to the centre, except when a scripted fault is queued.

    Actions: ``("status", code, retry_after_or_None)``, ``("garbage",)``, ``("slow", s)``
    (forwards after a delay), ``("drop",)`` (closes the connection unanswered),
    ``("stored_garbage",)`` (forwards, then answers garbage: the centre has stored it).
    ``on_request(phase)`` is called with "before" (nothing forwarded yet) and "after" (the
    centre answered, the reply not yet passed on): the fault tests kill the client there.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.script: list[tuple] = []
        self.lock = threading.Lock()
        self.seen: list[str] = []
        self.on_request: Callable[[str], None] | None = None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_a: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                with proxy.lock:
                    proxy.seen.append(self.path)
                    action = proxy.script.pop(0) if proxy.script else ("pass",)
                if proxy.on_request:
                    proxy.on_request("before")
                kind = action[0]
                if kind == "status":
                    payload = b'{"detail":"scripted"}'
                    self.send_response(action[1])
                    if action[2] is not None:
                        self.send_header("Retry-After", str(action[2]))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if kind == "garbage":
                    payload = b"<html>proxy error \xff\xfe</html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if kind == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if kind == "slow":
                    time.sleep(action[1])
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                try:
                    with requests.Session() as up:
                        up.trust_env = False  # no proxy / CA settings from the environment
                        resp = up.post(proxy.upstream + self.path, data=body, headers=headers,
                                       timeout=60)  # fmt: skip
                except requests.RequestException:
                    self.send_error(502)
                    return
                if proxy.on_request:
                    proxy.on_request("after")
                if kind == "stored_garbage":  # the centre stored it; the reply is lost
                    payload = b"\x00\x01 not json"
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self.send_response(resp.status_code)
                for k, v in resp.headers.items():
                    if k.lower() in ("content-type", "retry-after"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(resp.content)))
                self.end_headers()
                self.wfile.write(resp.content)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # A client SIGKILLed mid-request resets the connection: expected here, not news.
        self.server.handle_error = lambda *_a: None  # type: ignore[method-assign]
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fault_proxy(central: Central) -> Iterator[FaultProxy]:
    proxy = FaultProxy(central.url)
    yield proxy
    proxy.close()


def wait_for(pred: Callable[[], bool], timeout: float = 30.0, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(every)
    return pred()
