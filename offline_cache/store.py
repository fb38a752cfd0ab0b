"""The outbox: a SQLite queue of submissions waiting for the centre.

One connection per thread (SQLite connections must not be shared), WAL so the UI thread's
insert never waits for the sync worker's reads, ``synchronous=FULL`` so a committed
submission survives a power cut, ``secure_delete=ON`` so a deleted row (a wrapped data
key, a sealed record) is overwritten rather than left in free pages, and ``BEGIN
IMMEDIATE`` for every read-then-write so two threads never meet as "database is locked"
half-way through a transaction.

The core writes a submission and its own rows (the receipt it issued, say) in one
transaction with the unit of work::

    with outbox.transaction() as tx:
        key = tx.submit("form.hukou", record, {"photo.jpg": jpeg}, pii=True)
        tx.record("receipts", {"submission": key, "receipt": receipt})

Either both are on disk or neither is. The blob files are written and fsynced before the
write lock is taken (``tx.submit`` prepares at once; the rows are written when the block
ends), so a slow disk never holds up the sync worker or another journey.

Before a journey starts, ask ``outbox.can_accept(bytes_needed)``: it answers from a
running total kept by triggers in the same transactions (O(1), whatever the backlog).

Rows move between three states: ``pending`` (to send), ``dead`` (the centre's own verdict
refused it, or it is damaged on the terminal) and ``quarantined`` (the centre failed on it
again and again while accepting others). Dead and quarantined rows keep their sealed data
until a technician retries or discards them (``kiosk outbox dead|retry|discard``).
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
import sqlite3
import stat
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlite_utils

from offline_cache.blobs import BlobStore, packed_size
from offline_cache.crypto import (
    CryptoError,
    KeyState,
    create_terminal_key,
    load_terminal_key,
    seal,
    unseal,
)
from offline_cache.faults import crashpoint
from offline_cache.private import FILE_MODE, private_dir

log = logging.getLogger(__name__)

MiB = 1024 * 1024
# Row format: 1 = associated data is the key alone, blobs in <key>/<index> (before ADR 0005
# was revised); 2 = associated data also binds kind and is_test, blobs in one sharded file.
FORMAT = 2

TABLE = """
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
    blob_names TEXT NOT NULL DEFAULT '[]',  -- blob i is the i-th in the key's blob file
    bytes INTEGER NOT NULL,                 -- on disk: record + blob file
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,    -- failed sends (any transient cause)
    last_error TEXT,
    dead_reason TEXT,
    dead_at REAL
)
"""
# Columns added after the first release; ALTERed into older databases on open.
ADDED_COLUMNS = {
    "format": "INTEGER NOT NULL DEFAULT 1",
    "strikes": "INTEGER NOT NULL DEFAULT 0",  # centre errors on this item alone (quarantine)
}
# Per state and wrapping key: how many rows and bytes. Triggers keep it in the same
# transaction as every insert, delete and state change, so admission and status never
# scan the backlog.
TOTALS = """
CREATE TABLE IF NOT EXISTS outbox_totals (
    state TEXT NOT NULL,
    key_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (state, key_id)
)
"""
TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS outbox_totals_ins AFTER INSERT ON outbox BEGIN
        INSERT INTO outbox_totals(state, key_id, n, bytes)
        VALUES (NEW.state, COALESCE(NEW.key_id, ''), 1, NEW.bytes)
        ON CONFLICT(state, key_id) DO UPDATE SET n = n + 1, bytes = bytes + excluded.bytes;
    END""",
    """CREATE TRIGGER IF NOT EXISTS outbox_totals_del AFTER DELETE ON outbox BEGIN
        UPDATE outbox_totals SET n = n - 1, bytes = bytes - OLD.bytes
        WHERE state = OLD.state AND key_id = COALESCE(OLD.key_id, '');
    END""",
    """CREATE TRIGGER IF NOT EXISTS outbox_totals_upd AFTER UPDATE OF state, bytes, key_id
    ON outbox BEGIN
        UPDATE outbox_totals SET n = n - 1, bytes = bytes - OLD.bytes
        WHERE state = OLD.state AND key_id = COALESCE(OLD.key_id, '');
        INSERT INTO outbox_totals(state, key_id, n, bytes)
        VALUES (NEW.state, COALESCE(NEW.key_id, ''), 1, NEW.bytes)
        ON CONFLICT(state, key_id) DO UPDATE SET n = n + 1, bytes = bytes + excluded.bytes;
    END""",
)
RECOUNT = (
    "INSERT INTO outbox_totals(state, key_id, n, bytes)"
    " SELECT state, COALESCE(key_id, ''), COUNT(*), COALESCE(SUM(bytes), 0) FROM outbox"
    " GROUP BY 1, 2"
)
INSERT_ROW = (
    "INSERT INTO outbox (key, kind, created_at, is_test, pii, key_id, wrapped_key, record,"
    " blob_names, bytes, state, format) VALUES (:key, :kind, :created_at, :is_test, :pii,"
    " :key_id, :wrapped_key, :record, :blob_names, :bytes, :state, :format)"
)


class EntryState(StrEnum):
    PENDING = "pending"
    DEAD = "dead"  # refused by the centre or damaged here: kept for a technician
    QUARANTINED = "quarantined"  # the centre kept failing on it alone: kept, not resent


class OutboxError(Exception):
    """A submission could not be stored; the message is safe to show and log."""


class OutboxFull(OutboxError):
    """Storage budget or disk nearly full: the journey should not start."""


class UnknownEntry(OutboxError):
    """No dead or quarantined submission has this key (``kiosk outbox retry|discard``)."""

    def __init__(self, key: str, problem: str = "no dead or quarantined submission") -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key


@dataclass(frozen=True)
class Admission:
    """The answer to "may a journey that stores ``bytes_needed`` start now?"."""

    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class Prepared:
    """A submission whose blob file is on disk; its row is not committed yet."""

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
    attempts: int = 0
    strikes: int = 0


@dataclass(frozen=True)
class DeadItem:
    """A submission parked for a technician. No personal data: its data stays sealed."""

    key: str
    kind: str
    created_at: float
    reason: str
    dead_at: float
    state: str = EntryState.DEAD.value
    bytes: int = 0
    attempts: int = 0
    has_data: bool = True  # False: dead-lettered by an older version, data already wiped

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "state": self.state,
            "created_at": self.created_at,
            "dead_at": self.dead_at,
            "reason": self.reason,
            "bytes": self.bytes,
            "attempts": self.attempts,
            "has_data": self.has_data,
        }


@dataclass(frozen=True)
class Totals:
    """Rows and bytes per state, from the running totals (or recounted, to check them)."""

    pending: int = 0
    pending_bytes: int = 0
    dead: int = 0
    quarantined: int = 0
    stored_bytes: int = 0  # everything held on disk: pending, dead and quarantined
    unreadable: int = 0  # pending, sealed by a key other than the current one


@dataclass(frozen=True)
class OutboxStatus:
    """What ``kiosk outbox status``, ``kiosk doctor`` and the heartbeat show. No personal data."""

    pending: int
    dead_letter: int
    unreadable: int
    bytes: int  # pending
    oldest_age_s: float | None
    last_success: float | None
    last_error: str | None
    last_error_at: float | None
    key_state: str
    key_where: str
    budget_bytes: int
    admission: Admission
    quarantined: int = 0
    stored_bytes: int = 0
    config_fault: str | None = None
    config_fault_at: float | None = None

    def health(self) -> tuple[str, str]:
        """(state, reason) with state ok / degraded / fault, like a device's health."""
        if self.key_state != KeyState.OK.value:
            return "fault", (
                f"terminal key {self.key_state} ({self.key_where}): personal data cannot be "
                f"stored; {self.unreadable} stored submission(s) unreadable"
            )
        if self.unreadable:
            return "fault", f"{self.unreadable} submission(s) sealed by another key: unreadable"
        if self.config_fault:
            return "fault", (
                f"sending stopped: {self.config_fault}; {self.pending} submission(s) kept, "
                "none deleted"
            )
        if not self.admission.ok:
            return "degraded", self.admission.reason
        if self.stored_bytes >= self.budget_bytes * 0.8:
            share = 100 * self.stored_bytes / self.budget_bytes
            return "degraded", f"outbox {share:.0f}% full: waiting for the network"
        parked = []
        if self.dead_letter:
            parked.append(f"{self.dead_letter} refused by the centre")
        if self.quarantined:
            parked.append(f"{self.quarantined} quarantined after repeated centre errors")
        if parked:
            return "degraded", (
                f"{' and '.join(parked)}: kept for a technician (kiosk outbox dead)"
            )
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
            "quarantined": self.quarantined,
            "unreadable": self.unreadable,
            "bytes": self.bytes,
            "stored_bytes": self.stored_bytes,
            "oldest_age_s": self.oldest_age_s,
            "last_success": self.last_success,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at,
            "config_fault": self.config_fault,
            "config_fault_at": self.config_fault_at,
            "key_state": self.key_state,
            "budget_bytes": self.budget_bytes,
            "accepting": self.admission.ok,
            "refusal": self.admission.reason,
        }


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc)


def associated_data(key: str, kind: str, is_test: bool, fmt: int) -> bytes:
    """What each seal authenticates besides the ciphertext.

    Format 2 binds the kind and the test flag too: a row edited on disk to pass a
    technician's test off as a citizen's form (or the other way round) fails to open.
    """
    if fmt < 2:
        return key.encode()
    return f"hall-kiosk outbox 2\0{key}\0{kind}\0{int(is_test)}".encode()


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
        self.dir = private_dir(Path(data_dir) / "outbox")
        self.db_path = self.dir / "outbox.db"
        _private_file(self.db_path)
        self.blobs = BlobStore(self.dir / "blobs")
        self.budget = disk_budget_bytes
        self.min_free = min_free_bytes
        self.journey_bytes = journey_bytes
        self.clock = clock
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._migrate()
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
            # Autocommit: every write is either one statement or an explicit BEGIN IMMEDIATE.
            conn = sqlite3.connect(
                self.db_path, timeout=30.0, check_same_thread=True, isolation_level=None
            )
            db = sqlite_utils.Database(conn, execute_plugins=False)
            db.enable_wal()
            conn.execute("PRAGMA synchronous=FULL")
            # Set, not inherited from the build: deleted rows are overwritten with zeros.
            conn.execute("PRAGMA secure_delete=ON")
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

    def _begin(self) -> sqlite_utils.Database:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        return db

    @contextlib.contextmanager
    def _immediate(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction that takes the write lock up front (read-then-write safe)."""
        db = self._begin()
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        else:
            db.conn.commit()

    def _migrate(self) -> None:
        """Create or upgrade the schema, in one transaction (another process may race)."""
        with self._immediate() as db:
            db.execute(TABLE)
            db.execute("CREATE INDEX IF NOT EXISTS outbox_state_seq ON outbox(state, seq)")
            db.execute("CREATE TABLE IF NOT EXISTS outbox_meta (name TEXT PRIMARY KEY, value TEXT)")
            have = {r[1] for r in db.execute("PRAGMA table_info(outbox)").fetchall()}
            for name, decl in ADDED_COLUMNS.items():
                if name not in have:
                    db.execute(f"ALTER TABLE outbox ADD COLUMN {name} {decl}")
            fresh_totals = not db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox_totals'"
            ).fetchone()
            db.execute(TOTALS)
            if fresh_totals:  # an older database: count once, then the triggers keep it
                db.execute(RECOUNT)
            for trigger in TRIGGERS:
                db.execute(trigger)

    # --- admission -----------------------------------------------------------------
    def totals(self) -> Totals:
        """The running totals (a handful of rows, whatever the backlog)."""
        return self._totals_from(
            self.db.execute("SELECT state, key_id, n, bytes FROM outbox_totals").fetchall()
        )

    def recounted_totals(self) -> Totals:
        """The same figures counted from the rows themselves (O(backlog): for checks)."""
        return self._totals_from(
            self.db.execute(
                "SELECT state, COALESCE(key_id, ''), COUNT(*), COALESCE(SUM(bytes), 0)"
                " FROM outbox GROUP BY 1, 2"
            ).fetchall()
        )

    def _totals_from(self, rows: list[tuple[str, str, int, int]]) -> Totals:
        kid = self.key.id if self.key.state is KeyState.OK else None
        counts = {s: 0 for s in EntryState}
        pending_bytes = stored = unreadable = 0
        for state, key_id, n, size in rows:
            if not n:
                continue
            stored += size
            if state in counts:
                counts[EntryState(state)] += n
            if state == EntryState.PENDING:
                pending_bytes += size
                if key_id and key_id != kid:
                    unreadable += n
        return Totals(
            pending=counts[EntryState.PENDING],
            pending_bytes=pending_bytes,
            dead=counts[EntryState.DEAD],
            quarantined=counts[EntryState.QUARANTINED],
            stored_bytes=stored,
            unreadable=unreadable,
        )

    def stored_bytes(self) -> int:
        """Bytes the outbox holds on disk (pending, dead and quarantined), O(1)."""
        row = self.db.execute("SELECT COALESCE(SUM(bytes), 0) FROM outbox_totals").fetchone()
        return int(row[0])

    def can_accept(self, bytes_needed: int, *, pii: bool = True) -> Admission:
        """May a journey that will store about ``bytes_needed`` start now? With the reason.

        Ask before the citizen starts (a form journey: the form and its photo, about
        ``journey_bytes``); ``prepare`` asks again and raises ``OutboxFull`` when the
        answer changed meanwhile. Constant time: a running total, one statvfs.
        """
        if pii and self.key.state is not KeyState.OK:
            return Admission(False, f"terminal key {self.key.state.value}: cannot protect data")
        used = self.stored_bytes()
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

    # --- writing -----------------------------------------------------------------
    def prepare(
        self,
        kind: str,
        record: Mapping[str, Any],
        blobs: Mapping[str, bytes] | None = None,
        *,
        pii: bool = True,
        is_test: bool = False,
    ) -> Prepared:
        """Seal and write the blob file (fsynced), outside any transaction.

        Doing the slow part here keeps the write lock short for everybody else.
        """
        blobs = dict(blobs or {})
        key = uuid.uuid4().hex
        plain = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
        needed = len(plain) + sum(len(b) for b in blobs.values()) + 64 * (1 + len(blobs))
        admission = self.can_accept(needed, pii=pii)
        if not admission.ok:
            raise OutboxFull(admission.reason)
        aad = associated_data(key, kind, is_test, FORMAT)
        names = list(blobs)
        try:
            if pii:
                sealed = self.key.new_envelope(aad)
                stored = seal(sealed.data_key, plain, aad)
                key_id: str | None = sealed.key_id
                wrapped: bytes | None = sealed.wrapped_key
                files = [seal(sealed.data_key, blobs[n], aad + b"/" + n.encode()) for n in names]
            else:
                stored, key_id, wrapped = plain, None, None
                files = [blobs[n] for n in names]
            total = len(stored)
            if names:
                self.blobs.write(key, files)
                total += packed_size(files)
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
            "format": FORMAT,
        }
        return Prepared(key, row)

    def abandon(self, prepared: Prepared) -> None:
        """Undo ``prepare`` for a submission that will not be committed."""
        self.blobs.remove(prepared.key)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """One SQLite transaction for submissions and the caller's own rows.

        The write lock is taken when the block ends (or at the first raw SQL through
        ``tx.db`` / ``tx.execute``), after every ``tx.submit`` has written its files.
        """
        tx = UnitOfWork(self)
        try:
            yield tx
            tx._commit()
        except BaseException as exc:
            tx._rollback()
            for prepared in tx.added:
                self.abandon(prepared)
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

        Submissions whose files or ciphertext are damaged move to the dead letters here
        (their sealed data kept): resending cannot heal them, and they must not block the
        queue.
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
        fmt = int(row.get("format") or 1)
        aad = associated_data(key, row["kind"], bool(row["is_test"]), fmt)
        names: list[str] = json.loads(row["blob_names"])
        files = self.blobs.read(key, len(names), legacy=fmt < 2) if names else []
        if row["pii"]:
            data_key = self.key.open_envelope(row["key_id"], row["wrapped_key"], aad)
            plain = unseal(data_key, row["record"], aad)
            blobs = {
                n: unseal(data_key, data, aad + b"/" + n.encode())
                for n, data in zip(names, files, strict=True)
            }
        else:
            plain = row["record"]
            blobs = dict(zip(names, files, strict=True))
        return PendingItem(
            seq=row["seq"],
            key=key,
            kind=row["kind"],
            created_at=row["created_at"],
            is_test=bool(row["is_test"]),
            size=row["bytes"],
            record=json.loads(plain),
            blobs=blobs,
            attempts=int(row["attempts"]),
            strikes=int(row.get("strikes") or 0),
        )

    def acknowledge(self, keys: list[str]) -> int:
        """The centre holds these: delete the rows, then their blob files.

        The same commit records the success (and clears a configuration fault): one
        fsync per batch, not two.
        """
        if not keys:
            return 0
        marks = ",".join("?" for _ in keys)
        with self._immediate() as db:
            cur = db.execute(f"DELETE FROM outbox WHERE key IN ({marks})", keys)
            deleted = cur.rowcount
            self._set_meta(db, last_success=self.clock(), config_fault=None, config_fault_at=None)
            crashpoint("ack_mid_txn")
        # After commit: a crash here leaves orphan files that sweep_orphans removes.
        crashpoint("ack_before_unlink")
        for key in keys:
            self.blobs.remove(key)
        return deleted

    def dead_letter(self, key: str, reason: str) -> None:
        """Park a submission the centre refused (or that is damaged here): never resent.

        Its sealed data stays until a technician retries or discards it: a wrong verdict
        (a centre bug, a misread answer) must not cost a citizen's submission.
        """
        self._park(key, EntryState.DEAD, reason)

    def quarantine(self, key: str, reason: str) -> None:
        """Park a submission the centre failed on again and again: kept, not resent."""
        self._park(key, EntryState.QUARANTINED, reason)

    def _park(self, key: str, state: EntryState, reason: str) -> None:
        with self._immediate() as db:
            db.execute(
                "UPDATE outbox SET state = ?, dead_reason = ?, dead_at = ? WHERE key = ?",
                [state.value, reason[:500], self.clock(), key],
            )
        log.warning("submission %s %s: %s", key, state.value, reason[:200])

    def retry(self, key: str) -> None:
        """A technician sends a dead or quarantined submission again."""
        with self._immediate() as db:
            row = db.execute(
                "SELECT pii, wrapped_key FROM outbox WHERE key = ? AND state != 'pending'", [key]
            ).fetchone()
            if row is None:
                raise UnknownEntry(key)
            if row[0] and row[1] is None:
                raise UnknownEntry(
                    key, "its data was wiped by an earlier version; only discard is possible"
                )
            db.execute(
                "UPDATE outbox SET state = 'pending', attempts = 0, strikes = 0,"
                " dead_reason = NULL, dead_at = NULL WHERE key = ?",
                [key],
            )

    def retry_all(self) -> int:
        """Every dead or quarantined submission that still has its data goes back to pending."""
        with self._immediate() as db:
            cur = db.execute(
                "UPDATE outbox SET state = 'pending', attempts = 0, strikes = 0,"
                " dead_reason = NULL, dead_at = NULL"
                " WHERE state != 'pending' AND NOT (pii = 1 AND wrapped_key IS NULL)"
            )
            return cur.rowcount

    def discard(self, key: str) -> None:
        """A technician gives up on a dead or quarantined submission: row and files go."""
        with self._immediate() as db:
            cur = db.execute("DELETE FROM outbox WHERE key = ? AND state != 'pending'", [key])
            if not cur.rowcount:
                raise UnknownEntry(key)
        self.blobs.remove(key)

    def note_attempt_failed(
        self, keys: list[str], error: str, *, strikes: list[str] | None = None
    ) -> None:
        """A send failed: count it on each item (``strikes``: the centre failed on these
        alone while it works otherwise) and record the error, in one commit."""
        marks = ",".join("?" for _ in keys)
        with self._immediate() as db:
            if keys:
                db.execute(
                    f"UPDATE outbox SET attempts = attempts + 1, last_error = ?"
                    f" WHERE key IN ({marks})",
                    [error[:500], *keys],
                )
            if strikes:
                smarks = ",".join("?" for _ in strikes)
                db.execute(
                    f"UPDATE outbox SET strikes = strikes + 1 WHERE key IN ({smarks})", strikes
                )
            self._set_meta(db, last_error=error[:500], last_error_at=self.clock())

    def strikes(self, key: str) -> int:
        row = self.db.execute("SELECT strikes FROM outbox WHERE key = ?", [key]).fetchone()
        return int(row[0]) if row else 0

    def dead_letters(self, limit: int = 100) -> list[DeadItem]:
        """Dead and quarantined submissions, oldest first (no personal data)."""
        return [
            DeadItem(
                key=r["key"],
                kind=r["kind"],
                created_at=r["created_at"],
                reason=r["dead_reason"] or "",
                dead_at=r["dead_at"],
                state=r["state"],
                bytes=r["bytes"],
                attempts=r["attempts"],
                has_data=not (r["pii"] and r["wrapped_key"] is None),
            )
            for r in self.db.query(
                "SELECT key, kind, created_at, dead_reason, dead_at, state, bytes, attempts,"
                " pii, wrapped_key FROM outbox WHERE state != 'pending' ORDER BY seq LIMIT ?",
                [limit],
            )
        ]

    # --- health ------------------------------------------------------------------------
    @staticmethod
    def _set_meta(db: sqlite_utils.Database, **values: str | float | None) -> None:
        for name, value in values.items():
            db.execute(
                "INSERT INTO outbox_meta(name, value) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                [name, None if value is None else str(value)],
            )

    def set_meta(self, **values: str | float | None) -> None:
        with self._immediate() as db:
            self._set_meta(db, **values)

    def meta(self) -> dict[str, str | None]:
        return {r["name"]: r["value"] for r in self.db.query("SELECT * FROM outbox_meta")}

    def note_success(self) -> None:
        self.set_meta(last_success=self.clock(), config_fault=None, config_fault_at=None)

    def note_error(self, error: str) -> None:
        self.set_meta(last_error=error[:500], last_error_at=self.clock())

    def note_config_fault(self, reason: str) -> None:
        """The centre (or what stands in front of it) refuses this terminal as such:
        stop sending, keep everything, say so until a send succeeds again."""
        now = self.clock()
        self.set_meta(
            config_fault=reason[:500], config_fault_at=now, last_error=reason[:500],
            last_error_at=now,
        )  # fmt: skip

    def _sealed_count(self) -> int:
        # Any sealed row: the totals hold per-key counts of every state.
        row = self.db.execute(
            "SELECT COALESCE(SUM(n), 0) FROM outbox_totals WHERE key_id != ''"
        ).fetchone()
        return int(row[0])

    def pending_count(self) -> int:
        return self.totals().pending

    def status(self) -> OutboxStatus:
        """Backlog, parked submissions, last success and error, admission. O(1)."""
        totals = self.totals()
        oldest = self.db.execute(
            "SELECT created_at FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT 1"
        ).fetchone()
        meta = self.meta()

        def _float(name: str) -> float | None:
            value = meta.get(name)
            return float(value) if value else None

        return OutboxStatus(
            pending=totals.pending,
            dead_letter=totals.dead,
            quarantined=totals.quarantined,
            unreadable=totals.unreadable,
            bytes=totals.pending_bytes,
            stored_bytes=totals.stored_bytes,
            oldest_age_s=round(self.clock() - oldest[0], 3) if oldest else None,
            last_success=_float("last_success"),
            last_error=meta.get("last_error"),
            last_error_at=_float("last_error_at"),
            config_fault=meta.get("config_fault"),
            config_fault_at=_float("config_fault_at"),
            key_state=self.key.state.value,
            key_where=self.key.where,
            budget_bytes=self.budget,
            admission=self.can_accept(self.journey_bytes),
        )

    def sweep_orphans(self, min_age_s: float = 300.0) -> int:
        """Remove blob files no row references (left by a crash). Returns how many."""
        known = [r[0] for r in self.db.execute("SELECT key FROM outbox").fetchall()]
        return self.blobs.sweep_orphans(known, min_age_s)


def _private_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its -wal and -shm files take the
    database's mode), and tighten one an older version left 0644."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) & 0o077:
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    for side in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            extra = path.with_name(path.name + side)
            if stat.S_IMODE(extra.stat().st_mode) & 0o077:
                extra.chmod(FILE_MODE)


class UnitOfWork:
    """The open unit of work handed out by ``Outbox.transaction()``.

    ``submit``/``add``/``record`` are written when the block ends, in one transaction. Raw
    SQL (``tx.db``, ``tx.execute``) takes the write lock at once and writes what was added
    so far; after that, ``submit`` is refused, because its files would be written while
    the lock is held: ``Outbox.prepare`` them first and ``add`` them.
    """

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox
        self._db: sqlite_utils.Database | None = None
        self._ops: list[tuple[str, dict[str, Any]]] = []
        self.added: list[Prepared] = []
        self.closed = False

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection, inside this transaction (takes the write lock now)."""
        self._check_open()
        if self._db is None:
            self._db = self._outbox._begin()
            ops, self._ops = self._ops, []
            for table, row in ops:
                self._write(table, row)
        return self._db

    def _check_open(self) -> None:
        if self.closed:
            raise OutboxError("transaction already finished")

    def _write(self, table: str, row: dict[str, Any]) -> None:
        assert self._db is not None
        if table == "outbox":
            self._db.execute(INSERT_ROW, row)
        else:
            self._db.table(table).insert(row)

    def _queue(self, table: str, row: dict[str, Any]) -> None:
        self._check_open()
        if self._db is None:
            self._ops.append((table, row))
        else:
            self._write(table, row)

    def submit(
        self,
        kind: str,
        record: Mapping[str, Any],
        blobs: Mapping[str, bytes] | None = None,
        *,
        pii: bool = True,
        is_test: bool = False,
    ) -> str:
        """Prepare (files written now, outside the lock) and add one submission."""
        self._check_open()
        if self._db is not None:
            raise OutboxError(
                "submit() after raw SQL would write files under the write lock:"
                " prepare the submission first (Outbox.prepare) and add() it"
            )
        prepared = self._outbox.prepare(kind, record, blobs, pii=pii, is_test=is_test)
        self.add(prepared)
        return prepared.key

    def add(self, prepared: Prepared) -> None:
        """Add a submission made earlier with ``Outbox.prepare``."""
        self._check_open()
        self.added.append(prepared)
        self._queue("outbox", prepared.row)

    def record(self, table: str, row: Mapping[str, Any]) -> None:
        """Insert the caller's own row (its table created on first use) in this transaction."""
        self._queue(table, dict(row))

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        """Raw SQL in this transaction (takes the write lock now)."""
        return self.db.execute(sql, params)

    def _commit(self) -> None:
        db = self.db  # takes the lock and writes the queued rows if not done yet
        db.conn.commit()
        self._db = None

    def _rollback(self) -> None:
        if self._db is not None:
            self._db.conn.rollback()
            self._db = None
        self._ops.clear()
