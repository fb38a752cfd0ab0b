"""A private pcscd with one vpcd virtual reader, for tests and benchmarks.

pcscd 1.9 always puts its socket at /run/pcscd/pcscd.comm (it ignores
PCSCLITE_CSOCK_NAME; only the client library reads it). To stay clear of a system
pcscd and of a second test worker, we start pcscd in a mount namespace of its own
where /run/pcscd is a private directory, give it a reader.conf.d with vpcd on free
ports, and point our client library at the private socket via PCSCLITE_CSOCK_NAME.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")


class PcscdUnavailable(RuntimeError):
    """pcscd or the vpcd driver is missing, or no private namespace can be made."""


@dataclass
class PrivatePcscd:
    process: subprocess.Popen[bytes]
    directory: Path
    port: int  # vpcd listens here for reader "Virtual PCD 00 00" (and port+1 for "00 01")
    socket_path: Path
    log_path: Path

    @property
    def reader(self) -> str:
        return "Virtual PCD 00 00"

    def env(self) -> dict[str, str]:
        """Environment for a child process (e.g. the kiosk CLI) to use this pcscd."""
        return {**os.environ, "PCSCLITE_CSOCK_NAME": str(self.socket_path)}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as a:
            a.bind(("0.0.0.0", 0))  # vpcd listens on all interfaces
            port = a.getsockname()[1]
            if port >= 65535:
                continue
            with socket.socket() as b:
                try:
                    b.bind(("0.0.0.0", port + 1))
                except OSError:
                    continue
        return port
    raise PcscdUnavailable("no pair of free TCP ports for vpcd")


def restart(daemon: PrivatePcscd) -> PrivatePcscd:
    """Stop pcscd and start it again on the same socket and ports (a service restart)."""
    daemon.stop()
    return start_pcscd(daemon.directory, daemon.port)


def start_pcscd(directory: Path, port: int | None = None) -> PrivatePcscd:
    """Start a pcscd of our own; returns once it is ready.

    First choice: a private mount namespace (any system pcscd stays untouched). Where
    namespaces are not allowed and no other pcscd owns /run/pcscd, pcscd runs there
    directly, still with our own reader.conf.d and ports.
    """
    pcscd = shutil.which("pcscd") or "/usr/sbin/pcscd"
    if not Path(pcscd).exists() or not VPCD_DRIVER.exists():
        raise PcscdUnavailable("pcscd or vsmartcard-vpcd is not installed")
    port = port or _free_port_pair()
    conf = directory / "reader.conf.d"
    run = directory / "run"
    conf.mkdir(parents=True, exist_ok=True)
    run.mkdir(exist_ok=True)
    (conf / "vpcd").write_text(
        'FRIENDLYNAME "Virtual PCD"\n'
        f"DEVICENAME   /dev/null:0x{port:04X}\n"
        f"LIBPATH      {VPCD_DRIVER}\n"
        f"CHANNELID    0x{port:04X}\n"
    )
    daemon_cmd = f'exec "{pcscd}" -f -i -c "{conf}"'
    unshare = shutil.which("unshare")
    problem = "unshare (util-linux) is not installed"
    if unshare is not None:
        try:
            Path("/run/pcscd").mkdir(parents=True, exist_ok=True)  # the mount point
            script = f'mount --bind "{run}" /run/pcscd && {daemon_cmd}'
            cmd = [unshare, "--mount", "--propagation", "private", "sh", "-c", script]
            return _launch(cmd, directory, port, run / "pcscd.comm")
        except (PcscdUnavailable, OSError) as exc:
            problem = str(exc)
    system_socket = Path("/run/pcscd/pcscd.comm")
    if system_socket.exists():
        raise PcscdUnavailable(
            f"no private mount namespace ({problem}) and another pcscd owns /run/pcscd"
        )
    return _launch(["sh", "-c", daemon_cmd], directory, port, system_socket)


def _launch(cmd: list[str], directory: Path, port: int, socket_path: Path) -> PrivatePcscd:
    log_path = directory / "pcscd.log"
    with log_path.open("wb") as log:  # truncated on restart: "daemon ready" means this run
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    daemon = PrivatePcscd(proc, directory, port, socket_path, log_path)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise PcscdUnavailable(f"pcscd exited: {log_path.read_text(errors='replace')[-300:]}")
        if socket_path.exists() and b"daemon ready" in log_path.read_bytes():
            return daemon
        time.sleep(0.05)
    daemon.stop()
    raise PcscdUnavailable("pcscd did not become ready in 10 s")
