"""Outbox benchmark: drain N queued submissions (50 KB blobs) to a real centre on loopback.

Prints: submissions/s drained, enqueue latency on the "UI thread" while the sync thread
drains (p50/p99), and this process's memory while draining (should stay flat).

    .venv/bin/python tests/bench/bench_outbox.py [--count 10000] [--blob-kb 50]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from offline_cache.client import CentralClient, CentralSettings
from offline_cache.store import Outbox
from offline_cache.sync import Backoff, SyncWorker

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib(pid: int | None = None) -> float:
    with open(f"/proc/{pid or 'self'}/statm") as fh:
        return int(fh.read().split()[1]) * PAGE / 2**20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--blob-kb", type=int, default=50)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--ui-interval-ms", type=float, default=50.0)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = ap.parse_args()

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
        blob = os.urandom(args.blob_kb * 1024)
        record = {"name": "王小明", "id_number": "420106199001011234", "form": "hukou"}

        t0 = time.perf_counter()

        def fill(start: int) -> None:
            for n in range(start, args.count, 4):
                ob.submit("form.hukou", {**record, "n": n}, {"photo.jpg": blob})
            ob.close_thread()

        with ThreadPoolExecutor(4) as pool:  # fsync-bound: overlap them
            list(pool.map(fill, range(4)))
        fill_s = time.perf_counter() - t0
        print(f"queued {args.count} x {args.blob_kb} KB in {fill_s:.1f} s "
              f"({args.count / fill_s:.0f}/s with 4 writer threads)")  # fmt: skip

        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)

        settings = CentralSettings(url=f"http://127.0.0.1:{port}")
        worker = SyncWorker(ob, lambda: CentralClient(settings), "TBENCH",
                            batch_size=args.batch, backoff=Backoff(base_s=0.1, cap_s=1.0),
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
        start = time.perf_counter()
        worker.start()
        ui_blob = os.urandom(args.blob_kb * 1024)
        extra = 0
        while ob.pending_count() > 0:
            t = time.perf_counter()
            ob.submit("form.hukou", {**record, "n": -1}, {"photo.jpg": ui_blob})
            latencies.append((time.perf_counter() - t) * 1000)
            extra += 1
            time.sleep(args.ui_interval_ms / 1000)
        drain_s = time.perf_counter() - start
        worker.stop()
        done.set()
        sampler.join()
        total = args.count + extra
        mb = total * args.blob_kb / 1024
        print(f"drained {total} submissions ({mb:.0f} MB of blobs) in {drain_s:.1f} s: "
              f"{total / drain_s:.0f} submissions/s, {mb / drain_s:.1f} MB/s")  # fmt: skip
        print(f"UI-thread enqueue while draining ({len(latencies)} samples): "
              f"p50 {statistics.median(latencies):.1f} ms, p99 {pct(latencies, 99):.1f} ms, "
              f"max {max(latencies):.1f} ms")  # fmt: skip
        q = max(1, len(rss) // 4)
        print(f"terminal RSS MiB: first quarter max {max(rss[:q]):.0f}, last quarter max "
              f"{max(rss[-q:]):.0f}, overall max {max(rss):.0f}")  # fmt: skip
        print(f"centre RSS MiB: first quarter max {max(central_rss[:q]):.0f}, last quarter "
              f"max {max(central_rss[-q:]):.0f}")  # fmt: skip
        ob.close()
    finally:
        central.terminate()
        central.wait(10)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
