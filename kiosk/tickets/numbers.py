"""Queue numbers per service per local day, persisted so a restart never reuses one."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class IssuedNumber:
    number: str  # what the citizen sees, e.g. "A023"
    service_code: str
    day: date
    sequence: int
    people_ahead: int
    issued_at: datetime
    source: str  # "local" (this terminal) or "central"


class LocalNumberStore:
    """Allocates ``prefix + sequence`` from an SQLite counter (WAL, FULL sync).

    The counter row is bumped inside ``BEGIN IMMEDIATE`` so two threads or two
    processes on this terminal never get the same number.
    """

    def __init__(self, path: Path, timezone: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._tz = ZoneInfo(timezone)
        self._local = threading.local()
        with self._conn() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS ticket_counter ("
                " day TEXT NOT NULL, service TEXT NOT NULL, last INTEGER NOT NULL,"
                " PRIMARY KEY (day, service))"
            )

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
        return conn

    def local_day(self, now: datetime) -> date:
        return now.astimezone(self._tz).date()

    def allocate(self, service_code: str, prefix: str, now: datetime) -> IssuedNumber:
        day = self.local_day(now)
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT last FROM ticket_counter WHERE day=? AND service=?",
                (day.isoformat(), service_code),
            ).fetchone()
            seq = (row[0] if row else 0) + 1
            conn.execute(
                "INSERT INTO ticket_counter(day, service, last) VALUES (?,?,?)"
                " ON CONFLICT(day, service) DO UPDATE SET last=excluded.last",
                (day.isoformat(), service_code, seq),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        # Without the hall's calling system the terminal only knows how many it issued
        # today; the centre's allocation (issue 4) replaces this estimate.
        return IssuedNumber(
            number=f"{prefix}{seq:03d}",
            service_code=service_code,
            day=day,
            sequence=seq,
            people_ahead=seq - 1,
            issued_at=now.astimezone(self._tz),
            source="local",
        )
