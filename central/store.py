"""The centre's storage: SQLAlchemy Core over SQLite (one hall) or PostgreSQL (a city).

The same statements run on both. The two operations that must be atomic under
concurrency are single statements on both engines:
- ingest: ``INSERT ... ON CONFLICT (key) DO NOTHING RETURNING``: the first writer of a key
  wins, every later one reads the stored row and compares payload digests;
- ticket numbers: ``INSERT ... ON CONFLICT (hall, service, day) DO UPDATE SET last =
  last + 1 RETURNING last``: the row lock serialises allocators, no gaps, no repeats.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from offline_cache.wire import (
    ItemStatus,
    SubmissionIn,
    SubmissionResult,
    TicketOut,
    TicketRequest,
    canonical_json,
    format_ticket_number,
    payload_digest,
)

metadata = MetaData()

submissions = Table(
    "submissions",
    metadata,
    Column("idempotency_key", String(80), primary_key=True),
    Column("terminal_id", String(32), nullable=False, index=True),
    Column("kind", String(64), nullable=False),
    Column("is_test", Boolean, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("received_at", Float, nullable=False),
    Column("record", Text, nullable=False),
)

submission_blobs = Table(
    "submission_blobs",
    metadata,
    Column(
        "idempotency_key",
        String(80),
        ForeignKey("submissions.idempotency_key", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("name", String(200), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
)

heartbeats = Table(
    "heartbeats",
    metadata,
    Column("terminal_id", String(32), primary_key=True),
    Column("received_at", Float, nullable=False),
    Column("backlog", Integer, nullable=False),
    Column("dead_letter", Integer, nullable=False),
    Column("oldest_age_s", Float),
    Column("detail", Text, nullable=False),
)

ticket_sequences = Table(
    "ticket_sequences",
    metadata,
    Column("hall_id", String(64), primary_key=True),
    Column("service_code", String(16), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("last_sequence", Integer, nullable=False),
    Column("called_through", Integer, nullable=False, default=0),
)

tickets = Table(
    "tickets",
    metadata,
    Column("hall_id", String(64), primary_key=True),
    Column("service_code", String(16), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("number", String(16), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("issued_at", Float, nullable=False),
)


def _dialect_insert(engine: Engine) -> Any:
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def make_engine(url: str) -> Engine:
    """An engine for ``sqlite:///path`` or ``postgresql+psycopg://...``; tables created."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, start transactions, so we can make them
            # IMMEDIATE: a read-then-write can then never fail with "database is locked".
            dbapi_conn.isolation_level = None
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            dbapi_conn.execute("PRAGMA synchronous=FULL")
            dbapi_conn.execute("PRAGMA foreign_keys=ON")

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10)
    metadata.create_all(engine)
    return engine


@dataclass(frozen=True)
class Stats:
    submissions: int
    test_submissions: int
    duplicates_refused: int
    conflicts: int
    terminals: dict[str, int]
    heartbeats: dict[str, dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "submissions": self.submissions,
            "test_submissions": self.test_submissions,
            "duplicates_refused": self.duplicates_refused,
            "conflicts": self.conflicts,
            "terminals": self.terminals,
            "heartbeats": self.heartbeats,
        }


class CentralStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._insert = _dialect_insert(engine)

    def _bump(self, conn: Connection, name: str, by: int = 1) -> None:
        stmt = self._insert(counters).values(name=name, value=by)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[counters.c.name], set_={"value": counters.c.value + by}
            )
        )

    def ingest(self, key: str, sub: SubmissionIn, blobs: dict[str, bytes]) -> SubmissionResult:
        """Store ``sub`` under ``key`` once; a replay gets the stored result back."""
        with self.engine.begin() as conn:
            return self._ingest(conn, key, sub, blobs)

    def ingest_many(
        self, items: list[tuple[str, SubmissionIn, dict[str, bytes]]]
    ) -> list[SubmissionResult]:
        """A batch in one transaction: one commit (one fsync) instead of one per item.
        All or nothing, so a lost reply makes every item of it a replay, never a gap."""
        with self.engine.begin() as conn:
            return [self._ingest(conn, key, sub, blobs) for key, sub, blobs in items]

    def _ingest(
        self, conn: Connection, key: str, sub: SubmissionIn, blobs: dict[str, bytes]
    ) -> SubmissionResult:
        digest = payload_digest(sub)
        now = time.time()
        stmt = (
            self._insert(submissions)
            .values(
                idempotency_key=key,
                terminal_id=sub.terminal_id,
                kind=sub.kind,
                is_test=sub.is_test,
                digest=digest,
                created_at=sub.created_at,
                received_at=now,
                record=canonical_json(sub.record).decode(),
            )
            .on_conflict_do_nothing(index_elements=[submissions.c.idempotency_key])
            .returning(submissions.c.idempotency_key)
        )
        if conn.execute(stmt).first() is not None:
            if blobs:
                conn.execute(
                    submission_blobs.insert(),
                    [{"idempotency_key": key, "name": n, "data": d} for n, d in blobs.items()],
                )
            return SubmissionResult(idempotency_key=key, status=ItemStatus.STORED, received_at=now)
        stored = conn.execute(
            select(submissions.c.digest, submissions.c.received_at).where(
                submissions.c.idempotency_key == key
            )
        ).one()
        if stored.digest != digest:
            self._bump(conn, "conflicts")
            return SubmissionResult(
                idempotency_key=key,
                status=ItemStatus.CONFLICT,
                received_at=stored.received_at,
                detail="this Idempotency-Key was used for a different payload",
            )
        self._bump(conn, "duplicates_refused")
        return SubmissionResult(
            idempotency_key=key, status=ItemStatus.REPLAYED, received_at=stored.received_at
        )

    def heartbeat(self, terminal_id: str, backlog: int, dead: int, oldest: float | None,
                  detail: str) -> float:  # fmt: skip
        now = time.time()
        values = {
            "terminal_id": terminal_id,
            "received_at": now,
            "backlog": backlog,
            "dead_letter": dead,
            "oldest_age_s": oldest,
            "detail": detail,
        }
        stmt = self._insert(heartbeats).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[heartbeats.c.terminal_id],
            set_={k: v for k, v in values.items() if k != "terminal_id"},
        )
        with self.engine.begin() as conn:
            conn.execute(stmt)
        return now

    def allocate_ticket(self, hall_id: str, req: TicketRequest) -> TicketOut:
        """The next number for hall + service + day, atomically (no repeats, no gaps)."""
        key = {"hall_id": hall_id, "service_code": req.service_code, "day": req.day}
        stmt = self._insert(ticket_sequences).values(**key, last_sequence=1, called_through=0)
        stmt = stmt.on_conflict_do_update(
            index_elements=[
                ticket_sequences.c.hall_id,
                ticket_sequences.c.service_code,
                ticket_sequences.c.day,
            ],
            set_={"last_sequence": ticket_sequences.c.last_sequence + 1},
        ).returning(ticket_sequences.c.last_sequence, ticket_sequences.c.called_through)
        with self.engine.begin() as conn:
            row = conn.execute(stmt).one()
            sequence = int(row.last_sequence)
            number = format_ticket_number(req.prefix, sequence)
            conn.execute(
                tickets.insert().values(
                    **key,
                    sequence=sequence,
                    number=number,
                    terminal_id=req.terminal_id,
                    issued_at=time.time(),
                )
            )
        ahead = max(0, sequence - 1 - int(row.called_through))
        return TicketOut(number=number, sequence=sequence, people_ahead=ahead, day=req.day)

    def call_next(self, hall_id: str, service_code: str, day: str) -> int | None:
        """A counter calls the next waiting number; returns its sequence (None: nobody)."""
        cond = (
            (ticket_sequences.c.hall_id == hall_id)
            & (ticket_sequences.c.service_code == service_code)
            & (ticket_sequences.c.day == day)
            & (ticket_sequences.c.called_through < ticket_sequences.c.last_sequence)
        )
        with self.engine.begin() as conn:
            row = conn.execute(
                update(ticket_sequences)
                .where(cond)
                .values(called_through=ticket_sequences.c.called_through + 1)
                .returning(ticket_sequences.c.called_through)
            ).first()
        return int(row[0]) if row else None

    def stats(self) -> Stats:
        with self.engine.connect() as conn:
            by_test: dict[bool, int] = dict(
                conn.execute(
                    select(submissions.c.is_test, func.count()).group_by(submissions.c.is_test)
                ).all()
            )
            terminals = {
                str(t): int(n)
                for t, n in conn.execute(
                    select(submissions.c.terminal_id, func.count()).group_by(
                        submissions.c.terminal_id
                    )
                ).all()
            }
            counts = {str(n): int(v) for n, v in conn.execute(select(counters)).all()}
            beats = {
                r.terminal_id: {
                    "received_at": r.received_at,
                    "backlog": r.backlog,
                    "dead_letter": r.dead_letter,
                    "oldest_age_s": r.oldest_age_s,
                }
                for r in conn.execute(select(heartbeats)).all()
            }
        return Stats(
            submissions=int(by_test.get(False, 0)),
            test_submissions=int(by_test.get(True, 0)),
            duplicates_refused=counts.get("duplicates_refused", 0),
            conflicts=counts.get("conflicts", 0),
            terminals=terminals,
            heartbeats=beats,
        )
