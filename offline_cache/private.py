"""Files and folders that may hold personal data: readable by this user only.

``write_private`` writes a file 0600 whatever the umask, and replaces an existing file
(whose mode may be looser) instead of truncating it in place; ``private_dir`` makes a
folder 0700 and tightens one that already exists. Used for the kiosk's data directory,
the outbox, and every file a command writes from a citizen's data (photos, filled forms,
check reports). Lives here, the lowest layer, so both ``kiosk`` and ``offline_cache``
share one definition.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) and make ``path`` itself 0700.

    Parents keep whatever mode they get: they may be shared (``/var/lib``, ``~/.local``).
    An existing folder with group or other bits is tightened, so a terminal set up by an
    older version (0755) is fixed on its next start.
    """
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(mode & ~0o077 | 0o700)
    return path


def write_private(
    path: Path, data: bytes | str, *, sync: bool = False, exclusive: bool = False
) -> Path:
    """Write ``data`` to ``path`` as a 0600 file (str as UTF-8); returns ``path``.

    Written beside the target and renamed over it, so a reader never sees half a file and
    an older, looser file is replaced rather than kept with its mode. ``exclusive`` writes
    a name that must not exist yet straight in place (``FileExistsError`` otherwise): for
    fresh unique names whose half-written leftovers a sweep removes. ``sync`` fsyncs the
    file (the caller fsyncs the folder when the name must survive a power cut). A path
    that is not a regular file (``/dev/stdout``, a FIFO) is written in place. Raises
    ``OSError`` with the path in it.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if exclusive:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
        try:
            _write_all(fd, raw, sync)
        finally:
            os.close(fd)
        return path
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            with open(path, "wb") as out:  # a device or pipe: no mode to protect
                out.write(raw)
            return path
    except FileNotFoundError:
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # a leftover temp file from a crash kept its old mode
        _write_all(fd, raw, sync)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def _write_all(fd: int, raw: bytes, sync: bool) -> None:
    view = memoryview(raw)
    while view:
        view = view[os.write(fd, view) :]
    if sync:
        os.fsync(fd)


def fsync_dir(path: Path) -> None:
    """fsync a folder so the names created in it survive a power cut."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
