"""Outbox benchmark, next to the disk's own fsync latency.

backlog: with 1k / 10k / 50k submissions already queued (one real submission cloned in
  SQL), the cost of what the UI thread calls: ``submit`` (a 50 KB sealed photo),
  ``status()`` and ``can_accept()``. Wall and CPU time per call, min/median/max.
drain: N queued submissions (50 KB blobs) drained to a real centre on loopback while the
  "UI thread" keeps submitting: submissions/s, enqueue latency min/median/p99/max, CPU
  seconds of the terminal and of the centre, and memory.
fsync: the disk under the outbox: write+fsync of a 50 KB file, a folder fsync, a SQLite
  commit with synchronous=FULL, min/median/p99/max over 200 samples. An outbox figure
  means little without it: a kiosk's eMMC is 1-10 ms per fsync, a VM's host cache 0.1 ms.

    .venv/bin/python tests/bench/bench_outbox.py [--mode all|backlog|drain|fsync]
        [--backlog 1000,10000,50000] [--samples 30] [--count 2000] [--blob-kb 50]

Asserts nothing. Runs against whatever ``offline_cache`` is importable (PYTHONPATH), so
the same script measures a branch and main.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from offline_cache.client import CentralClient, CentralSettings
from offline_cache.store import Outbox
from offline_cache.sync import Backoff, SyncWorker

PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")
RECORD = {"name": "王小明", "id_number": "420106199001011234", "form": "hukou"}


def rss_mib(pid: int | None = None) -> float:
    with open(f"/proc/{pid or 'self'}/statm") as fh:
        return int(fh.read().split()[1]) * PAGE / 2**20


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (from /proc)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def spread(values: list[float]) -> str:
    return (
        f"{min(values):7.3f} / {statistics.median(values):7.3f} / {pct(values, 99):7.3f}"
        f" / {max(values):7.3f}"
    )


def timed(fn: Callable[[], object], samples: int) -> tuple[list[float], list[float]]:
    """Wall and thread-CPU milliseconds of ``samples`` calls."""
    wall, cpu = [], []
    for _ in range(samples):
        w, c = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return wall, cpu


# --- the disk ----------------------------------------------------------------------------
def fsync_latency(folder: Path, samples: int = 200) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = os.urandom(50 * 1024)
    file_ms, dir_ms, commit_ms = [], [], []
    for i in range(samples):
        t = time.perf_counter()
        fd = os.open(folder / f"f{i}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        file_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        dfd = os.open(folder, os.O_RDONLY)
        os.fsync(dfd)
        os.close(dfd)
        dir_ms.append((time.perf_counter() - t) * 1000)
    conn = sqlite3.connect(folder / "x.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (x BLOB)")
    for _ in range(samples):
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", [b"x" * 300])
        conn.execute("COMMIT")
        commit_ms.append((time.perf_counter() - t) * 1000)
    conn.close()
    print(f"disk fsync latency in {folder.parent} (ms, min / median / p99 / max, {samples}):")
    print(f"  50 KB write + fsync     {spread(file_ms)}")
    print(f"  folder fsync            {spread(dir_ms)}")
    print(f"  SQLite WAL commit FULL  {spread(commit_ms)}")


# --- backlog -------------------------------------------------------------------------------
def clone(db_path: Path, total: int) -> None:
    """Copy the one real row until ``total`` are pending (their blob files do not exist:
    fine for admission and status, which must not read them)."""
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=30)
    have = conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ?)"
        " INSERT INTO outbox (key, kind, created_at, is_test, pii, key_id, wrapped_key,"
        " record, blob_names, bytes, state)"
        " SELECT lower(hex(randomblob(16))), kind, created_at, is_test, pii, key_id,"
        " wrapped_key, record, blob_names, bytes, state FROM c,"
        " (SELECT * FROM outbox ORDER BY seq LIMIT 1)",
        [total - have],
    )
    conn.execute("COMMIT")
    conn.close()


def backlog(sizes: list[int], samples: int, blob_kb: int) -> None:
    blob = os.urandom(blob_kb * 1024)
    print(f"backlog: ms per call, wall min / median / p99 / max, CPU median ({samples} calls)")
    for size in sizes:
        tmp = Path(tempfile.mkdtemp(prefix="bench-outbox-backlog-"))
        try:
            ob = Outbox(tmp / "data", key_path=tmp / "key", disk_budget_bytes=2**40,
                        min_free_bytes=0)  # fmt: skip
            ob.submit("form.hukou", RECORD, {"photo.jpg": blob})
            clone(ob.db_path, size)
            assert ob.status().pending == size
            calls: list[tuple[str, Callable[[], object]]] = [
                ("submit", lambda o=ob: o.submit("form.hukou", RECORD, {"photo.jpg": blob})),
                ("status", ob.status),
                ("can_accept", lambda o=ob: o.can_accept(512 * 1024)),
            ]
            for name, fn in calls:
                fn()  # warm: connection, statement cache
                wall, cpu = timed(fn, samples)
                print(f"  {size:>6} queued  {name:<11} {spread(wall)}   CPU "
                      f"{statistics.median(cpu):6.3f}")  # fmt: skip
            ob.close()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


# --- drain ----------------------------------------------------------------------------------
def drain(count: int, blob_kb: int, batch: int, ui_interval_ms: float) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    port = free_port()
    central_bin = str(Path(sys.executable).parent / "kiosk-central")
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_OUTBOX_CRASH"}
    serve = ["serve", "--db", str(tmp / "central.db"), "--port", str(port)]
    central = subprocess.Popen(
        [central_bin, *serve, "--insecure-claimed-identity"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ob = Outbox(tmp / "data", key_path=tmp / "key", disk_budget_bytes=4 * 2**30,
                    min_free_bytes=0)  # fmt: skip
        blob = os.urandom(blob_kb * 1024)
        t0 = time.perf_counter()

        def fill(start: int) -> None:
            for n in range(start, count, 4):
                ob.submit("form.hukou", {**RECORD, "n": n}, {"photo.jpg": blob})
            ob.close_thread()

        with ThreadPoolExecutor(4) as pool:  # fsync-bound: overlap them
            list(pool.map(fill, range(4)))
        fill_s = time.perf_counter() - t0
        print(f"drain: queued {count} x {blob_kb} KB in {fill_s:.1f} s "
              f"({count / fill_s:.0f}/s with 4 writer threads)")  # fmt: skip
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)

        settings = CentralSettings(url=f"http://127.0.0.1:{port}")
        worker = SyncWorker(ob, lambda: CentralClient(settings), "TBENCH",
                            batch_size=batch, backoff=Backoff(base_s=0.1, cap_s=1.0),
                            idle_poll_s=0.05, heartbeat_s=3600)  # fmt: skip
        rss: list[float] = []
        central_rss: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                rss.append(rss_mib())
                central_rss.append(rss_mib(central.pid))
                done.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        latencies: list[float] = []
        ui_blob = os.urandom(blob_kb * 1024)
        extra = 0
        cpu0, central0 = time.process_time(), cpu_s(central.pid)
        start = time.perf_counter()
        worker.start()
        while ob.pending_count() > 0:
            t = time.perf_counter()
            ob.submit("form.hukou", {**RECORD, "n": -1}, {"photo.jpg": ui_blob})
            latencies.append((time.perf_counter() - t) * 1000)
            extra += 1
            time.sleep(ui_interval_ms / 1000)
        drain_s = time.perf_counter() - start
        worker.stop()
        cpu, central_cpu = time.process_time() - cpu0, cpu_s(central.pid) - central0
        done.set()
        sampler.join()
        total = count + extra
        mb = total * blob_kb / 1024
        print(f"  drained {total} ({mb:.0f} MB of blobs) in {drain_s:.1f} s: "
              f"{total / drain_s:.0f} submissions/s, {mb / drain_s:.1f} MB/s")  # fmt: skip
        print(f"  CPU: terminal {cpu:.1f} s ({cpu / total * 1000:.2f} ms/submission), "
              f"centre {central_cpu:.1f} s ({central_cpu / total * 1000:.2f} ms)")  # fmt: skip
        print(f"  UI-thread enqueue while draining, ms min / median / p99 / max "
              f"({len(latencies)}): {spread(latencies)}")  # fmt: skip
        q = max(1, len(rss) // 4)
        print(f"  RSS MiB, first / last quarter max: terminal {max(rss[:q]):.0f} / "
              f"{max(rss[-q:]):.0f}, centre {max(central_rss[:q]):.0f} / "
              f"{max(central_rss[-q:]):.0f}")  # fmt: skip
        ob.close()
    finally:
        central.terminate()
        central.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", choices=["all", "backlog", "drain", "fsync"], default="all")
    ap.add_argument("--backlog", default="1000,10000,50000")
    ap.add_argument("--samples", type=int, default=30)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--blob-kb", type=int, default=50)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--ui-interval-ms", type=float, default=50.0)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    if args.mode in ("all", "fsync"):
        with tempfile.TemporaryDirectory(prefix="bench-fsync-") as d:
            fsync_latency(Path(d) / "probe")
    if args.mode in ("all", "backlog"):
        backlog([int(s) for s in args.backlog.split(",")], args.samples, args.blob_kb)
    if args.mode in ("all", "drain"):
        drain(args.count, args.blob_kb, args.batch, args.ui_interval_ms)
    return 0


if __name__ == "__main__":
    sys.exit(main())
