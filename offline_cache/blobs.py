"""Blob files beside the outbox database.

Why files and not rows: a photo is 50-500 KB. Kept in SQLite, every blob passes through the
WAL and is copied again at checkpoint, and the single write lock is held for the whole copy,
so a 100 MB backlog being deleted by the sync worker stalls the UI thread's next insert.
Written as files (fsynced before the row that names them commits), the transaction only
carries a short row, the write lock is held for microseconds, and deleting an acknowledged
submission is an unlink after commit. A crash between the file write and the commit leaves
an orphan directory that ``sweep_orphans`` removes; a crash between commit and unlink does
the same. The database is the truth: a file nobody references does not exist.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path


class BlobStore:
    """``root/<submission key>/<index>``: one directory per submission."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def dir_for(self, key: str) -> Path:
        return self.root / key

    def write(self, key: str, index: int, data: bytes) -> Path:
        """Write and fsync one blob file; returns its path."""
        d = self.dir_for(key)
        d.mkdir(exist_ok=True)
        path = d / str(index)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        return path

    def sync_dir(self, key: str) -> None:
        """fsync the directory entries so the files survive a power cut too."""
        for d in (self.dir_for(key), self.root):
            fd = os.open(d, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def read(self, key: str, index: int) -> bytes:
        return (self.dir_for(key) / str(index)).read_bytes()

    def remove(self, key: str) -> None:
        shutil.rmtree(self.dir_for(key), ignore_errors=True)

    def sweep_orphans(self, known: Iterable[str], min_age_s: float = 300.0) -> int:
        """Remove directories no row references (crash leftovers). Returns how many.

        ``min_age_s`` protects a submission another process is writing right now, whose
        row is not committed yet.
        """
        keep = set(known)
        now = time.time()
        removed = 0
        for entry in os.scandir(self.root):
            if entry.name in keep or not entry.is_dir():
                continue
            with contextlib.suppress(FileNotFoundError):
                if now - entry.stat().st_mtime >= min_age_s:
                    shutil.rmtree(entry.path, ignore_errors=True)
                    removed += 1
        return removed
