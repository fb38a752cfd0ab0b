"""What the centre keeps about the fleet: each terminal's last heartbeat and the state
of staged rollouts. SQLAlchemy Core; the same statements on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    update,
)

from central.schema import create_tables as create_locked_tables
from central.store import Database, _dialect_insert
from offline_cache.wire import FleetAttempt, HeartbeatIn

fleet_metadata = MetaData()

fleet_terminals = Table(
    "fleet_terminals",
    fleet_metadata,
    Column("terminal_id", String(32), primary_key=True),
    Column("hall_id", String(64), nullable=False, index=True),
    Column("first_seen", Float, nullable=False),
    Column("received_at", Float, nullable=False),
    Column("heartbeat_s", Float, nullable=False),
    Column("software", String(64), nullable=False),
    Column("config_versions", Text, nullable=False),  # JSON: bundle path -> version
    Column("devices", Text, nullable=False),  # JSON: device -> {state, reason}
    Column("backlog", Integer, nullable=False),
    Column("dead_letter", Integer, nullable=False),
    Column("oldest_age_s", Float),
    Column("clean_shutdown", Boolean, nullable=False),
    Column("fleet_checked_at", Float),
    Column("fleet_error", Text, nullable=False),
    Column("attempt", Text),  # JSON FleetAttempt or NULL
)

fleet_rollouts = Table(
    "fleet_rollouts",
    fleet_metadata,
    Column("id", String(120), primary_key=True),  # "<path>@<version>"
    Column("path", String(120), nullable=False),
    Column("version", Integer, nullable=False),
    Column("scope", String(16), nullable=False),
    Column("name", String(64), nullable=False),
    Column("plan", Text, nullable=False),  # JSON RolloutPlan
    Column("created_at", Float, nullable=False),
    Column("stage", Integer, nullable=False),
    Column("stage_started_at", Float, nullable=False),
    Column("halted", Boolean, nullable=False),
    Column("reason", Text, nullable=False),
)


@dataclass(frozen=True)
class TerminalRow:
    terminal_id: str
    hall_id: str
    first_seen: float
    received_at: float
    heartbeat_s: float
    software: str
    config_versions: dict[str, int]
    devices: dict[str, dict[str, str]]
    backlog: int
    dead_letter: int
    oldest_age_s: float | None
    clean_shutdown: bool
    fleet_checked_at: float | None
    fleet_error: str
    attempt: FleetAttempt | None


@dataclass(frozen=True)
class RolloutRow:
    id: str
    path: str
    version: int
    scope: str
    name: str
    plan: dict[str, Any]
    created_at: float
    stage: int
    stage_started_at: float
    halted: bool
    reason: str


def rollout_id(path: str, version: int) -> str:
    return f"{path}@{version}"


def create_fleet_schema(engine: Engine) -> None:
    """The fleet's tables (once, before the centre's workers start)."""
    create_locked_tables(engine, fleet_metadata)


class FleetStore:
    """Writes on the database's writer, reads on its reader (SQLite: one writer)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._insert = _dialect_insert(db.writer)
        create_fleet_schema(db.writer)

    # --- heartbeats -----------------------------------------------------------------------
    def record_beat(self, terminal_id: str, hall_id: str, beat: HeartbeatIn) -> float:
        now = time.time()
        values = {
            "hall_id": hall_id,
            "received_at": now,
            "heartbeat_s": beat.heartbeat_s,
            "software": beat.software,
            "config_versions": json.dumps(beat.config_versions, sort_keys=True),
            "devices": json.dumps(
                {k: v.model_dump() for k, v in beat.devices.items()}, ensure_ascii=False
            ),
            "backlog": beat.backlog,
            "dead_letter": beat.dead_letter,
            "oldest_age_s": beat.oldest_age_s,
            "clean_shutdown": beat.clean_shutdown,
            "fleet_checked_at": beat.fleet_checked_at,
            "fleet_error": beat.fleet_error,
            "attempt": beat.fleet_attempt.model_dump_json() if beat.fleet_attempt else None,
        }
        stmt = self._insert(fleet_terminals).values(
            terminal_id=terminal_id, first_seen=now, **values
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[fleet_terminals.c.terminal_id], set_=values
        )
        with self.db.writer.begin() as conn:
            conn.execute(stmt)
        return now

    def terminals(self) -> list[TerminalRow]:
        with self.db.reader.connect() as conn:
            rows = conn.execute(select(fleet_terminals).order_by(fleet_terminals.c.terminal_id))
            return [
                TerminalRow(
                    terminal_id=r.terminal_id,
                    hall_id=r.hall_id,
                    first_seen=r.first_seen,
                    received_at=r.received_at,
                    heartbeat_s=r.heartbeat_s,
                    software=r.software,
                    config_versions=json.loads(r.config_versions),
                    devices=json.loads(r.devices),
                    backlog=r.backlog,
                    dead_letter=r.dead_letter,
                    oldest_age_s=r.oldest_age_s,
                    clean_shutdown=bool(r.clean_shutdown),
                    fleet_checked_at=r.fleet_checked_at,
                    fleet_error=r.fleet_error,
                    attempt=FleetAttempt.model_validate_json(r.attempt) if r.attempt else None,
                )
                for r in rows
            ]

    # --- rollouts -------------------------------------------------------------------------
    def ensure_rollout(
        self, path: str, version: int, scope: str, name: str, plan: dict[str, Any]
    ) -> None:
        """Record a rollout the first time the centre sees it in the signed targets."""
        now = time.time()
        stmt = (
            self._insert(fleet_rollouts)
            .values(
                id=rollout_id(path, version),
                path=path,
                version=version,
                scope=scope,
                name=name,
                plan=json.dumps(plan, sort_keys=True),
                created_at=now,
                stage=0,
                stage_started_at=now,
                halted=False,
                reason="",
            )
            .on_conflict_do_nothing(index_elements=[fleet_rollouts.c.id])
        )
        with self.db.writer.begin() as conn:
            conn.execute(stmt)

    def rollouts(self) -> list[RolloutRow]:
        with self.db.reader.connect() as conn:
            rows = conn.execute(select(fleet_rollouts).order_by(fleet_rollouts.c.created_at.desc()))
            return [
                RolloutRow(
                    id=r.id,
                    path=r.path,
                    version=r.version,
                    scope=r.scope,
                    name=r.name,
                    plan=json.loads(r.plan),
                    created_at=r.created_at,
                    stage=r.stage,
                    stage_started_at=r.stage_started_at,
                    halted=bool(r.halted),
                    reason=r.reason,
                )
                for r in rows
            ]

    def advance_rollout(self, rid: str, from_stage: int) -> bool:
        """Next stage, only if nobody moved or halted it meanwhile (several workers)."""
        with self.db.writer.begin() as conn:
            done = conn.execute(
                update(fleet_rollouts)
                .where(
                    (fleet_rollouts.c.id == rid)
                    & (fleet_rollouts.c.stage == from_stage)
                    & (fleet_rollouts.c.halted == False)  # noqa: E712 (SQL, not Python)
                )
                .values(stage=from_stage + 1, stage_started_at=time.time())
            )
        return done.rowcount == 1

    def set_rollout_halted(self, rid: str, halted: bool, reason: str) -> bool:
        with self.db.writer.begin() as conn:
            done = conn.execute(
                update(fleet_rollouts)
                .where(fleet_rollouts.c.id == rid)
                .values(halted=halted, reason=reason, stage_started_at=time.time())
            )
        return done.rowcount == 1
