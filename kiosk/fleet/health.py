"""Is the kiosk healthy after a new bundle? Devices no worse than before the apply.

"No worse" is per device: ok < degraded < fault. A printer that was already out of paper
before the update does not make the update fail; a printer the new bundle points at a
wrong address does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from devices.base import Device
from devices.health import HealthState

RANK = {HealthState.OK.value: 0, HealthState.DEGRADED.value: 1, HealthState.FAULT.value: 2}


def device_states(devices: Mapping[str, Device]) -> dict[str, str]:
    """Each device's health state by role (``ticket_printer`` -> ``ok``)."""
    return {str(role): dev.health().state.value for role, dev in devices.items()}


def device_reasons(devices: Mapping[str, Device]) -> dict[str, tuple[str, str]]:
    out = {}
    for role, dev in devices.items():
        h = dev.health()
        out[str(role)] = (h.state.value, h.reason)
    return out


def worse(baseline: Mapping[str, str], now: Mapping[str, tuple[str, str]]) -> list[str]:
    """Devices whose state is worse than in ``baseline``, described for a technician."""
    out = []
    for role, (state, reason) in sorted(now.items()):
        before = baseline.get(role, HealthState.OK.value)
        if RANK.get(state, 2) > RANK.get(before, 0):
            out.append(f"{role}: {before} -> {state}" + (f" ({reason})" if reason else ""))
    return out


@dataclass(frozen=True)
class HealthVerdict:
    healthy: bool
    reason: str
    waited_s: float


def await_healthy(
    devices: Mapping[str, Device],
    baseline: Mapping[str, str],
    deadline_s: float,
    *,
    ready: Callable[[], bool] = lambda: True,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    every_s: float = 0.25,
    quiet_s: float = 1.0,
) -> HealthVerdict:
    """Wait up to ``deadline_s`` for the kiosk to be ready (its watchdog-ready point) and
    every device no worse than ``baseline`` for ``quiet_s`` in a row (a network printer
    looks fine until its connection fails). Devices get the whole time to settle."""
    start = clock()
    problems = ["not ready"]
    good_since: float | None = None
    while True:
        waited = clock() - start
        if ready():
            problems = worse(baseline, device_reasons(devices))
            if problems:
                good_since = None
            else:
                good_since = clock() if good_since is None else good_since
                if clock() - good_since >= quiet_s:
                    return HealthVerdict(True, "", waited)
        else:
            good_since = None
            problems = ["the kiosk did not reach ready"]
        if waited >= deadline_s:
            return HealthVerdict(
                False, f"not healthy after {deadline_s:g} s: " + "; ".join(problems), waited
            )
        sleep(min(every_s, max(0.0, deadline_s - waited)))


def settled_states(
    devices: Mapping[str, Device],
    *,
    quiet_s: float = 0.5,
    max_s: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, str]:
    """Device states once they stop changing for ``quiet_s`` (a network printer takes a
    moment to fail to connect), at most ``max_s`` after the call: the baseline."""
    start = clock()
    states = device_states(devices)
    since = start
    while clock() - start < max_s:
        sleep(0.1)
        now = device_states(devices)
        if now != states:
            states, since = now, clock()
        elif clock() - since >= quiet_s:
            break
    return states
