"""The centre's storage: SQLAlchemy Core over SQLite (one hall) or PostgreSQL (a city), and
a blob store for attachments (``central.blobstore``).

The same statements run on both databases. What must be atomic under concurrency is a
single statement on both:
- ingest: ``INSERT ... ON CONFLICT (terminal, key) DO NOTHING RETURNING``: the first
  writer of a key wins, every later one reads the stored row and compares digests;
- ticket numbers: ``INSERT ... ON CONFLICT (hall, service, day) DO UPDATE SET last =
  last + 1 RETURNING last``: the row lock serialises allocators, no gaps, no repeats.

Writers: PostgreSQL takes as many as the pool holds. SQLite has one write lock per file,
so the centre keeps ONE writer connection and its threads queue for it in the pool (a
fair wait on a condition), instead of each holding a connection and sleeping in SQLite's
busy handler; readers have their own pool (WAL lets them read while one writes).
"""

from __future__ import annotations

import binascii
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url

from central.blobstore import BlobStore, sha256_hex
from central.schema import (
    blobs,
    counters,
    create_schema,
    heartbeats,
    submission_blobs,
    submissions,
    ticket_sequences,
    tickets,
)
from offline_cache.wire import (
    HeartbeatIn,
    ItemStatus,
    SubmissionIn,
    SubmissionResult,
    TicketOut,
    TicketRequest,
    b64decode_strict,
    canonical_json,
    format_ticket_number,
    payload_digest,
)


class InvalidSubmission(ValueError):
    """A submission that cannot be stored as sent (bad base64, NaN in the record)."""


@dataclass(frozen=True)
class Database:
    """The engines of one centre process: ``writer`` for transactions that write,
    ``reader`` for the rest (the same engine on PostgreSQL)."""

    url: str
    writer: Engine
    reader: Engine

    @property
    def dialect(self) -> str:
        return self.writer.dialect.name

    def dispose(self) -> None:
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()


def normalise_url(url: str) -> str:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_file(url: str) -> Path | None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _create_private(path: Path) -> None:
    """The database file 0600 before SQLite opens it (its -wal and -shm files copy
    the mode of the database file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)


def open_database(url: str, threads: int = 16, *, create: bool = True) -> Database:
    """Engines for ``sqlite:///path`` or ``postgresql+psycopg://...``; tables created.

    ``threads`` is the size of the request thread pool: the PostgreSQL pool matches it,
    so a request thread never waits for a connection another thread could give back.
    Bound parameters never appear in SQLAlchemy's error messages (they would quote a
    citizen's record into the log).
    """
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = _sqlite_file(url)
        if path is not None and not path.exists():
            _create_private(path)

        def engine(pool_size: int, write: bool) -> Engine:
            eng = create_engine(
                url,
                hide_parameters=True,
                pool_size=pool_size,
                max_overflow=0,
                # Waiting for the one writer is queueing, not failure: long enough for
                # any backlog a hall can produce.
                pool_timeout=600,
                connect_args={"timeout": 30, "check_same_thread": False},
            )

            @event.listens_for(eng, "connect")
            def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
                # SQLAlchemy, not the driver, starts transactions, so they can be
                # IMMEDIATE: a read-then-write then never fails with "database is locked".
                dbapi_conn.isolation_level = None
                dbapi_conn.execute("PRAGMA journal_mode=WAL")
                dbapi_conn.execute("PRAGMA synchronous=FULL")
                dbapi_conn.execute("PRAGMA foreign_keys=ON")
                dbapi_conn.execute("PRAGMA secure_delete=ON")

            if write:

                @event.listens_for(eng, "begin")
                def _sqlite_begin(conn: Connection) -> None:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")

            return eng

        writer = engine(1, True)
        reader = engine(max(1, threads), False)
    else:
        writer = reader = create_engine(
            url,
            hide_parameters=True,
            pool_pre_ping=True,
            pool_size=max(1, threads),
            max_overflow=4,  # the purge job and the odd admin request
            pool_timeout=60,
        )
    if create:
        create_schema(writer)
    return Database(url, writer, reader)


@dataclass(frozen=True)
class Prepared:
    """A submission checked, decoded and hashed outside any transaction."""

    key: str
    sub: SubmissionIn
    record_json: str
    digest: str
    blob_data: dict[str, bytes] = field(repr=False)  # sha256 -> bytes
    blob_names: dict[str, str] = field(repr=False)  # name -> sha256


def prepare(key: str, sub: SubmissionIn) -> Prepared:
    """Decode each blob once, hash it once; the payload digest reuses those hashes."""
    data: dict[str, bytes] = {}
    names: dict[str, str] = {}
    for name, text in sub.blobs.items():
        try:
            raw = b64decode_strict(text)
        except (binascii.Error, ValueError):
            raise InvalidSubmission(f"blob {name!r} is not valid base64") from None
        sha = sha256_hex(raw)
        data[sha] = raw
        names[name] = sha
    try:
        record_json = canonical_json(sub.record).decode()
    except ValueError:
        raise InvalidSubmission("the record holds NaN or Infinity (not JSON)") from None
    return Prepared(key, sub, record_json, payload_digest(sub, names), data, names)


@dataclass(frozen=True)
class Stats:
    submissions: int
    test_submissions: int
    duplicates_refused: int
    conflicts: int
    purged_submissions: int
    purged_blobs: int
    blobs: int
    blob_bytes: int
    terminals: dict[str, int]
    heartbeats: dict[str, dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "submissions": self.submissions,
            "test_submissions": self.test_submissions,
            "duplicates_refused": self.duplicates_refused,
            "conflicts": self.conflicts,
            "purged_submissions": self.purged_submissions,
            "purged_blobs": self.purged_blobs,
            "blobs": self.blobs,
            "blob_bytes": self.blob_bytes,
            "terminals": self.terminals,
            "heartbeats": self.heartbeats,
        }


def _dialect_insert(engine: Engine) -> Any:
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


class CentralStore:
    def __init__(self, db: Database, blob_store: BlobStore) -> None:
        self.db = db
        self.blobs = blob_store
        self._insert = _dialect_insert(db.writer)

    def bump(self, conn: Connection, name: str, by: int = 1) -> None:
        stmt = self._insert(counters).values(name=name, value=by)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[counters.c.name], set_={"value": counters.c.value + by}
            )
        )

    # --- submissions -----------------------------------------------------------------
    def ingest(self, terminal_id: str, hall_id: str, item: Prepared) -> SubmissionResult:
        """Store one submission of ``terminal_id`` once; a replay gets the stored result."""
        return self.ingest_many(terminal_id, hall_id, [item])[0]

    def ingest_many(
        self, terminal_id: str, hall_id: str, items: list[Prepared]
    ) -> list[SubmissionResult]:
        """A batch in one transaction: one commit (one fsync) instead of one per item.
        All or nothing, so a lost reply makes every item of it a replay, never a gap.

        The blobs are written (and fsynced) before the transaction, so the write lock is
        held for rows only.
        """
        all_blobs: dict[str, bytes] = {}
        for item in items:
            all_blobs.update(item.blob_data)
        if all_blobs:
            self.blobs.put_many(all_blobs)
        with self.db.writer.begin() as conn:
            if all_blobs:
                self._claim_blobs(conn, all_blobs)
            return [self._ingest(conn, terminal_id, hall_id, item) for item in items]

    def _claim_blobs(self, conn: Connection, data: dict[str, bytes]) -> None:
        """Refresh each blob's row (taking its lock), then make sure its file is still
        there: a purge that removed it between our write and this lock cannot remove it
        again until we commit, so writing it once more here makes the reference safe."""
        now = time.time()
        stmt = self._insert(blobs).values(
            [{"sha256": sha, "size": len(b), "last_put": now} for sha, b in data.items()]
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[blobs.c.sha256], set_={"last_put": stmt.excluded.last_put}
            )
        )
        missing = {sha: b for sha, b in data.items() if not self.blobs.exists(sha)}
        if missing:
            self.blobs.put_many(missing)

    def _ingest(
        self, conn: Connection, terminal_id: str, hall_id: str, item: Prepared
    ) -> SubmissionResult:
        now = time.time()
        sub = item.sub
        stmt = (
            self._insert(submissions)
            .values(
                terminal_id=terminal_id,
                idempotency_key=item.key,
                hall_id=hall_id,
                kind=sub.kind,
                is_test=sub.is_test,
                digest=item.digest,
                created_at=sub.created_at,
                received_at=now,
                record=item.record_json,
            )
            .on_conflict_do_nothing(
                index_elements=[submissions.c.terminal_id, submissions.c.idempotency_key]
            )
            .returning(submissions.c.idempotency_key)
        )
        if conn.execute(stmt).first() is not None:
            if item.blob_names:
                conn.execute(
                    submission_blobs.insert(),
                    [
                        {
                            "terminal_id": terminal_id,
                            "idempotency_key": item.key,
                            "name": name,
                            "sha256": sha,
                        }
                        for name, sha in item.blob_names.items()
                    ],
                )
            return SubmissionResult(
                idempotency_key=item.key, status=ItemStatus.STORED, received_at=now
            )
        stored = conn.execute(
            select(submissions.c.digest, submissions.c.received_at).where(
                (submissions.c.terminal_id == terminal_id)
                & (submissions.c.idempotency_key == item.key)
            )
        ).one()
        if stored.digest != item.digest:
            self.bump(conn, "conflicts")
            return SubmissionResult(
                idempotency_key=item.key,
                status=ItemStatus.CONFLICT,
                received_at=stored.received_at,
                detail="this Idempotency-Key was used for a different payload",
            )
        self.bump(conn, "duplicates_refused")
        return SubmissionResult(
            idempotency_key=item.key, status=ItemStatus.REPLAYED, received_at=stored.received_at
        )

    def blob_of(self, terminal_id: str, key: str, name: str) -> bytes:
        """One stored attachment (for reviewers' tools and tests)."""
        with self.db.reader.connect() as conn:
            sha = conn.execute(
                select(submission_blobs.c.sha256).where(
                    (submission_blobs.c.terminal_id == terminal_id)
                    & (submission_blobs.c.idempotency_key == key)
                    & (submission_blobs.c.name == name)
                )
            ).scalar()
        if sha is None:
            raise KeyError(f"{terminal_id}/{key}/{name}")
        return self.blobs.get(str(sha))

    # --- heartbeats ------------------------------------------------------------------
    def heartbeat(self, terminal_id: str, hall_id: str, beat: HeartbeatIn) -> float:
        now = time.time()
        values = {
            "terminal_id": terminal_id,
            "hall_id": hall_id,
            "received_at": now,
            "backlog": beat.backlog,
            "dead_letter": beat.dead_letter,
            "oldest_age_s": beat.oldest_age_s,
            "detail": json.dumps(beat.detail, ensure_ascii=False)[:2000],
        }
        stmt = self._insert(heartbeats).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[heartbeats.c.terminal_id],
            set_={k: v for k, v in values.items() if k != "terminal_id"},
        )
        with self.db.writer.begin() as conn:
            conn.execute(stmt)
        return now

    # --- queue tickets ---------------------------------------------------------------
    def allocate_ticket(self, hall_id: str, terminal_id: str, req: TicketRequest) -> TicketOut:
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
        with self.db.writer.begin() as conn:
            row = conn.execute(stmt).one()
            sequence = int(row.last_sequence)
            number = format_ticket_number(req.prefix, sequence)
            conn.execute(
                tickets.insert().values(
                    **key,
                    sequence=sequence,
                    number=number,
                    terminal_id=terminal_id,
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
        with self.db.writer.begin() as conn:
            row = conn.execute(
                update(ticket_sequences)
                .where(cond)
                .values(called_through=ticket_sequences.c.called_through + 1)
                .returning(ticket_sequences.c.called_through)
            ).first()
        return int(row[0]) if row else None

    # --- counts ----------------------------------------------------------------------
    def stats(self) -> Stats:
        return read_stats(self.db)


def read_stats(db: Database) -> Stats:
    """Counts for ``/v1/stats`` and ``kiosk-central stats`` (no personal data)."""
    with db.reader.connect() as conn:
        by_test: dict[bool, int] = {
            bool(t): int(n)
            for t, n in conn.execute(
                select(submissions.c.is_test, func.count()).group_by(submissions.c.is_test)
            ).all()
        }
        terminals = {
            str(t): int(n)
            for t, n in conn.execute(
                select(submissions.c.terminal_id, func.count()).group_by(submissions.c.terminal_id)
            ).all()
        }
        counts = {str(n): int(v) for n, v in conn.execute(select(counters)).all()}
        blob_count, blob_bytes = conn.execute(
            select(func.count(), func.coalesce(func.sum(blobs.c.size), 0))
        ).one()
        beats = {
            r.terminal_id: {
                "hall_id": r.hall_id,
                "received_at": r.received_at,
                "backlog": r.backlog,
                "dead_letter": r.dead_letter,
                "oldest_age_s": r.oldest_age_s,
            }
            for r in conn.execute(select(heartbeats)).all()
        }
    return Stats(
        submissions=by_test.get(False, 0),
        test_submissions=by_test.get(True, 0),
        duplicates_refused=counts.get("duplicates_refused", 0),
        conflicts=counts.get("conflicts", 0),
        purged_submissions=counts.get("purged_submissions", 0),
        purged_blobs=counts.get("purged_blobs", 0),
        blobs=int(blob_count),
        blob_bytes=int(blob_bytes),
        terminals=terminals,
        heartbeats=beats,
    )
