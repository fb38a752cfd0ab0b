"""A private ``cupsd -f`` for tests: its own config dir, socket, port and backend.

Each pytest-xdist worker starts its own under its own temporary folder on a free
port, so two workers never meet.
"""

from __future__ import annotations

import getpass
import grp
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BACKEND = Path(__file__).with_name("testprn.sh")
CUPSD = "/usr/sbin/cupsd"
# What a terminal's cupsd is told (scripts/install-appliance sets these in cupsd.conf).
KIOSK_SETTINGS = Path(__file__).resolve().parents[3] / "systemd" / "cupsd-hall-kiosk.conf"

_CUPSD_CONF = """\
Listen {socket}
Listen 127.0.0.1:{port}
LogLevel info
JobRetryLimit 0
Browsing No
WebInterface No
DefaultAuthType None
{kiosk_settings}
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
"""
_FILES_CONF = """\
ServerRoot {root}/conf
ServerBin {root}/bin
DataDir /usr/share/cups
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/tmp
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
User {user}
Group {group}
SystemGroup {system_group}
FileDevice No
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PrivateCups:
    root: Path
    socket: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def server(self) -> str:
        return str(self.socket)

    def add_queue(self, name: str) -> Path:
        """A raw queue whose jobs land in (and whose faults are set by) the returned folder."""
        jobs = self.root / "jobs" / name
        jobs.mkdir(parents=True)
        jobs.chmod(0o777)
        subprocess.run(
            ["lpadmin", "-h", self.server, "-p", name, "-E", "-v", f"testprn:{jobs}", "-m", "raw"],
            check=True,
            capture_output=True,
        )
        return jobs

    @property
    def spool(self) -> Path:
        """cupsd's RequestRoot: job files (d*) and job records (c*) live here."""
        return self.root / "spool"

    def log(self) -> str:
        path = self.root / "log" / "error_log"
        return path.read_text(errors="replace") if path.exists() else ""


def cupsd_available() -> bool:
    return Path(CUPSD).exists() and shutil.which("lpadmin") is not None


@contextmanager
def private_cups(root: Path) -> Iterator[PrivateCups]:
    for sub in ("conf", "bin/backend", "spool", "cache", "state", "tmp", "log", "jobs"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    for part in ("daemon", "notifier"):
        if Path(f"/usr/lib/cups/{part}").exists():
            (root / "bin" / part).symlink_to(f"/usr/lib/cups/{part}")
    backend = root / "bin" / "backend" / "testprn"
    shutil.copy(BACKEND, backend)
    if os.geteuid() == 0:
        # A root-owned backend with mode 0700 runs as root; filters would run as lp.
        user, group, system_group = "lp", "lp", "root"
        backend.chmod(0o700)
    else:
        user = getpass.getuser()
        group = system_group = grp.getgrgid(os.getgid()).gr_name
        backend.chmod(0o755)
    sock = root / "cups.sock"
    port = free_port()
    kiosk_settings = KIOSK_SETTINGS.read_text(encoding="utf-8")
    (root / "conf" / "cupsd.conf").write_text(
        _CUPSD_CONF.format(socket=sock, port=port, kiosk_settings=kiosk_settings)
    )
    (root / "conf" / "cups-files.conf").write_text(
        _FILES_CONF.format(root=root, user=user, group=group, system_group=system_group)
    )
    process = subprocess.Popen(
        [
            CUPSD,
            "-f",
            "-c",
            str(root / "conf/cupsd.conf"),
            "-s",
            str(root / "conf/cups-files.conf"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while not sock.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"private cupsd did not start: {err}")
        time.sleep(0.02)
    try:
        yield PrivateCups(root, sock, port, process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
