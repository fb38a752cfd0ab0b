"""Where the centre keeps submission attachments (photos, signatures): a content-addressed
blob store. The database holds only each blob's SHA-256; the bytes live here.

The store is a port (:class:`BlobStore`) with two adapters:

- :class:`FileBlobStore`, the default: ``ROOT/ab/cd/abcd...`` (two levels of 256
  shards), each file 0600 in 0700 folders, written to a temporary name, fsynced, renamed,
  and its folder fsynced: when ``put_many`` returns, every blob survives a power cut.
- :class:`S3BlobStore` (``central.s3``): any S3-compatible object store.

Rules both keep: ``put_many`` is durable when it returns and idempotent; putting a blob
that exists refreshes its age, which is what makes deleting safe: the purge deletes a
blob only when no row names it *and* it is older than a grace period, so a blob written
for a transaction that has not committed yet is never taken away from under it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobStoreError(Exception):
    """A blob could not be stored or read; ``reason`` says why (no blob content)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BlobMissing(BlobStoreError):
    pass


@dataclass(frozen=True)
class BlobUsage:
    count: int
    bytes: int


class BlobStore(Protocol):
    """The port. Names are lowercase hex SHA-256 of the content."""

    def put_many(self, blobs: dict[str, bytes]) -> None:
        """Store every blob durably (or refresh its age when present)."""

    def get(self, sha256: str) -> bytes:
        """The blob's bytes, checked against its name; BlobMissing if absent."""

    def exists(self, sha256: str) -> bool:
        """Whether the blob is there now."""

    def delete(self, sha256: str) -> None:
        """Remove the blob if present."""

    def older_than(self, age_s: float) -> Iterator[str]:
        """Names of blobs last put more than ``age_s`` seconds ago (for the orphan sweep)."""

    def age_s(self, sha256: str) -> float | None:
        """Seconds since the blob was last put; None if absent."""

    def usage(self) -> BlobUsage:
        """How many blobs and bytes the store holds."""

    def describe(self) -> str:
        """Where the blobs are, for logs and ``stats`` (no secrets)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_name(sha256: str) -> str:
    if not SHA256.match(sha256):
        raise BlobStoreError("a blob name must be 64 lowercase hex digits")
    return sha256


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileBlobStore:
    """Blobs as files on the centre's disk (the embedded default)."""

    def __init__(self, root: Path) -> None:
        self.root = root.expanduser().resolve()
        self._tmp = self.root / "tmp"
        created = not self.root.exists()
        self._tmp.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        if created:
            _fsync_dir(self.root.parent)

    def path(self, sha256: str) -> Path:
        _check_name(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put_many(self, blobs: dict[str, bytes]) -> None:
        dirty: set[Path] = set()
        for sha, data in blobs.items():
            target = self.path(sha)
            if target.exists():
                os.utime(target)  # refresh the age: a pending transaction names it
                continue
            shard = target.parent
            if not shard.exists():
                for folder in (shard.parent, shard):
                    if not folder.exists():
                        folder.mkdir(mode=0o700, exist_ok=True)
                        dirty.add(folder.parent)
            tmp = self._tmp / f"{sha}.{os.getpid()}.{time.monotonic_ns()}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
            dirty.add(shard)
        # One fsync per folder touched, after all files: a batch of 30 photos costs
        # 30 file fsyncs and about as many folder fsyncs, not 30 x 3.
        for folder in sorted(dirty, key=lambda p: len(p.parts), reverse=True):
            _fsync_dir(folder)

    def get(self, sha256: str) -> bytes:
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(f"blob {sha256[:16]}... is not in {self.root}") from None
        if sha256_hex(data) != sha256:
            raise BlobStoreError(f"blob {sha256[:16]}... is damaged on disk")
        return data

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def delete(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(sha256).unlink()

    def _files(self) -> Iterator[os.DirEntry[str]]:
        for top in os.scandir(self.root):
            if not top.is_dir() or len(top.name) != 2 or top.name == "tmp":
                continue
            for mid in os.scandir(top.path):
                if mid.is_dir():
                    for entry in os.scandir(mid.path):
                        if entry.is_file() and SHA256.match(entry.name):
                            yield entry

    def older_than(self, age_s: float) -> Iterator[str]:
        cutoff = time.time() - age_s
        for entry in self._files():
            if entry.stat().st_mtime < cutoff:
                yield entry.name
        # Temporary files of a writer that died mid-way.
        for entry in os.scandir(self._tmp):
            if entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)

    def age_s(self, sha256: str) -> float | None:
        try:
            return time.time() - self.path(sha256).stat().st_mtime
        except FileNotFoundError:
            return None

    def usage(self) -> BlobUsage:
        count = size = 0
        for entry in self._files():
            count += 1
            size += entry.stat().st_blocks * 512
        return BlobUsage(count, size)

    def describe(self) -> str:
        return str(self.root)


def open_blob_store(spec: str) -> BlobStore:
    """``/path`` or ``file:///path`` -> FileBlobStore; ``s3://bucket/prefix?endpoint=URL
    &region=R`` -> S3BlobStore (credentials from the usual AWS variables or files)."""
    if spec.startswith("s3://"):
        from central.s3 import S3BlobStore

        parts = urlsplit(spec)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"endpoint", "region"}
        if not parts.netloc or unknown:
            raise BlobStoreError(
                "blob store URL: s3://BUCKET[/PREFIX][?endpoint=URL&region=NAME]"
                + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else "")
            )
        return S3BlobStore(
            bucket=parts.netloc,
            prefix=parts.path.strip("/"),
            endpoint_url=query.get("endpoint"),
            region=query.get("region"),
        )
    if spec.startswith("file://"):
        spec = urlsplit(spec).path
    if "://" in spec:
        raise BlobStoreError(f"blob store {spec!r}: a folder, file:///folder or s3://bucket")
    return FileBlobStore(Path(spec))
