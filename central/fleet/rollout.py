"""Staged rollout: which terminals may apply a new bundle now, and when to stop.

The plan travels signed in the target's custom data (``fleet publish --pilot-hall H
--stages 10,50,100 --max-failures 10``); the centre keeps the stage and the halt in its
database and moves them from the terminals' heartbeats:

- stage 0 is the pilot hall (when one is named), then each share of the terminals in
  scope; a terminal's place is a hash of the rollout and its id, so it is stable and
  spread evenly;
- a stage is done when every admitted terminal that is online has applied the version
  or failed to, and ``soak_s`` has passed; then the next stage opens;
- when more than ``max_failure_pct`` % of the admitted terminals have failed to apply
  (refused it, or rolled back after the health check), the rollout stops for good
  (an admin may resume it: ``kiosk-central fleet rollout --resume ID``).

The gate only decides *when* a terminal takes a signed bundle, never *what* it takes:
a centre that lies can hold terminals back or let them go early, nothing more.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from central.fleet.store import FleetStore, RolloutRow, TerminalRow, rollout_id
from offline_cache.wire import FleetScope, RolloutAnswer

PILOT = "pilot"


class Outcome(StrEnum):
    APPLIED = "applied"
    FAILED = "failed"
    PENDING = "pending"


def stages(plan: dict[str, Any]) -> list[str | float]:
    out: list[str | float] = [PILOT] if plan.get("pilot_hall") else []
    out.extend(int(pct) / 100 for pct in plan.get("stages_pct", [100]))
    return out


def stage_label(plan: dict[str, Any], index: int) -> str:
    st = stages(plan)
    stage = st[min(index, len(st) - 1)]
    if stage == PILOT:
        return f"pilot hall {plan['pilot_hall']}"
    return f"{float(stage) * 100:g}% of terminals"


def bucket(rid: str, terminal_id: str) -> float:
    """A terminal's stable place in [0, 1) for this rollout."""
    digest = hashlib.sha256(f"{rid}|{terminal_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def in_scope(row: RolloutRow, hall_id: str) -> bool:
    return row.scope == FleetScope.ALL or (row.scope == FleetScope.HALL and row.name == hall_id)


def admitted(row: RolloutRow, terminal_id: str, hall_id: str) -> bool:
    """Whether the rollout's current stage includes this terminal (halt aside)."""
    plan = row.plan
    if plan.get("pilot_hall") and hall_id == plan["pilot_hall"]:
        return True
    st = stages(plan)
    stage = st[min(row.stage, len(st) - 1)]
    if stage == PILOT:
        return False
    return bucket(row.id, terminal_id) < float(stage)


def outcome(row: RolloutRow, t: TerminalRow) -> Outcome:
    if t.config_versions.get(row.path, 0) >= row.version:
        return Outcome.APPLIED
    a = t.attempt
    if a is not None and a.path == row.path and a.version == row.version:
        return Outcome.FAILED
    return Outcome.PENDING


def online(t: TerminalRow, now: float) -> bool:
    """Offline after three missed beats (or after an orderly shutdown)."""
    return not t.clean_shutdown and now - t.received_at <= 3 * t.heartbeat_s


@dataclass
class RolloutProgress:
    row: RolloutRow
    in_scope: int = 0
    admitted: int = 0
    applied: int = 0
    failed: int = 0
    pending: int = 0
    failed_terminals: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def stage_label(self) -> str:
        return stage_label(self.row.plan, self.row.stage)

    @property
    def last_stage(self) -> bool:
        return self.row.stage >= len(stages(self.row.plan)) - 1

    @property
    def complete(self) -> bool:
        return self.last_stage and not self.row.halted and self.pending == 0

    @property
    def state(self) -> str:
        if self.row.halted:
            return "halted"
        return "complete" if self.complete else "rolling out"

    @property
    def summary(self) -> str:
        text = (
            f"{self.state}, stage {self.row.stage + 1}/{len(stages(self.row.plan))}"
            f" ({self.stage_label}): {self.applied} applied, {self.failed} failed,"
            f" {self.pending} pending of {self.admitted} asked ({self.in_scope} in scope)"
        )
        return f"{text}; {self.row.reason}" if self.row.reason else text

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.row.path,
            "version": self.row.version,
            "state": self.state,
            "stage": self.row.stage,
            "stages": len(stages(self.row.plan)),
            "stage_label": self.stage_label,
            "plan": self.row.plan,
            "halted": self.row.halted,
            "reason": self.row.reason,
            "in_scope": self.in_scope,
            "admitted": self.admitted,
            "applied": self.applied,
            "failed": self.failed,
            "pending": self.pending,
            "failed_terminals": self.failed_terminals,
        }


def progress(row: RolloutRow, terminals: list[TerminalRow], now: float) -> RolloutProgress:
    p = RolloutProgress(row)
    for t in terminals:
        if not in_scope(row, t.hall_id):
            continue
        p.in_scope += 1
        result = outcome(row, t)
        if result is Outcome.APPLIED:
            # Counted even if it applied before it was asked (a new terminal starts on
            # the current bundle).
            p.applied += 1
            p.admitted += 1
            continue
        if not admitted(row, t.terminal_id, t.hall_id):
            continue
        p.admitted += 1
        if result is Outcome.FAILED:
            p.failed += 1
            p.failed_terminals.append(t.terminal_id)
        elif online(t, now):
            p.pending += 1
    return p


def evaluate(store: FleetStore, now: float | None = None) -> list[RolloutProgress]:
    """Halt or advance every open rollout from the latest heartbeats; returns progress."""
    now = time.time() if now is None else now
    terminals = store.terminals()
    out = []
    for row in store.rollouts():
        for _ in range(len(stages(row.plan)) + 1):
            p = progress(row, terminals, now)
            if row.halted:
                break
            limit = int(row.plan.get("max_failure_pct", 10)) / 100
            if p.failed and p.failed > limit * p.admitted:
                reason = (
                    f"stopped: {p.failed} of {p.admitted} terminals failed to apply"
                    f" ({p.failed / p.admitted:.0%} > {limit:.0%})"
                )
                store.set_rollout_halted(row.id, True, reason)
            elif (
                p.pending == 0
                and not p.last_stage
                and now - row.stage_started_at >= float(row.plan.get("soak_s", 0))
            ):
                store.advance_rollout(row.id, row.stage)
            else:
                break
            row = next(r for r in store.rollouts() if r.id == row.id)
        out.append(progress(row, terminals, now))
    return out


def gate(
    store: FleetStore,
    path: str,
    version: int,
    custom: dict[str, Any] | None,
    terminal_id: str,
    hall_id: str,
) -> RolloutAnswer:
    """May ``terminal_id`` apply ``path`` at ``version`` now? ``custom`` is the signed
    target's custom data as the centre's repository has it."""
    if custom is None:
        return RolloutAnswer(admit=False, reason=f"{path} is not published")
    current = int(custom.get("version", 0))
    if version > current:
        return RolloutAnswer(admit=False, reason=f"{path} version {version} is not published")
    plan = custom.get("rollout")
    if not plan or version < current:
        return RolloutAnswer(admit=True)
    scope = str(custom.get("scope", FleetScope.ALL.value))
    store.ensure_rollout(path, version, scope, str(custom.get("name", "")), plan)
    rid = rollout_id(path, version)
    evaluate(store)
    row = next(r for r in store.rollouts() if r.id == rid)
    label = stage_label(row.plan, row.stage)
    if row.halted:
        return RolloutAnswer(
            admit=False, rollout=rid, stage=label, halted=True, reason=row.reason or "halted"
        )
    if admitted(row, terminal_id, hall_id):
        return RolloutAnswer(admit=True, rollout=rid, stage=label)
    return RolloutAnswer(
        admit=False, rollout=rid, stage=label, reason=f"not yet: the rollout is at {label}"
    )
