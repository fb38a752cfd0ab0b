"""The outbox: a SQLite queue of submissions waiting for the centre.

One connection per thread (SQLite connections must not be shared), WAL so the UI thread's
insert never waits for the sync worker's reads, ``synchronous=FULL`` so a committed
submission survives a power cut, and ``BEGIN IMMEDIATE`` for every read-then-write so two
threads never meet as "database is locked" half-way through a transaction.

The core writes a submission and its own rows (the print it recorded, say) in one
transaction with the unit of work::

    with outbox.transaction() as tx:
        key = tx.submit("form.hukou", record, {"photo.jpg": jpeg}, pii=True)
        tx.record("prints", {"submission": key, "printed_at": now})

Either both are on disk or neither is.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlite_utils

from offline_cache.blobs import BlobStore
from offline_cache.crypto import (
    CryptoError,
    KeyState,
    create_terminal_key,
    load_terminal_key,
    seal,
    unseal,
)
from offline_cache.faults import crashpoint

log = logging.getLogger(__name__)

MiB = 1024 * 1024
SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- send order: oldest first
    key TEXT NOT NULL UNIQUE,               -- the Idempotency-Key
    kind TEXT NOT NULL,
    created_at REAL NOT NULL,
    is_test INTEGER NOT NULL DEFAULT 0,
    pii INTEGER NOT NULL DEFAULT 1,
    key_id TEXT,                            -- terminal key that wrapped the data key
    wrapped_key BLOB,
    record BLOB NOT NULL,                   -- sealed JSON (pii) or plain JSON
    blob_names TEXT NOT NULL DEFAULT '[]',  -- blob i is file <key>/<i>
    bytes INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    dead_reason TEXT,
    dead_at REAL
);
CREATE INDEX IF NOT EXISTS outbox_state_seq ON outbox(state, seq);
CREATE TABLE IF NOT EXISTS outbox_meta (name TEXT PRIMARY KEY, value TEXT);
"""


class EntryState(StrEnum):
    PENDING = "pending"
    DEAD = "dead"  # refused by the centre: kept for a technician, never resent


class OutboxError(Exception):
    """A submission could not be stored; the message is safe to show and log."""


class OutboxFull(OutboxError):
    """Storage budget or disk nearly full: the journey should not start."""


@dataclass(frozen=True)
class Admission:
    """The answer to "may a journey that stores ``bytes_needed`` start now?"."""

    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class Prepared:
    """A submission whose blob files are on disk; its row is not committed yet."""

    key: str
    row: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class PendingItem:
    """A decrypted submission ready to send. Holds personal data: no repr of contents."""

    seq: int
    key: str
    kind: str
    created_at: float
    is_test: bool
    size: int
    record: dict[str, Any] = field(repr=False)
    blobs: dict[str, bytes] = field(repr=False)


@dataclass(frozen=True)
class DeadItem:
    key: str
    kind: str
    created_at: float
    reason: str
    dead_at: float


@dataclass(frozen=True)
class OutboxStatus:
    """What ``kiosk outbox status`` and the diagnostics screen show. No personal data."""

    pending: int
    dead_letter: int
    unreadable: int
    bytes: int
    oldest_age_s: float | None
    last_success: float | None
    last_error: str | None
    last_error_at: float | None
    key_state: str
    key_where: str
    budget_bytes: int
    admission: Admission

    def health(self) -> tuple[str, str]:
        """(state, reason) with state ok / degraded / fault, like a device's health."""
        if self.key_state != KeyState.OK.value:
            return "fault", (
                f"terminal key {self.key_state} ({self.key_where}): personal data cannot be "
                f"stored; {self.unreadable} stored submission(s) unreadable"
            )
        if self.unreadable:
            return "fault", f"{self.unreadable} submission(s) sealed by another key: unreadable"
        if not self.admission.ok:
            return "degraded", self.admission.reason
        if self.bytes >= self.budget_bytes * 0.8:
            share = 100 * self.bytes / self.budget_bytes
            return "degraded", f"outbox {share:.0f}% full: waiting for the network"
        if self.dead_letter:
            return "degraded", f"{self.dead_letter} submission(s) refused by the centre"
        if self.oldest_age_s is not None and self.oldest_age_s > 3600:
            hours = self.oldest_age_s / 3600
            return "degraded", f"oldest submission waiting {hours:.1f} h: {self.last_error or ''}"
        return "ok", ""

    def as_dict(self) -> dict[str, Any]:
        state, reason = self.health()
        return {
            "state": state,
            "reason": reason,
            "pending": self.pending,
            "dead_letter": self.dead_letter,
            "unreadable": self.unreadable,
            "bytes": self.bytes,
            "oldest_age_s": self.oldest_age_s,
            "last_success": self.last_success,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at,
            "key_state": self.key_state,
            "budget_bytes": self.budget_bytes,
            "accepting": self.admission.ok,
            "refusal": self.admission.reason,
        }


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc)


class Outbox:
    """The terminal's durable queue. Safe to use from many threads and processes."""

    def __init__(
        self,
        data_dir: Path,
        *,
        key_path: Path,
        disk_budget_bytes: int = 512 * MiB,
        min_free_bytes: int = 64 * MiB,
        create_key: bool = True,
        journey_bytes: int = 512 * 1024,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``journey_bytes``: what a typical journey stores (an ID photo and a form); the
        health says "degraded" once one more of those would be refused."""
        self.dir = Path(data_dir) / "outbox"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.dir / "outbox.db"
        self.blobs = BlobStore(self.dir / "blobs")
        self.budget = disk_budget_bytes
        self.min_free = min_free_bytes
        self.journey_bytes = journey_bytes
        self.clock = clock
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        db = self.db
        with contextlib.suppress(sqlite3.OperationalError):  # another process won the race
            db.executescript(SCHEMA)
        self.key = load_terminal_key(key_path)
        # A fresh terminal makes its key; one that holds sealed records never does, so a
        # lost key shows up as a fault instead of silently starting a second key.
        if self.key.state is KeyState.MISSING and create_key and not self._sealed_count():
            with contextlib.suppress(FileExistsError):
                self.key = create_terminal_key(key_path)
            if self.key.state is not KeyState.OK:
                self.key = load_terminal_key(key_path)

    # --- connections -----------------------------------------------------------------
    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection (created on first use, re-created after fork)."""
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.db_path, timeout=30.0, check_same_thread=True)
            db = sqlite_utils.Database(conn, execute_plugins=False)
            db.enable_wal()
            db.execute("PRAGMA synchronous=FULL")
            self._local.db = db
            self._local.pid = os.getpid()
            with self._lock:
                self._all.append(conn)
        return db

    def close_thread(self) -> None:
        """Close this thread's connection (a worker thread calls it on its way out)."""
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            return
        with self._lock:
            if db.conn in self._all:
                self._all.remove(db.conn)
        db.conn.close()
        self._local.db = None

    def close(self) -> None:
        """Close every connection this object opened (call from the owning thread last)."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            with contextlib.suppress(sqlite3.ProgrammingError):
                conn.close()
        self._local = threading.local()

    @contextlib.contextmanager
    def _immediate(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction that takes the write lock up front (read-then-write safe).

        Inside it, sqlite-utils' own ``atomic()`` nests as a savepoint.
        """
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            with db.atomic():
                yield db
        except BaseException:
            db.rollback()
            raise
        else:
            db.commit()

    # --- writing -----------------------------------------------------------------
    def can_accept(self, bytes_needed: int, *, pii: bool = True) -> Admission:
        """May a journey that will store about ``bytes_needed`` start now? With the reason."""
        if pii and self.key.state is not KeyState.OK:
            return Admission(False, f"terminal key {self.key.state.value}: cannot protect data")
        used = self.used_bytes()
        headroom = self.budget // 20  # stop before the hard limit, not at it
        if used + bytes_needed > self.budget - headroom:
            return Admission(
                False,
                f"outbox nearly full: {used / MiB:.1f} of {self.budget / MiB:.0f} MiB used,"
                " waiting for the network",
            )
        try:
            free = shutil.disk_usage(self.dir).free
        except OSError as exc:
            return Admission(False, f"cannot read free disk space: {exc.strerror}")
        if free - bytes_needed < self.min_free:
            return Admission(False, f"disk nearly full: {free / MiB:.1f} MiB free")
        return Admission(True)

    def prepare(
        self,
        kind: str,
        record: Mapping[str, Any],
        blobs: Mapping[str, bytes] | None = None,
        *,
        pii: bool = True,
        is_test: bool = False,
    ) -> Prepared:
        """Seal and write the blob files (fsynced), outside any transaction.

        Doing the slow part here keeps the write lock short for everybody else.
        """
        blobs = dict(blobs or {})
        key = uuid.uuid4().hex
        plain = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
        needed = len(plain) + sum(len(b) for b in blobs.values()) + 64 * (1 + len(blobs))
        admission = self.can_accept(needed, pii=pii)
        if not admission.ok:
            raise OutboxFull(admission.reason)
        aad = key.encode()
        try:
            if pii:
                sealed = self.key.new_envelope(aad)
                stored = seal(sealed.data_key, plain, aad)
                key_id: str | None = sealed.key_id
                wrapped: bytes | None = sealed.wrapped_key
            else:
                stored, key_id, wrapped = plain, None, None
            total = len(stored)
            names = list(blobs)
            for i, name in enumerate(names):
                data = blobs[name]
                if pii:
                    data = seal(sealed.data_key, data, aad + b"/" + name.encode())
                self.blobs.write(key, i, data)
                total += len(data)
            if names:
                self.blobs.sync_dir(key)
        except CryptoError as exc:
            self.blobs.remove(key)
            raise OutboxError(str(exc)) from None
        except OSError as exc:
            self.blobs.remove(key)
            if _is_disk_full(exc):
                raise OutboxFull(
                    f"disk full while saving the submission ({exc.strerror})"
                ) from None
            raise OutboxError(f"cannot save the submission: {exc.strerror}") from None
        row = {
            "key": key,
            "kind": kind,
            "created_at": self.clock(),
            "is_test": int(is_test),
            "pii": int(pii),
            "key_id": key_id,
            "wrapped_key": wrapped,
            "record": stored,
            "blob_names": json.dumps(names, ensure_ascii=False),
            "bytes": total,
            "state": EntryState.PENDING.value,
        }
        return Prepared(key, row)

    def discard(self, prepared: Prepared) -> None:
        """Undo ``prepare`` for a submission that will not be committed."""
        self.blobs.remove(prepared.key)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """One SQLite transaction for submissions and the caller's own rows."""
        tx = UnitOfWork(self)
        try:
            with self._immediate() as db:
                tx.db = db
                yield tx
        except BaseException as exc:
            for prepared in tx.added:
                self.discard(prepared)
            if _is_disk_full(exc):
                raise OutboxFull("disk full while saving the submission") from None
            raise
        finally:
            tx.closed = True

    def submit(
        self,
        kind: str,
        record: Mapping[str, Any],
        blobs: Mapping[str, bytes] | None = None,
        *,
        pii: bool = True,
        is_test: bool = False,
    ) -> str:
        """Store one submission in its own transaction; returns its idempotency key."""
        prepared = self.prepare(kind, record, blobs, pii=pii, is_test=is_test)
        with self.transaction() as tx:
            tx.add(prepared)
        return prepared.key

    # --- reading for the sync worker -------------------------------------------------
    def next_batch(self, limit: int = 50, max_bytes: int = 8 * MiB) -> list[PendingItem]:
        """Oldest pending submissions this key can read, decrypted, up to limit / max_bytes.

        Submissions whose files or ciphertext are damaged move to the dead letters here:
        resending cannot heal them, and they must not block the queue.
        """
        kid = self.key.id if self.key.state is KeyState.OK else None
        where = "state = 'pending' AND (pii = 0 OR key_id = :kid)"
        rows = list(
            self.db.query(
                f"SELECT * FROM outbox WHERE {where} ORDER BY seq LIMIT :limit",
                {"kid": kid, "limit": limit},
            )
        )
        items: list[PendingItem] = []
        size = 0
        for row in rows:
            if items and size + row["bytes"] > max_bytes:
                break
            try:
                items.append(self._open(row))
            except (CryptoError, OSError, ValueError) as exc:
                self.dead_letter(row["key"], f"damaged on the terminal: {exc}")
                continue
            size += row["bytes"]
        return items

    def _open(self, row: dict[str, Any]) -> PendingItem:
        key = row["key"]
        aad = key.encode()
        names: list[str] = json.loads(row["blob_names"])
        if row["pii"]:
            data_key = self.key.open_envelope(row["key_id"], row["wrapped_key"], aad)
            plain = unseal(data_key, row["record"], aad)
            blobs = {
                n: unseal(data_key, self.blobs.read(key, i), aad + b"/" + n.encode())
                for i, n in enumerate(names)
            }
        else:
            plain = row["record"]
            blobs = {n: self.blobs.read(key, i) for i, n in enumerate(names)}
        return PendingItem(
            seq=row["seq"],
            key=key,
            kind=row["kind"],
            created_at=row["created_at"],
            is_test=bool(row["is_test"]),
            size=row["bytes"],
            record=json.loads(plain),
            blobs=blobs,
        )

    def acknowledge(self, keys: list[str]) -> int:
        """The centre holds these: delete the rows, then their blob files."""
        if not keys:
            return 0
        marks = ",".join("?" for _ in keys)
        with self._immediate() as db:
            cur = db.execute(f"DELETE FROM outbox WHERE key IN ({marks})", keys)
            deleted = cur.rowcount
            crashpoint("ack_mid_txn")
        # After commit: a crash here leaves orphan files that sweep_orphans removes.
        crashpoint("ack_before_unlink")
        for key in keys:
            self.blobs.remove(key)
        return deleted

    def dead_letter(self, key: str, reason: str) -> None:
        """Park a refused submission: never resent, visible to technicians.

        Its personal data is wiped now (record and blobs): a technician needs the reason,
        not the citizen's data, and the data must not outlive its purpose.
        """
        with self._immediate() as db:
            db.execute(
                "UPDATE outbox SET state = 'dead', dead_reason = ?, dead_at = ?,"
                " record = CASE WHEN pii THEN x'' ELSE record END, wrapped_key = NULL,"
                " bytes = 0 WHERE key = ?",
                [reason[:500], self.clock(), key],
            )
        self.blobs.remove(key)

    def note_attempt_failed(self, keys: list[str], error: str) -> None:
        if not keys:
            return
        marks = ",".join("?" for _ in keys)
        with self._immediate() as db:
            db.execute(
                f"UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE key IN ({marks})",
                [error[:500], *keys],
            )

    def dead_letters(self, limit: int = 100) -> list[DeadItem]:
        return [
            DeadItem(r["key"], r["kind"], r["created_at"], r["dead_reason"] or "", r["dead_at"])
            for r in self.db.query(
                "SELECT key, kind, created_at, dead_reason, dead_at FROM outbox"
                " WHERE state = 'dead' ORDER BY seq LIMIT ?",
                [limit],
            )
        ]

    # --- health ------------------------------------------------------------------------
    def set_meta(self, **values: str | float | None) -> None:
        with self.db.atomic() as db:
            for name, value in values.items():
                db.execute(
                    "INSERT INTO outbox_meta(name, value) VALUES (?, ?)"
                    " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                    [name, None if value is None else str(value)],
                )

    def meta(self) -> dict[str, str | None]:
        return {r["name"]: r["value"] for r in self.db.query("SELECT * FROM outbox_meta")}

    def note_success(self) -> None:
        self.set_meta(last_success=self.clock())

    def note_error(self, error: str) -> None:
        self.set_meta(last_error=error[:500], last_error_at=self.clock())

    def used_bytes(self) -> int:
        row = self.db.execute(
            "SELECT COALESCE(SUM(bytes), 0) FROM outbox WHERE state = 'pending'"
        ).fetchone()
        return int(row[0])

    def _sealed_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM outbox WHERE pii = 1").fetchone()[0])

    def pending_count(self) -> int:
        return int(
            self.db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
        )

    def status(self) -> OutboxStatus:
        db = self.db
        kid = self.key.id if self.key.state is KeyState.OK else ""
        row = db.execute(
            "SELECT"
            " SUM(state = 'pending'), SUM(state = 'dead'),"
            " SUM(state = 'pending' AND pii = 1 AND key_id IS NOT ?),"
            " COALESCE(SUM(CASE WHEN state = 'pending' THEN bytes END), 0),"
            " MIN(CASE WHEN state = 'pending' THEN created_at END)"
            " FROM outbox",
            [kid],
        ).fetchone()
        meta = self.meta()

        def _float(name: str) -> float | None:
            value = meta.get(name)
            return float(value) if value else None

        oldest = row[4]
        return OutboxStatus(
            pending=int(row[0] or 0),
            dead_letter=int(row[1] or 0),
            unreadable=int(row[2] or 0),
            bytes=int(row[3] or 0),
            oldest_age_s=round(self.clock() - oldest, 3) if oldest is not None else None,
            last_success=_float("last_success"),
            last_error=meta.get("last_error"),
            last_error_at=_float("last_error_at"),
            key_state=self.key.state.value,
            key_where=self.key.where,
            budget_bytes=self.budget,
            admission=self.can_accept(self.journey_bytes),
        )

    def sweep_orphans(self, min_age_s: float = 300.0) -> int:
        """Remove blob files no row references (left by a crash). Returns how many."""
        known = [r["key"] for r in self.db.query("SELECT key FROM outbox")]
        return self.blobs.sweep_orphans(known, min_age_s)


class UnitOfWork:
    """The open transaction handed out by ``Outbox.transaction()``.

    ``tx.db`` is the sqlite-utils Database on the same connection, inside the same
    transaction: the caller's own tables written through it commit or roll back together
    with the submissions.
    """

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox
        self.db: sqlite_utils.Database = outbox.db
        self.added: list[Prepared] = []
        self.closed = False

    def submit(
        self,
        kind: str,
        record: Mapping[str, Any],
        blobs: Mapping[str, bytes] | None = None,
        *,
        pii: bool = True,
        is_test: bool = False,
    ) -> str:
        """Prepare and add one submission; returns its idempotency key."""
        prepared = self._outbox.prepare(kind, record, blobs, pii=pii, is_test=is_test)
        self.add(prepared)
        return prepared.key

    def add(self, prepared: Prepared) -> None:
        """Add a submission made earlier with ``Outbox.prepare`` (outside the lock)."""
        if self.closed:
            raise OutboxError("transaction already finished")
        self.added.append(prepared)
        self.db.table("outbox").insert(prepared.row)

    def record(self, table: str, row: Mapping[str, Any]) -> None:
        """Insert the caller's own row (created on first use) in this transaction."""
        self.db.table(table).insert(dict(row))

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)
