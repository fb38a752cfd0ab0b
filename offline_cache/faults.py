"""Crash points for the fault tests: kill this process at a named instant.

``KIOSK_OUTBOX_CRASH="after_send:0.3,ack_mid_txn:0.2"`` makes the process SIGKILL itself
with that probability each time it passes the named point. Unset (always, in production)
it costs one dictionary lookup.
"""

from __future__ import annotations

import os
import random
import signal

ENV = "KIOSK_OUTBOX_CRASH"
_parsed: dict[str, float] | None = None


def _points() -> dict[str, float]:
    global _parsed
    if _parsed is None:
        _parsed = {}
        for part in os.environ.get(ENV, "").split(","):
            name, _, prob = part.partition(":")
            if name.strip():
                try:
                    _parsed[name.strip()] = float(prob or 1.0)
                except ValueError:
                    _parsed[name.strip()] = 1.0
    return _parsed


def crashpoint(name: str) -> None:
    """SIGKILL this process here, with the configured probability for ``name``."""
    prob = _points().get(name)
    if prob and random.random() < prob:
        os.kill(os.getpid(), signal.SIGKILL)
