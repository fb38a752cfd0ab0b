"""Talking to systemd: readiness, the watchdog, and a one-line status (sd_notify).

Outside systemd (no ``NOTIFY_SOCKET``) every call does nothing. The watchdog is pinged
by whoever owns the main loop (the Qt front end pings from its event loop, so a wedged
UI thread stops the pings and systemd restarts the kiosk).
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)

# A status line is for a technician's `systemctl status`; keep it short and free of data.
STATUS_MAX = 120


class ServiceNotifier:
    """READY=1, WATCHDOG=1, STATUS=... and STOPPING=1 to the service manager."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        # "@name" is an abstract socket: its name starts with a NUL byte.
        self._address = "\0" + address[1:] if address.startswith("@") else address
        self.enabled = bool(address)
        self._socket: socket.socket | None = None
        self.watchdog_s = _watchdog_seconds(env)
        self._status = ""

    def _send(self, message: str) -> None:
        """One datagram; a failure is logged, never raised (the kiosk matters more)."""
        if not self.enabled:
            return
        try:
            if self._socket is None:
                kind = socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                self._socket = socket.socket(socket.AF_UNIX, kind)
            self._socket.sendto(message.encode("utf-8"), self._address)
        except OSError as exc:
            log.warning("sd_notify %s failed: %s", message.split("=")[0], exc)

    def ready(self, status: str) -> None:
        """The kiosk is up (attract screen shown): systemd stops waiting for the start."""
        self._status = _clip(status)
        self._send(f"READY=1\nSTATUS={self._status}")
        if self.enabled:
            log.info("told systemd: ready (%s)", self._status)

    def status(self, status: str) -> None:
        """Shown by `systemctl status`; sent only when it changes."""
        status = _clip(status)
        if status != self._status:
            self._status = status
            self._send(f"STATUS={status}")

    def watchdog(self) -> None:
        """Still alive: call from the loop that must not wedge."""
        self._send("WATCHDOG=1")

    def stopping(self) -> None:
        self._send("STOPPING=1\nSTATUS=stopping")

    def ping_interval_ms(self) -> int | None:
        """How often to ping: a third of WatchdogSec (systemd asks for at least half)."""
        if self.watchdog_s is None:
            return None
        return max(100, int(self.watchdog_s * 1000 / 3))


def _watchdog_seconds(env: os._Environ[str] | dict[str, str]) -> float | None:
    """WATCHDOG_USEC as seconds, when the watchdog is meant for this process."""
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and pid != str(os.getpid()):
        return None  # set for another process (we were started by the service's main)
    return int(usec) / 1_000_000


def _clip(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= STATUS_MAX else line[: STATUS_MAX - 1] + "…"
