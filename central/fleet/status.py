"""The fleet as the admin sees it: each terminal's state, halls, rollouts. Used by
``kiosk-central fleet status`` and the ``/fleet`` page."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from central.fleet.rollout import RolloutProgress, evaluate, online
from central.fleet.store import FleetStore, TerminalRow


class TerminalState(StrEnum):
    """Worst first: the page and the CLI sort by this order."""

    FAULT = "fault"  # a device fault, or the last fleet update failed
    OFFLINE = "offline"  # three beats missed
    DEGRADED = "degraded"
    OK = "ok"
    SHUTDOWN = "shutdown"  # stopped in order (its last beat said so)


ORDER = list(TerminalState)


@dataclass(frozen=True)
class TerminalView:
    terminal_id: str
    hall_id: str
    state: TerminalState
    last_seen: float
    last_seen_ago_s: float | None
    software: str
    config_versions: dict[str, int]
    faults: dict[str, str]
    degraded: dict[str, str]
    backlog: int
    dead_letter: int
    oldest_age_s: float | None
    fleet_error: str
    fleet_checked_at: float | None
    attempt: dict[str, Any] | None
    problems: list[str]

    @property
    def online(self) -> bool:
        return self.state not in (TerminalState.OFFLINE, TerminalState.SHUTDOWN)

    @property
    def config_label(self) -> str:
        """``all 8 · hall 3 · terminal 2`` (``-`` before any bundle was applied)."""
        parts = []
        for path, version in sorted(self.config_versions.items()):
            scope = path.split("/", 1)[0].removesuffix(".json")
            parts.append(f"{scope} {version}")
        return " · ".join(parts) or "-"

    def as_dict(self) -> dict[str, Any]:
        return {
            "terminal_id": self.terminal_id,
            "hall_id": self.hall_id,
            "state": self.state.value,
            "online": self.online,
            "last_seen": self.last_seen,
            "last_seen_ago_s": self.last_seen_ago_s,
            "software": self.software,
            "config_versions": self.config_versions,
            "device_faults": self.faults,
            "device_degraded": self.degraded,
            "backlog": self.backlog,
            "dead_letter": self.dead_letter,
            "oldest_age_s": self.oldest_age_s,
            "fleet_error": self.fleet_error,
            "fleet_checked_at": self.fleet_checked_at,
            "last_failed_update": self.attempt,
            "problems": self.problems,
        }


@dataclass
class HallView:
    hall_id: str
    terminals: int = 0
    online: int = 0
    faults: int = 0
    backlog: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "hall_id": self.hall_id,
            "terminals": self.terminals,
            "online": self.online,
            "faults": self.faults,
            "backlog": self.backlog,
        }


@dataclass
class FleetStatus:
    generated_at: float
    terminals: list[TerminalView]
    halls: list[HallView]
    rollouts: list[RolloutProgress]
    repository: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in TerminalState}
        for t in self.terminals:
            out[t.state.value] += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at,
            "counts": self.counts(),
            "terminals": [t.as_dict() for t in self.terminals],
            "halls": [h.as_dict() for h in self.halls],
            "rollouts": [r.as_dict() for r in self.rollouts],
            "repository": self.repository,
            "warnings": self.warnings,
        }


def terminal_view(t: TerminalRow, now: float) -> TerminalView:
    faults = {
        d: h.get("reason", "") or "fault" for d, h in t.devices.items() if h["state"] == "fault"
    }
    degraded = {
        d: h.get("reason", "") or "degraded"
        for d, h in t.devices.items()
        if h["state"] == "degraded"
    }
    problems = [f"{d}: {r}" for d, r in faults.items()]
    if t.attempt is not None:
        a = t.attempt
        problems.append(f"update {a.path} v{a.version} {a.outcome.replace('_', ' ')}: {a.reason}")
    if t.fleet_error and not (t.attempt and t.attempt.reason in t.fleet_error):
        problems.append(f"fleet check: {t.fleet_error}")
    if t.clean_shutdown:
        state = TerminalState.SHUTDOWN
    elif not online(t, now):
        state = TerminalState.OFFLINE
    elif faults or t.attempt is not None or t.fleet_error:
        state = TerminalState.FAULT
    elif degraded:
        state = TerminalState.DEGRADED
    else:
        state = TerminalState.OK
    return TerminalView(
        terminal_id=t.terminal_id,
        hall_id=t.hall_id,
        state=state,
        last_seen=t.received_at,
        last_seen_ago_s=max(0.0, now - t.received_at),
        software=t.software,
        config_versions=t.config_versions,
        faults=faults,
        degraded=degraded,
        backlog=t.backlog,
        dead_letter=t.dead_letter,
        oldest_age_s=t.oldest_age_s,
        fleet_error=t.fleet_error,
        fleet_checked_at=t.fleet_checked_at,
        attempt=t.attempt.model_dump() if t.attempt else None,
        problems=problems,
    )


def fleet_status(
    store: FleetStore, repo_dir: Path | None = None, now: float | None = None
) -> FleetStatus:
    now = time.time() if now is None else now
    rollouts = evaluate(store, now)
    views = [terminal_view(t, now) for t in store.terminals()]
    views.sort(key=lambda v: (ORDER.index(v.state), v.hall_id, v.terminal_id))
    halls: dict[str, HallView] = {}
    for v in views:
        h = halls.setdefault(v.hall_id, HallView(v.hall_id))
        h.terminals += 1
        h.online += v.online
        h.faults += v.state is TerminalState.FAULT
        h.backlog += v.backlog
    repository = None
    warnings: list[str] = []
    if repo_dir is not None:
        from central.fleet.repo import describe, open_repository

        repository = describe(open_repository(repo_dir))
        warnings = repository_warnings(repository, now)
    ordered_halls = sorted(
        halls.values(), key=lambda h: (-h.faults, h.online - h.terminals, h.hall_id)
    )
    return FleetStatus(now, views, ordered_halls, rollouts, repository, warnings)


EXPIRY_WARNING_DAYS = {"root": 30, "targets": 14}


def repository_warnings(repository: dict[str, Any], now: float) -> list[str]:
    """Offline-signed metadata about to expire: terminals would then refuse every
    update (the online roles are renewed by the centre itself)."""
    out = []
    for role, days in EXPIRY_WARNING_DAYS.items():
        expires = dt.datetime.fromisoformat(repository[role]["expires"].replace("Z", "+00:00"))
        left = (expires.timestamp() - now) / 86400
        if left < days:
            fix = "fleet resign" if role == "targets" else "a new root (offline keys)"
            out.append(f"{role} metadata expires in {left:.0f} days: {fix}")
    return out
