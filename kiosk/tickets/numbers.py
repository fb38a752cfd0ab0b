"""Queue numbers per service per local day, persisted so a restart never reuses one."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from offline_cache.private import private_dir


@dataclass(frozen=True)
class IssuedNumber:
    number: str  # what the citizen sees, e.g. "A023"
    service_code: str
    day: date
    sequence: int
    people_ahead: int
    issued_at: datetime
    source: str  # "local" (this terminal), "central" or "offline" (this terminal's block)


class LocalNumberStore:
    """The per-day counters and every number handed out (SQLite, WAL, FULL sync).

    ``issue_next`` bumps a counter and records the number inside one ``BEGIN
    IMMEDIATE``, so two threads or two processes on this terminal never get the same
    number; ``kiosk.tickets.allocator`` decides which counter (centre or offline block).
    """

    def __init__(self, path: Path, timezone: str) -> None:
        private_dir(path.parent)  # the kiosk's data directory: 0700
        self._path = path
        self._tz = ZoneInfo(timezone)
        self._local = threading.local()
        with self._conn() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS ticket_counter ("
                " day TEXT NOT NULL, service TEXT NOT NULL, last INTEGER NOT NULL,"
                " PRIMARY KEY (day, service))"
            )
            # Every number handed to a citizen, with where it came from; the primary key
            # makes a duplicate impossible even if the centre repeated itself.
            conn.execute(
                "CREATE TABLE IF NOT EXISTS issued_ticket ("
                " day TEXT NOT NULL, number TEXT NOT NULL, service TEXT NOT NULL,"
                " sequence INTEGER NOT NULL, source TEXT NOT NULL, issued_at TEXT NOT NULL,"
                " printed INTEGER, PRIMARY KEY (day, number))"
            )

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
        return conn

    @property
    def timezone(self) -> ZoneInfo:
        return self._tz

    def local_day(self, now: datetime) -> date:
        return now.astimezone(self._tz).date()

    def issue_next(
        self, day: date, counter: str, make: Callable[[int], IssuedNumber]
    ) -> IssuedNumber:
        """Bump ``counter`` and record ``make(sequence)`` in one transaction (one fsync).

        A sequence whose number is already recorded (say, a restored database) is
        skipped, so the number returned was never handed out before.
        """
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT last FROM ticket_counter WHERE day=? AND service=?",
                (day.isoformat(), counter),
            ).fetchone()
            seq = row[0] if row else 0
            while True:
                seq += 1
                issued = make(seq)
                if self._insert(conn, issued):
                    break
            conn.execute(
                "INSERT INTO ticket_counter(day, service, last) VALUES (?,?,?)"
                " ON CONFLICT(day, service) DO UPDATE SET last=excluded.last",
                (day.isoformat(), counter, seq),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return issued

    def record(self, issued: IssuedNumber) -> bool:
        """Keep ``issued``; False (and nothing kept) if that number was already handed out."""
        return self._insert(self._conn(), issued)

    @staticmethod
    def _insert(conn: sqlite3.Connection, issued: IssuedNumber) -> bool:
        try:
            conn.execute(
                "INSERT INTO issued_ticket(day, number, service, sequence, source, issued_at)"
                " VALUES (?,?,?,?,?,?)",
                (
                    issued.day.isoformat(),
                    issued.number,
                    issued.service_code,
                    issued.sequence,
                    issued.source,
                    issued.issued_at.isoformat(),
                ),
            )
        except sqlite3.IntegrityError:
            return False
        return True

    def mark_printed(self, day: date, number: str, printed: bool) -> None:
        self._conn().execute(
            "UPDATE issued_ticket SET printed=? WHERE day=? AND number=?",
            (int(printed), day.isoformat(), number),
        )

    def issued(self, day: date) -> list[tuple[str, str, str, bool | None]]:
        """(number, service, source, printed) of every ticket of ``day``, in order."""
        rows = self._conn().execute(
            "SELECT number, service, source, printed FROM issued_ticket WHERE day=?"
            " ORDER BY issued_at, rowid",
            (day.isoformat(),),
        )
        return [(n, svc, src, None if p is None else bool(p)) for n, svc, src, p in rows]
