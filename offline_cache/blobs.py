"""Blob files beside the outbox database.

Why files and not rows: a photo is 50-500 KB. Kept in SQLite, every blob passes through the
WAL and is copied again at checkpoint, and the single write lock is held for the whole copy,
so a 100 MB backlog being deleted by the sync worker stalls the UI thread's next insert.
Written as files (fsynced before the row that names them commits), the transaction only
carries a short row, the write lock is held for microseconds, and deleting an acknowledged
submission is an unlink after commit. A crash between the file write and the commit leaves
an orphan file that ``sweep_orphans`` removes; a crash between commit and unlink does the
same. The database is the truth: a file nobody references does not exist.

Layout (ADR 0005): ``root/<first hex digit of the key>/<key>``, one file per submission
holding all its blobs (``HKB2``, then per blob a 4-byte big-endian length and the bytes).
The 16 shard folders are made once, so a new submission creates a name in an existing
folder: one file fsync and one folder fsync, never the root's. Submissions written by
earlier versions sit in ``root/<key>/<index>`` and are still read and removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from offline_cache.private import fsync_dir, private_dir, write_private

MAGIC = b"HKB2"
SHARDS = "0123456789abcdef"


class BlobFileError(ValueError):
    """A blob file is truncated or not ours; the submission cannot be sent."""


def pack(blobs: Sequence[bytes]) -> bytes:
    """The file body for ``blobs`` (in the order of the row's ``blob_names``)."""
    parts = [MAGIC]
    for data in blobs:
        parts.append(len(data).to_bytes(4, "big"))
        parts.append(data)
    return b"".join(parts)


def packed_size(blobs: Sequence[bytes]) -> int:
    """The size of ``pack(blobs)`` without building it."""
    return len(MAGIC) + sum(4 + len(b) for b in blobs)


def unpack(raw: bytes, count: int) -> list[bytes]:
    """Split a file body back into ``count`` blobs; ``BlobFileError`` if it does not fit."""
    if raw[:4] != MAGIC:
        raise BlobFileError("blob file has no HKB2 header")
    out: list[bytes] = []
    pos = 4
    for _ in range(count):
        if pos + 4 > len(raw):
            raise BlobFileError("blob file truncated")
        size = int.from_bytes(raw[pos : pos + 4], "big")
        pos += 4
        if pos + size > len(raw):
            raise BlobFileError("blob file truncated")
        out.append(raw[pos : pos + size])
        pos += size
    if pos != len(raw):
        raise BlobFileError("blob file longer than its blobs")
    return out


class BlobStore:
    """One file per submission in 16 pre-made shard folders (plus the legacy layout)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        fresh = not root.exists()
        private_dir(root)
        made = False
        for shard in SHARDS:
            folder = root / shard
            if not folder.is_dir():
                private_dir(folder)
                made = True
        if made or fresh:
            # Once per terminal: the shard names themselves must survive a power cut.
            fsync_dir(root)

    def path_for(self, key: str) -> Path:
        return self.root / key[:1] / key

    def legacy_dir(self, key: str) -> Path:
        return self.root / key

    def write(self, key: str, blobs: Sequence[bytes]) -> Path:
        """Write all of a submission's (sealed) blobs as one 0600 file, durably."""
        path = self.path_for(key)
        if not path.parent.is_dir():  # a key outside 0-9a-f: make its shard on demand
            private_dir(path.parent)
            fsync_dir(self.root)
        write_private(path, pack(blobs), sync=True, exclusive=True)
        fsync_dir(path.parent)
        return path

    def read(self, key: str, count: int, *, legacy: bool = False) -> list[bytes]:
        """The submission's blobs; ``legacy`` for rows written as ``<key>/<index>``."""
        if legacy:
            return [(self.legacy_dir(key) / str(i)).read_bytes() for i in range(count)]
        return unpack(self.path_for(key).read_bytes(), count)

    def remove(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_for(key).unlink()
        legacy = self.legacy_dir(key)
        if len(key) > 1 and legacy.is_dir():
            shutil.rmtree(legacy, ignore_errors=True)

    def sweep_orphans(self, known: Iterable[str], min_age_s: float = 300.0) -> int:
        """Remove files no row references (crash leftovers). Returns how many.

        ``min_age_s`` protects a submission another process is writing right now, whose
        row is not committed yet.
        """
        keep = set(known)
        now = time.time()
        removed = 0

        def old(entry: os.DirEntry[str]) -> bool:
            with contextlib.suppress(FileNotFoundError):
                return now - entry.stat(follow_symlinks=False).st_mtime >= min_age_s
            return False

        for entry in os.scandir(self.root):
            if not entry.is_dir(follow_symlinks=False):
                continue
            if len(entry.name) == 1 and entry.name in SHARDS:
                for item in os.scandir(entry.path):
                    if item.name not in keep and old(item):
                        with contextlib.suppress(FileNotFoundError):
                            os.unlink(item.path)
                        removed += 1
            elif entry.name not in keep and old(entry):  # the legacy layout
                shutil.rmtree(entry.path, ignore_errors=True)
                removed += 1
        return removed

    def keys_on_disk(self) -> set[str]:
        """The submission keys that have blob files here (either layout)."""
        keys: set[str] = set()
        for entry in os.scandir(self.root):
            if len(entry.name) == 1 and entry.name in SHARDS:
                keys.update(item.name for item in os.scandir(entry.path))
            elif entry.is_dir():
                keys.add(entry.name)
        return keys
