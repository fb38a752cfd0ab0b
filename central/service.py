"""Telling systemd the centre is up (Type=notify): READY=1 once it accepts connections,
STOPPING=1 when it stops. Outside systemd (no ``NOTIFY_SOCKET``) nothing is sent."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess


def sd_notify(message: str) -> bool:
    """Send one sd_notify datagram; False when not under systemd or the send failed."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    target = "\0" + address[1:] if address.startswith("@") else address
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto(message.encode("utf-8"), target)
    except OSError:
        return False
    return True


class CentreConfig(uvicorn.Config):
    """uvicorn's config, with a TLS context that issues no session tickets: the
    terminals' HTTP client never resumes a session, and issuing two tickets per
    handshake was a third of the centre's handshake CPU (1 of 3 ms), which counts when
    every terminal reconnects at once after an outage."""

    def load(self) -> None:
        super().load()
        if self.ssl is not None:
            self.ssl.num_tickets = 0


class NotifyingServer(uvicorn.Server):
    """One uvicorn process: READY=1 right after its socket listens."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            sd_notify(f"READY=1\nSTATUS=serving (pid {os.getpid()})")

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        sd_notify("STOPPING=1")
        await super().shutdown(sockets=sockets)


def serve(app: str, *, workers: int = 1, **options: Any) -> None:
    """``uvicorn.run(app, workers=..., **options)``, telling systemd when it serves.

    With several workers this process binds the socket and supervises; the workers start
    listening on it when their app has started, and READY=1 goes out (from this, the main
    process) when the socket first accepts a connection.
    """
    config = CentreConfig(app, workers=workers, **options)
    if workers <= 1:
        NotifyingServer(config).run()
        return
    sock = config.bind_socket()
    threading.Thread(target=_ready_when_listening, args=(sock,), daemon=True).start()
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sd_notify("STOPPING=1")
        if config.uds and os.path.exists(config.uds):
            os.remove(config.uds)


def _ready_when_listening(sock: socket.socket) -> None:
    address = sock.getsockname()
    if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] in ("0.0.0.0", "::"):
        address = ("127.0.0.1" if sock.family == socket.AF_INET else "::1", *address[1:])
    while True:
        with contextlib.suppress(OSError), socket.socket(sock.family, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            probe.connect(address)
            sd_notify(f"READY=1\nSTATUS=serving (pid {os.getpid()}, workers)")
            return
        time.sleep(0.1)
