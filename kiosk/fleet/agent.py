"""The fleet updater inside the running kiosk.

- A thread polls every ``[fleet] poll_s`` (+- jitter) and keeps a verified, valid
  candidate.
- The UI's timer calls :meth:`FleetAgent.tick` with whether a citizen session is open;
  only between sessions is the candidate applied (never mid-journey). Applying records the
  devices' health as the baseline, moves ``current`` and restarts the kiosk.
- The restarted kiosk calls :meth:`FleetAgent.ready` at its watchdog-ready point: the
  probation check waits up to ``probation_s`` for every device to be no worse than the
  baseline, then commits, or rolls back and restarts once more on the previous set.
- A kiosk that crashes before ready counts a boot on probation; after three, or once
  ``probation_s`` is long gone, the previous set comes back at the next start.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

import requests

from devices.base import Device
from kiosk.config.loader import LayeredConfig
from kiosk.fleet.generation import FleetDir
from kiosk.fleet.health import await_healthy, device_states
from kiosk.fleet.updater import Candidate, CheckKind, CheckResult, FleetContext, apply, check
from kiosk.fleet.updater import commit as commit_generation
from kiosk.fleet.updater import rollback as rollback_generation

log = logging.getLogger(__name__)

MAX_PROBATION_BOOTS = 3


class KioskLock:
    """Held by the running kiosk, so ``kiosk fleet update --once`` knows not to apply
    behind its back (it would change the config under a citizen's journey)."""

    def __init__(self, fleet_dir: FleetDir) -> None:
        self.path = fleet_dir.root / "kiosk.lock"
        self._fh: IO[bytes] | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+b")  # noqa: SIM115 (held for the life of the kiosk)
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()).encode())
        fh.flush()
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


class FleetAgent:
    def __init__(
        self,
        layered: LayeredConfig,
        devices: Mapping[str, Device],
        session_factory: Callable[[], requests.Session],
        restart: Callable[[], None] = lambda: None,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.ctx = FleetContext.from_layered(layered)
        self.fd = self.ctx.fleet_dir
        self.poll_s = layered.config.fleet.poll_s
        self.jitter = layered.config.fleet.jitter
        self.devices = devices
        self._session_factory = session_factory
        self._restart = restart
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._pending: Candidate | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._probation_thread: threading.Thread | None = None
        self._restart_requested = False
        self.last_result: CheckResult | None = None
        self.kiosk_lock = KioskLock(self.fd)

    @property
    def restart_requested(self) -> bool:
        """True once a new set was applied or rolled back: the UI thread restarts."""
        return self._restart_requested

    def attach(self, devices: Mapping[str, Device]) -> None:
        """The running kiosk's devices (built after :meth:`boot`)."""
        self.devices = devices

    # --- start-up -------------------------------------------------------------------------
    def boot(self) -> bool:
        """At start, before the UI: count a boot on probation; roll back a generation
        that crashed the kiosk too often or never proved healthy. Returns True when the
        kiosk must restart at once (the loaded config is the rolled-back one)."""
        self.fd.ensure()
        self.kiosk_lock.acquire()
        state = self.fd.read_state()
        prob = state.probation
        if prob is None:
            return False
        if prob.expired(time.time()):
            # The loader already chose the previous generation; make it official.
            rollback_generation(self.fd, "the kiosk did not come back healthy in time")
            return False
        prob.boots += 1
        self.fd.write_state(state)
        if prob.boots > MAX_PROBATION_BOOTS:
            rollback_generation(self.fd, f"the kiosk restarted {prob.boots - 1} times on it")
            return True
        return False

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="fleet-poll", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for t in (self._thread, self._probation_thread):
            if t is not None:
                t.join(timeout)
        self.kiosk_lock.release()

    # --- polling --------------------------------------------------------------------------
    def next_delay(self) -> float:
        spread = self.poll_s * self.jitter
        return max(1.0, self.poll_s + self._rng.uniform(-spread, spread))

    def poll_now(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        session: requests.Session | None = None
        # The first look soon after start (jittered too, so a hall restarting after a
        # power cut does not poll at one instant).
        delay = self._rng.uniform(1.0, max(1.0, min(30.0, self.poll_s)))
        while not self._stop.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                break
            delay = self.next_delay()
            if self.probation_active() or self._pending is not None:
                continue
            try:
                session = session or self._session_factory()
                result = check(self.ctx, session)
            except Exception as exc:  # a bug must not end fleet polling for good
                log.error("fleet check failed: %s", type(exc).__name__)
                log.debug("fleet check failure", exc_info=True)
                continue
            self.last_result = result
            if result.kind is CheckKind.CANDIDATE and result.candidate is not None:
                with self._lock:
                    self._pending = result.candidate
                log.info("fleet bundle v%d verified; applies between sessions", result.version)
        if session is not None:
            session.close()

    # --- applying -------------------------------------------------------------------------
    @property
    def pending(self) -> Candidate | None:
        return self._pending

    def probation_active(self) -> bool:
        return self.fd.read_state().probation is not None

    def tick(self, session_open: bool) -> bool:
        """From the UI timer. Applies a pending candidate only when no citizen session
        is open; returns True when it did (the kiosk restarts)."""
        if session_open or self._restart_requested:
            return False
        with self._lock:
            candidate, self._pending = self._pending, None
        if candidate is None:
            return False
        apply(self.ctx, candidate, device_states(self.devices))
        self._restart_requested = True
        self._restart()
        return True

    # --- after the restart ------------------------------------------------------------------
    def ready(self, *, wait: bool = False) -> None:
        """The kiosk reached its watchdog-ready point: start the probation check."""
        state = self.fd.read_state()
        if state.probation is None:
            return
        self._probation_thread = threading.Thread(
            target=self._probation, name="fleet-probation", daemon=True
        )
        self._probation_thread.start()
        if wait:
            self._probation_thread.join()

    def _pause(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def _probation(self) -> None:
        prob = self.fd.read_state().probation
        if prob is None:
            return
        left = max(0.0, prob.deadline_s - (time.time() - prob.started_at))
        verdict = await_healthy(self.devices, prob.baseline, left, sleep=self._pause)
        if self._stop.is_set() and not verdict.healthy:
            return  # shutting down: the next start decides
        if verdict.healthy:
            commit_generation(self.fd)
            return
        rollback_generation(self.fd, verdict.reason)
        self._restart_requested = True
        self._restart()


def fleet_agent(layered: LayeredConfig) -> FleetAgent | None:
    """The agent for ``kiosk run``, or None when no fleet or no centre is configured."""
    config = layered.config
    if not config.fleet.root or not config.central.url:
        return None
    from kiosk.outbox import central_session

    return FleetAgent(layered, {}, lambda: central_session(config.central))


def default_restart() -> None:
    """Replace this process with a fresh kiosk (same arguments): the simplest way to
    bring every device and screen up on the new config. Under systemd the main PID stays
    the same, so the unit's watchdog keeps watching it."""
    import sys

    os.execv(sys.executable, [sys.executable, "-m", "kiosk", *sys.argv[1:]])


def lock_path(data_dir: Path) -> Path:
    return data_dir / "fleet" / "kiosk.lock"
