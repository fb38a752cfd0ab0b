"""Telling systemd the centre is up (Type=notify): READY=1 once the app has started.

Outside systemd (no ``NOTIFY_SOCKET``) nothing is sent. Each uvicorn worker reports when
it is ready (the unit has ``NotifyAccess=all``); the first READY=1 ends the start.
"""

from __future__ import annotations

import importlib
import os
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


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


# The app factory the workers wrap (``--workers N``): set by :func:`serve`, inherited.
INNER_FACTORY_ENV = "KIOSK_CENTRAL_INNER_APP"


def serve(app: str, *, workers: int = 1, **options: Any) -> None:
    """``uvicorn.run(app, workers=..., **options)``, telling systemd when it is ready.

    One process: READY=1 once the socket listens, STOPPING=1 when it stops. Several
    workers: the supervisor binds the socket first, and each worker reports READY=1 when
    its app has started (the unit has ``NotifyAccess=all``).
    """
    if workers > 1:
        os.environ[INNER_FACTORY_ENV] = app
        uvicorn.run("central.service:notifying_app", workers=workers, **options)
        return

    class NotifyingServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                sd_notify(f"READY=1\nSTATUS=serving (pid {os.getpid()})")

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            sd_notify("STOPPING=1")
            await super().shutdown(sockets=sockets)

    NotifyingServer(uvicorn.Config(app, workers=1, **options)).run()


def notifying_app() -> NotifyWhenStarted:
    """The uvicorn factory of each worker: the real app, wrapped to report READY=1."""
    module, _, attr = os.environ[INNER_FACTORY_ENV].partition(":")
    return NotifyWhenStarted(getattr(importlib.import_module(module), attr)())


class NotifyWhenStarted:
    """ASGI wrapper for worker processes (the supervisor has bound the socket already):
    READY=1 when the app's lifespan startup has completed."""

    def __init__(self, app: Callable[[Message, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def send_and_notify(message: Message) -> None:
            await send(message)
            if message["type"] == "lifespan.startup.complete":
                sd_notify(f"READY=1\nSTATUS=serving (pid {os.getpid()})")
            elif message["type"] == "lifespan.shutdown.complete":
                sd_notify("STOPPING=1")

        await self.app(scope, receive, send_and_notify)
