"""A really full disk: the outbox lives on a 2 MiB tmpfs (needs root; skipped otherwise)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from offline_cache.store import Admission, Outbox, OutboxFull

from .conftest import Central
from .test_sync import _worker


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mnt)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_full_disk_refuses_cleanly_and_recovers_after_sync(
    tiny_disk: Path, tmp_path: Path, central: Central
) -> None:
    ob = Outbox(tiny_disk / "data", key_path=tmp_path / "key", min_free_bytes=256 * 1024)
    kept = []
    with pytest.raises(OutboxFull) as refused:
        for n in range(100):
            kept.append(ob.submit("photo", {"n": n}, {"p": os.urandom(100_000)}))
    assert "disk nearly full" in str(refused.value)
    assert len(kept) >= 5
    st = ob.status()
    assert st.pending == len(kept)
    assert st.health()[0] == "degraded"
    assert not ob.can_accept(100_000).ok

    # Admission bypassed (another process filled the disk meanwhile): the real ENOSPC
    # also ends as OutboxFull, with nothing half-written left behind.
    filler = tiny_disk / "filler"
    with open(filler, "wb") as fh, pytest.raises(OSError):
        while True:
            fh.write(b"\0" * 65536)
            fh.flush()
    ob.can_accept = lambda *_a, **_k: Admission(True)  # type: ignore[method-assign]
    with pytest.raises(OutboxFull, match="disk full"):
        ob.submit("photo", {"n": -1}, {"p": os.urandom(100_000)})
    assert ob.pending_count() == len(kept)
    assert sorted(ob.blobs.keys_on_disk()) == sorted(kept)
    filler.unlink()
    del ob.can_accept

    # the centre takes the backlog: the space comes back and journeys may start again
    tid = "Tdisk" + os.urandom(3).hex()
    assert _worker(ob, central.url, tid).drain().acknowledged == len(kept)
    assert ob.can_accept(100_000).ok
    ob.submit("photo", {"n": 999}, {"p": os.urandom(100_000)})
    ob.close()
