"""A citizen's data does not outlive its purpose: the purge job.

Each submission kind has a retention period (``[retention]`` of the centre's config,
:class:`central.settings.RetentionPolicy`). The purge deletes submissions received
longer ago than their kind's period, in small transactions, then every blob that no
submission names any more.

Deleting a blob without losing one a new submission needs: an ingest refreshes the blob's
row (``last_put``) inside its own transaction and checks the file is there while it holds
that row; the purge deletes a blob row and its file inside one transaction, and only when
nothing names it and ``last_put`` is older than the grace period. On PostgreSQL the row
lock orders the two; on SQLite the single write lock does. ``sweep_orphans`` removes
files that have no row at all (an ingest that wrote its blobs and then failed).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, func, select, tuple_

from central.schema import blobs, submission_blobs, submissions
from central.settings import RetentionPolicy
from central.store import CentralStore

log = logging.getLogger(__name__)

DAY_S = 86400.0
CHUNK = 500


@dataclass
class PurgeReport:
    submissions: dict[str, int] = field(default_factory=dict)  # kind -> deleted
    blobs: int = 0
    orphan_files: int = 0

    @property
    def total_submissions(self) -> int:
        return sum(self.submissions.values())


class Purger:
    def __init__(self, store: CentralStore, policy: RetentionPolicy) -> None:
        self.store = store
        self.policy = policy

    def purge(self, now: float | None = None, *, dry_run: bool = False) -> PurgeReport:
        """Delete what is past its retention; with ``dry_run``, only count it."""
        now = time.time() if now is None else now
        report = PurgeReport()
        db = self.store.db
        with db.reader.connect() as conn:
            kinds = [str(k) for k in conn.execute(select(submissions.c.kind).distinct()).scalars()]
        for kind in kinds:
            cutoff = now - self.policy.days_for(kind) * DAY_S
            old = (submissions.c.kind == kind) & (submissions.c.received_at < cutoff)
            if dry_run:
                with db.reader.connect() as conn:
                    n = int(
                        conn.execute(
                            select(func.count()).select_from(submissions).where(old)
                        ).scalar()
                        or 0
                    )
                if n:
                    report.submissions[kind] = n
                continue
            while True:
                # Small transactions: the write lock is never held for long.
                with db.writer.begin() as conn:
                    batch = select(submissions.c.terminal_id, submissions.c.idempotency_key)
                    batch = batch.where(old).limit(CHUNK)
                    gone = conn.execute(
                        delete(submissions)
                        .where(
                            tuple_(submissions.c.terminal_id, submissions.c.idempotency_key).in_(
                                batch
                            )
                        )
                        .returning(submissions.c.terminal_id)
                    ).all()
                    if gone:
                        self.store.bump(conn, "purged_submissions", len(gone))
                if gone:
                    report.submissions[kind] = report.submissions.get(kind, 0) + len(gone)
                if len(gone) < CHUNK:
                    break
        report.blobs = self._purge_blobs(now, dry_run)
        if report.total_submissions or report.blobs:
            log.info(
                "purged %d submission(s) and %d blob(s)", report.total_submissions, report.blobs
            )
        return report

    def _purge_blobs(self, now: float, dry_run: bool) -> int:
        db = self.store.db
        unused = ~exists().where(submission_blobs.c.sha256 == blobs.c.sha256)
        old = blobs.c.last_put < now - self.policy.blob_grace_s
        if dry_run:
            with db.reader.connect() as conn:
                return int(
                    conn.execute(
                        select(func.count()).select_from(blobs).where(old & unused)
                    ).scalar()
                    or 0
                )
        total = 0
        while True:
            with db.writer.begin() as conn:
                candidates = select(blobs.c.sha256).where(old & unused).limit(CHUNK)
                gone = [
                    str(sha)
                    for sha in conn.execute(
                        delete(blobs)
                        .where(blobs.c.sha256.in_(candidates))
                        .where(old & unused)  # again: rows an ingest touched meanwhile stay
                        .returning(blobs.c.sha256)
                    ).scalars()
                ]
                # Inside the transaction: an ingest that wants one of these waits for us,
                # then finds the file gone and writes it again.
                for sha in gone:
                    self.store.blobs.delete(sha)
                if gone:
                    self.store.bump(conn, "purged_blobs", len(gone))
            total += len(gone)
            if len(gone) < CHUNK:
                return total

    def sweep_orphans(self) -> int:
        """Delete blob files that no row names, older than the grace period. Walks the
        whole store: run it now and then (``kiosk-central purge --orphans``)."""
        removed = 0
        for sha in self.store.blobs.older_than(self.policy.blob_grace_s):
            with self.store.db.writer.begin() as conn:
                known = conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == sha)).first()
                if known is None:
                    self.store.blobs.delete(sha)
                    removed += 1
        return removed

    def run_every(self, interval_s: float, stop: threading.Event) -> None:
        """The centre's own purge loop (one per process; purges are safe together)."""
        while not stop.wait(interval_s):
            try:
                self.purge()
            except Exception as exc:  # a purge failing must not end the loop
                log.error("purge failed: %s", type(exc).__name__)
