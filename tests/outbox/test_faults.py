"""SIGKILL at random moments: nothing lost, nothing duplicated.

The sync process (``kiosk outbox sync``, as systemd runs it) is killed over and over while
N submissions drain:
- by the network peer while its HTTP request is in flight, before the centre saw it
  and after the centre stored it but before the reply arrived (``FaultProxy.on_request``);
- by itself at crash points: after the centre answered but before the ack was recorded,
  in the middle of the deleting transaction, between commit and unlinking blob files
  (``KIOSK_OUTBOX_CRASH``);
- by a timer, at any instant at all.
Afterwards the centre holds exactly N, each once, and the outbox is empty.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from offline_cache.store import Outbox

from .conftest import KIOSK, FaultProxy, clean_env

pytestmark = pytest.mark.xdist_group("outbox-faults")

N = 150
BUDGET_S = 40.0


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)


def test_sigkill_at_random_moments_loses_and_duplicates_nothing(
    tmp_path: Path, central_factory
) -> None:
    central = central_factory()
    data, key = tmp_path / "data", tmp_path / "outbox.key"
    ob = Outbox(data, key_path=key, min_free_bytes=0)
    for n in range(N):
        ob.submit("form.hukou", {"n": n, "name": "王小明"}, {"photo.jpg": os.urandom(1500)})
    config = tmp_path / "kiosk.toml"
    config.write_text("[central]\nbatch_size = 5\nheartbeat_s = 3600\n")
    common = ["--config", str(config), "--data-dir", str(data), "--key-file", str(key)]

    rng = random.Random(int(os.environ.get("OUTBOX_FAULT_SEED", "20261127")))
    proxy = FaultProxy(central.url)
    current: dict[str, subprocess.Popen[bytes] | None] = {"proc": None}
    reasons = {"network-before": 0, "network-after": 0}

    def on_request(phase: str) -> None:
        proc = current["proc"]
        if proc is not None and rng.random() < 0.15:
            reasons[f"network-{phase}"] += 1
            _kill(proc)

    proxy.on_request = on_request
    env = clean_env()
    env["KIOSK_OUTBOX_CRASH"] = "after_send:0.12,ack_mid_txn:0.12,ack_before_unlink:0.12"
    kills = lives = 0
    deadline = time.monotonic() + BUDGET_S
    try:
        while time.monotonic() < deadline and ob.pending_count():
            proc = subprocess.Popen(
                [KIOSK, "outbox", "sync", "--central", proxy.url, *common],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            current["proc"] = proc
            timer = threading.Timer(rng.uniform(1.5, 5.0), _kill, args=(proc,))
            timer.start()
            proc.wait(timeout=60)
            timer.cancel()
            current["proc"] = None
            lives += 1
            kills += proc.returncode == -signal.SIGKILL
    finally:
        proxy.close()
    assert kills >= 5, f"only {kills} kills in {lives} runs: the test proved little"

    # Whatever is left drains with a clean process, straight to the centre.
    final = subprocess.run(
        [KIOSK, "outbox", "sync", "--once", "--central", central.url, *common],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert final.returncode == 0, final.stderr

    stats = central.stats()
    assert stats["submissions"] == N
    assert stats["terminals"] == {"T01": N}
    db_path = central.db.removeprefix("sqlite:///")
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT record FROM submissions").fetchall()
        blobs = conn.execute("SELECT COUNT(*) FROM submission_blobs").fetchone()[0]
    ns = sorted(json.loads(r[0])["n"] for r in rows)
    assert ns == list(range(N)), "each submission exactly once"
    assert blobs == N
    assert ob.pending_count() == 0
    assert ob.status().dead_letter == 0
    # the running totals (admission's O(1) answer) survived every kill mid-transaction
    assert ob.totals() == ob.recounted_totals()
    assert ob.stored_bytes() == 0
    ob.sweep_orphans(min_age_s=0)  # files a kill left between commit and unlink
    assert not ob.blobs.keys_on_disk()
    print(
        f"\n{lives} sync runs, {kills} SIGKILLs ({reasons}), "
        f"{stats['duplicates_refused']} replays answered from the stored result"
    )


SUBMITTER = """
import os, sys
from pathlib import Path
from offline_cache.store import Outbox
ob = Outbox(Path(sys.argv[1]), key_path=Path(sys.argv[2]), min_free_bytes=0)
print("ready", flush=True)
n = 0
while True:
    with ob.transaction() as tx:
        key = tx.submit("form.hukou", {"n": n}, {"photo.jpg": os.urandom(20000)})
        tx.record("prints", {"submission": key, "n": n})
    n += 1
"""


def test_sigkill_while_the_ui_submits_leaves_only_whole_submissions(tmp_path: Path) -> None:
    data, key = tmp_path / "data", tmp_path / "outbox.key"
    rng = random.Random(7)
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-c", SUBMITTER, str(data), str(key)], stdout=subprocess.PIPE
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n"  # imports done: now it only submits
        time.sleep(rng.uniform(0.3, 1.5))
        _kill(proc)
        proc.wait()
        proc.stdout.close()
    ob = Outbox(data, key_path=key)
    pending = ob.pending_count()
    assert pending > 0
    prints = ob.db.execute("SELECT COUNT(*) FROM prints").fetchone()[0]
    assert prints == pending  # the print and its submission: both or neither
    assert ob.totals() == ob.recounted_totals()  # kept in the same transactions
    items = ob.next_batch(limit=10_000, max_bytes=10**9)
    assert len(items) == pending, "every committed submission decrypts with its blob"
    assert all(len(i.blobs["photo.jpg"]) == 20000 for i in items)
    ob.sweep_orphans(min_age_s=0)
    assert sorted(ob.blobs.keys_on_disk()) == sorted(i.key for i in items)
