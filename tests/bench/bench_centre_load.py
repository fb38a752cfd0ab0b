"""Catch-up after an outage: the real centre and N simulated terminals.

Each terminal has its own encrypted outbox (offline_cache.Outbox), its own certificate
from ``kiosk-central gen-certs`` and its own sync worker (offline_cache.SyncWorker with the
terminal's CentralClient, over mTLS). Terminals run as threads inside P processes (a
process per terminal would need ~60 MB each). They queue while the centre is unreachable,
then all reconnect at once ("storm"), or each after its capped-backoff delay as real
terminals do after an outage ("backoff": uniform within the 60 s cap).

Reported per run: drain time (go -> the centre holds everything), submissions/s,
min/p50/p99/max per submission request, centre CPU per submission (centre processes plus,
for PostgreSQL, the database server's processes), terminal-side CPU per submission, an
exact-count check (every queued key stored once, with its blob), disk per 1,000
submissions, and the load average next to the figures (the machine is shared).

    .venv/bin/python tests/bench/bench_centre_load.py --db postgresql --workers 2
    .venv/bin/python tests/bench/bench_centre_load.py --matrix        # SQLite 1; PG 1, 2, 4
    .venv/bin/python tests/bench/bench_centre_load.py --legacy-disk OLD/.venv/bin/kiosk-central

PostgreSQL runs with fsync on (a private server in a temporary folder). The goal from
issue 16: PostgreSQL, 2 cores, 200 terminals x 30 queued 200 KB forms drained in under
2 minutes, p99 under 1 s, nothing lost or duplicated.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
CENTRAL = str(BIN / "kiosk-central")
HALL = "bench-hall"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        time.sleep(0.1)
    raise RuntimeError("did not start")


def cpu_of_tree(root_pid: int) -> float:
    """utime + stime (s) of a process and all its live descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        stats[int(entry)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        if pid in stats:
            f = stats[pid]
            total += (int(f[11]) + int(f[12])) / ticks
        todo.extend(children.get(pid, []))
    return total


def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(x) for x in path.read_text().split()} if path.exists() else set()


def wait_idle(pid: int, workers: int, timeout: float = 120) -> None:
    """Until the process tree has its workers and has used under 2 % CPU for 1.5 s."""
    deadline = time.monotonic() + timeout
    last = cpu_of_tree(pid)
    while time.monotonic() < deadline:
        time.sleep(1.5)
        now = cpu_of_tree(pid)
        count = len(children(pid))
        if now - last < 0.03 and (workers == 1 or count >= workers):
            return
        last = now
    raise RuntimeError("the centre did not settle")


def du(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
    return total


# --- the database ------------------------------------------------------------------------
class Postgres:
    """A private PostgreSQL server with fsync on, as a city would run it."""

    def __init__(self) -> None:
        # Not under the run's folder: that is 0700 root's, and the server runs as postgres.
        base = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        self.base = base
        self.data, self.sock = base / "pgdata", base / "pgsock"
        self.sock.mkdir(parents=True)
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(base, "postgres")
            shutil.chown(self.sock, "postgres")
        self.port = free_port()
        pg = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.bin = pg
        subprocess.run(
            [*self.as_user, str(pg / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
             "postgres", "-E", "UTF8"], check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [*self.as_user, str(pg / "pg_ctl"), "-D", str(self.data), "-l", str(base / "pg.log"),
             "-w", "-t", "60", "-o",
             f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c max_connections=200",
             "start"], check=True, capture_output=True,
        )  # fmt: skip
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.pid = int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
             "stop"], capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.base, ignore_errors=True)


# --- one terminal process ----------------------------------------------------------------
def child(spec: dict[str, Any]) -> None:
    """Runs in a terminal process: fill outboxes, wait for go, drain, report JSON."""
    from offline_cache.client import CentralClient, CentralSettings, Transient
    from offline_cache.store import Outbox
    from offline_cache.sync import Backoff, SyncWorker

    latencies: list[float] = []
    lock = threading.Lock()

    outcomes: dict[str, int] = {}
    samples: list[tuple[float, float, str]] = []  # (started after go, seconds, outcome)
    connects: list[tuple[float, float]] = []  # (started after go, seconds): TCP + TLS

    import urllib3.connection

    plain_connect = urllib3.connection.HTTPSConnection.connect

    def timed_connect(self):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        plain_connect(self)
        with lock:
            connects.append((started - go, time.perf_counter() - started))

    urllib3.connection.HTTPSConnection.connect = timed_connect  # type: ignore[method-assign]

    class TimedClient(CentralClient):
        def send_batch(self, batch):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            outcome = "ok"
            try:
                return super().send_batch(batch)
            except Transient as exc:
                outcome = f"HTTP {exc.status}" if exc.status else exc.reason.split(":")[0]
                raise
            finally:
                with lock:
                    latencies.append(time.perf_counter() - started)
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
                    samples.append((started - go, latencies[-1], outcome))

    base = Path(spec["dir"])
    outboxes: dict[str, Outbox] = {}
    keys: dict[str, list[str]] = {}
    rng = random.Random(spec["seed"])
    photo_size = spec["kb"] * 1024
    fill_started = time.perf_counter()
    for tid in spec["terminals"]:
        ob = Outbox(base / tid, key_path=base / f"{tid}.key", disk_budget_bytes=1 << 30,
                    min_free_bytes=0)  # fmt: skip
        outboxes[tid] = ob
        keys[tid] = [
            ob.submit(
                "form.hukou",
                {"n": n, "name": "王小明", "id_number": "11010519491231002X"},
                {"photo.jpg": rng.randbytes(photo_size)},
                pii=True,
            )
            for n in range(spec["per_terminal"])
        ]
    fill_s = time.perf_counter() - fill_started
    # Terminals are 200 machines of their own in a city; here they share the centre's 2
    # cores. At a lower priority they take what the centre leaves, not half of its CPU.
    os.nice(spec["nice"])
    print(json.dumps({"ready": True, "fill_s": fill_s}), flush=True)
    url = sys.stdin.readline().strip()  # go: the centre is back, here
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    go = time.perf_counter()
    workers = []
    for tid in spec["terminals"]:
        cert = base.parent / "pki" / f"terminal-{tid}"
        settings = CentralSettings(
            url=url, ca_file=str(base.parent / "pki" / "ca.pem"),
            client_cert=f"{cert}.pem", client_key=f"{cert}.key",
        )  # fmt: skip
        w = SyncWorker(
            outboxes[tid],
            lambda s=settings: TimedClient(s),
            tid,
            batch_size=spec["batch_size"],
            **({"batch_bytes": int(spec["batch_mb"] * 2**20)} if spec["batch_mb"] else {}),
            heartbeat_s=3600,
            backoff=Backoff(cap_s=60.0),
        )
        workers.append(w)

    def start(w: SyncWorker) -> None:
        if spec["arrival"] == "backoff":
            # After an outage every terminal sits in capped backoff: its next try is
            # uniform in [0, cap).
            time.sleep(rng.uniform(0, 60.0))
        w.start()

    starters = [threading.Thread(target=start, args=(w,)) for w in workers]
    for t in starters:
        t.start()
    deadline = go + spec["timeout_s"]
    while time.perf_counter() < deadline:
        if all(ob.pending_count() == 0 for ob in outboxes.values()):
            break
        time.sleep(1.0)  # (the drain time is the parent's, from the centre's database)
    done = time.perf_counter() - go
    for t in starters:
        t.join()
    for w in workers:
        w.stop()
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    left = sum(ob.pending_count() for ob in outboxes.values())
    print(
        json.dumps(
            {
                "done_s": done,
                "left": left,
                "latencies": latencies,
                "outcomes": outcomes,
                "samples": samples,
                "connects": connects,
                "cpu_s": (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
                "keys": keys,
            }
        ),
        flush=True,
    )


# --- one run -----------------------------------------------------------------------------
def machine_cpu() -> list[int]:
    """The machine's CPU time counters (/proc/stat, ticks): user ... steal."""
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:9]]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(args: argparse.Namespace, db_kind: str, workers: int) -> dict[str, Any]:
    from sqlalchemy import create_engine, func, select, text

    from central.schema import blobs, submission_blobs, submissions

    tmp = Path(tempfile.mkdtemp(prefix="bench-centre-"))
    pg: Postgres | None = None
    centre: subprocess.Popen[bytes] | None = None
    kids: list[subprocess.Popen[str]] = []
    try:
        tids = [f"T{n:04d}" for n in range(args.terminals)]
        gen = [CENTRAL, "gen-certs", str(tmp / "pki"), "--hall", HALL]
        for tid in tids:
            gen += ["--terminal", tid]
        subprocess.run(gen, check=True, capture_output=True)
        if db_kind == "postgresql":
            pg = Postgres()
            db_url = pg.url
        else:
            db_url = f"sqlite:///{tmp / 'central.db'}"
        blob_dir = tmp / "blobs"

        # Terminals queue while no centre exists.
        per = [tids[i :: args.procs] for i in range(args.procs)]
        for i, group in enumerate(per):
            if not group:
                continue
            (tmp / f"p{i}").mkdir()
            spec = {
                "dir": str(tmp / f"p{i}"), "terminals": group, "per_terminal": args.per_terminal,
                "kb": args.kb, "seed": i, "batch_size": args.batch_size, "batch_mb": args.batch_mb,
                "nice": args.terminals_nice,
                "arrival": args.arrival, "timeout_s": args.timeout,
            }  # fmt: skip
            kids.append(
                subprocess.Popen(
                    [sys.executable, __file__, "--child"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    env={**os.environ, "BENCH_SPEC": json.dumps(spec)},
                )
            )
        fills = [json.loads(k.stdout.readline())["fill_s"] for k in kids if k.stdout]  # type: ignore[union-attr]

        port = free_port()
        url = f"https://127.0.0.1:{port}"
        centre = subprocess.Popen(
            [CENTRAL, "serve", "--db", db_url, "--blobs", str(blob_dir), "--port", str(port),
             "--tls-cert", str(tmp / "pki/server.pem"), "--tls-key", str(tmp / "pki/server.key"),
             "--client-ca", str(tmp / "pki/ca.pem"), "--workers", str(workers),
             "--threads", str(args.threads), "--purge-every", "0",
             *(["--max-inflight-mb", str(args.inflight_mb)] if args.inflight_mb else []),
             *(["--max-inflight-requests", str(args.inflight_requests)]
               if args.inflight_requests is not None else [])],
            stdout=subprocess.DEVNULL, stderr=open(tmp / "centre.log", "wb"),  # noqa: SIM115
        )  # fmt: skip
        wait_port(port, centre)
        # The port opens before the worker processes have imported the app (seconds on
        # a busy machine): timing starts once every worker is up, the tree idle.
        wait_idle(centre.pid, workers)
        workers_at_go = children(centre.pid)
        engine = create_engine(db_url)

        def db_size() -> int:
            if pg:
                with engine.connect() as conn:
                    return int(conn.execute(text("SELECT pg_database_size('postgres')")).scalar())
            return sum(p.stat().st_blocks * 512 for p in tmp.glob("central.db*") if p.exists())

        empty_db = db_size()
        load_before = os.getloadavg()
        cpu_times0 = machine_cpu()
        cpu_c0 = cpu_of_tree(centre.pid)
        cpu_pg0 = cpu_of_tree(pg.pid) if pg else 0.0
        # The URL goes with "go": terminals learn the centre is back all at once.
        for k in kids:
            assert k.stdin is not None
            k.stdin.write(f"{url}\n")
            k.stdin.flush()
        go = time.perf_counter()
        expected = args.terminals * args.per_terminal
        drained_at = None
        while time.perf_counter() - go < args.timeout:
            with engine.connect() as conn:
                n = conn.execute(select(func.count()).select_from(submissions)).scalar()
            if n == expected:
                drained_at = time.perf_counter() - go
                break
            time.sleep(0.25)
        results = [json.loads(k.stdout.readline()) for k in kids if k.stdout]  # type: ignore[union-attr]
        cpu_c = cpu_of_tree(centre.pid) - cpu_c0
        # uvicorn kills and replaces a worker that misses its health check (5 s).
        restarted = len(children(centre.pid) - workers_at_go)
        cpu_pg = (cpu_of_tree(pg.pid) - cpu_pg0) if pg else 0.0
        load_after = os.getloadavg()
        spent = [b - a for a, b in zip(cpu_times0, machine_cpu(), strict=True)]

        # Exactly what was queued, once, each with its blob on disk.
        queued = {(t, k) for r in results for t, ks in r["keys"].items() for k in ks}
        with engine.connect() as conn:
            stored = set(
                map(tuple, conn.execute(
                    select(submissions.c.terminal_id, submissions.c.idempotency_key)
                ).all())
            )  # fmt: skip
            with_blob = conn.execute(select(func.count()).select_from(submission_blobs)).scalar()
            shas = [str(s) for s in conn.execute(select(blobs.c.sha256)).scalars()]
        db_bytes = db_size() - empty_db
        engine.dispose()
        missing_files = sum(1 for s in shas if not (blob_dir / s[:2] / s[2:4] / s).exists())
        lat = [x for r in results for x in r["latencies"]]
        term_cpu = sum(r["cpu_s"] for r in results)
        blob_bytes = du(blob_dir)
        n = len(stored)
        answers: dict[str, int] = {}
        for r in results:
            for name, count in r["outcomes"].items():
                answers[name] = answers.get(name, 0) + count
        samples = [x for r in results for x in r["samples"]]
        by_outcome = {
            name: {
                "count": len(ls),
                "p50_ms": 1000 * statistics.median(ls),
                "p99_ms": 1000 * pct(ls, 0.99),
            }
            for name in answers
            if (ls := [lat for _t, lat, o in samples if o == name])
        }
        connects = [c for r in results for c in r["connects"]]
        if args.keep:
            (tmp / "samples.json").write_text(json.dumps(samples))
            (tmp / "connects.json").write_text(json.dumps(connects))
        return {
            "workers_restarted": restarted,
            "answers": answers,
            "latency_by_answer": by_outcome,
            "db": db_kind,
            "workers": workers,
            "terminals": args.terminals,
            "per_terminal": args.per_terminal,
            "kb": args.kb,
            "arrival": args.arrival,
            "fill_s_max": max(fills) if fills else 0,
            "drain_s": drained_at,
            "subs_per_s": (expected / drained_at) if drained_at else None,
            "requests": len(lat),
            # New connections (TCP + TLS handshake, client certificate verified) as the
            # terminals timed them: one per terminal, more when the centre closed one.
            "connects": {
                "count": len(connects),
                "p50_ms": 1000 * statistics.median([c for _t, c in connects]) if connects else None,
                "p99_ms": 1000 * pct([c for _t, c in connects], 0.99) if connects else None,
            },
            "lat_ms": {
                "min": 1000 * min(lat) if lat else None,
                "p50": 1000 * statistics.median(lat) if lat else None,
                "p99": 1000 * pct(lat, 0.99) if lat else None,
                "max": 1000 * max(lat) if lat else None,
            },
            "centre_cpu_ms_per_sub": 1000 * cpu_c / max(n, 1),
            "db_server_cpu_ms_per_sub": 1000 * cpu_pg / max(n, 1),
            "terminal_cpu_ms_per_sub": 1000 * term_cpu / max(n, 1),
            "exact": {
                "queued": len(queued),
                "stored": n,
                # neither at the centre nor still in an outbox (the timeout leaves some there)
                "lost": len(queued - stored) - sum(r["left"] for r in results),
                "unexpected": len(stored - queued),
                "blob_rows": with_blob,
                "missing_blob_files": missing_files,
                "left_in_outboxes": sum(r["left"] for r in results),
            },
            "disk_per_1000": {
                "database_mb": db_bytes / max(n, 1) * 1000 / 1e6,
                "blobs_mb": blob_bytes / max(n, 1) * 1000 / 1e6,
            },
            "load_before": [round(x, 1) for x in load_before],
            "load_after": [round(x, 1) for x in load_after],
            # A virtual machine's cores are shared with its neighbours: the share of the
            # run's CPU time the hypervisor gave to someone else (figures vary with it).
            "steal_pct": round(100 * spent[7] / max(sum(spent), 1), 1),
        }
    finally:
        for k in kids:
            if k.poll() is None:
                k.kill()
                k.wait()
        if centre is not None and centre.poll() is None:
            centre.terminate()
            try:
                centre.wait(20)
            except subprocess.TimeoutExpired:
                centre.kill()
                centre.wait()
        if pg:
            pg.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def legacy_disk(args: argparse.Namespace) -> dict[str, Any]:
    """Disk per 1,000 submissions of 200 KB for an older centre (photos in SQLite)."""
    import requests
    from sqlalchemy import create_engine, text

    tmp = Path(tempfile.mkdtemp(prefix="bench-legacy-"))
    port = free_port()
    pg = Postgres() if args.db == "postgresql" else None
    db = pg.url if pg else str(tmp / "central.db")

    def pg_size() -> int:
        assert pg is not None
        engine = create_engine(pg.url)
        with engine.connect() as conn:
            size = int(conn.execute(text("SELECT pg_database_size('postgres')")).scalar())
        engine.dispose()
        return size

    proc = subprocess.Popen(
        [args.legacy_disk, "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_port(port, proc)
        empty = pg_size() if pg else 0
        rng = random.Random(1)
        s = requests.Session()
        s.trust_env = False
        n = 1000
        for start in range(0, n, 25):
            items = [
                {"idempotency_key": f"legacy-{i:06d}", "terminal_id": "T1", "kind": "form.hukou",
                 "created_at": 1.0, "record": {"n": i},
                 "blobs": {"photo.jpg": base64.b64encode(rng.randbytes(args.kb * 1024)).decode()}}
                for i in range(start, min(n, start + 25))
            ]  # fmt: skip
            r = s.post(f"http://127.0.0.1:{port}/v1/submissions/batch", json={"items": items},
                       timeout=120)  # fmt: skip
            r.raise_for_status()
        proc.terminate()
        proc.wait(20)
        if pg:
            size = pg_size() - empty
        else:
            size = sum(p.stat().st_blocks * 512 for p in tmp.glob("central.db*"))
        return {"legacy_centre": args.legacy_disk, "db": args.db, "submissions": n,
                "kb": args.kb, "database_mb_per_1000": size / 1e6}  # fmt: skip
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if pg:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def table(rows: list[dict[str, Any]]) -> str:
    head = ("| DB | workers | drain s | subs/s | requests | latency ms min/p50/p99/max | "
            "centre CPU ms/sub | DB server CPU ms/sub | terminal CPU ms/sub | exact | "
            "disk MB/1000 (db + blobs) | load before -> after | steal |")  # fmt: skip
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        lat = r["lat_ms"]
        ex = r["exact"]
        lost = ex["queued"] - ex["stored"] - ex["left_in_outboxes"]
        ok = lost == 0 and ex["unexpected"] == 0 and ex["missing_blob_files"] == 0
        drain = f"{r['drain_s']:.1f}" if r["drain_s"] else "timeout"
        rate = f"{r['subs_per_s']:.1f}" if r["subs_per_s"] else "-"
        d = r["disk_per_1000"]
        lines.append(
            f"| {r['db']} | {r['workers']} | {drain} | {rate} | {r['requests']} | "
            f"{lat['min']:.0f}/{lat['p50']:.0f}/{lat['p99']:.0f}/{lat['max']:.0f} | "
            f"{r['centre_cpu_ms_per_sub']:.2f} | {r['db_server_cpu_ms_per_sub']:.2f} | "
            f"{r['terminal_cpu_ms_per_sub']:.2f} | "
            f"{'ok' if ok else 'FAIL'} {ex['stored']}/{ex['queued']} stored, "
            f"{ex['left_in_outboxes']} still queued | "
            f"{d['database_mb']:.1f} + {d['blobs_mb']:.1f} | "
            f"{r['load_before'][0]} -> {r['load_after'][0]} | "
            f"{r.get('steal_pct', '-')} % |"
        )
    return "\n".join(lines)


def main() -> int:
    if "--child" in sys.argv:
        child(json.loads(os.environ["BENCH_SPEC"]))
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--matrix", action="store_true", help="SQLite 1; PostgreSQL 1, 2, 4")
    p.add_argument("--terminals", type=int, default=200)
    p.add_argument("--per-terminal", type=int, default=30)
    p.add_argument("--kb", type=int, default=200)
    p.add_argument("--procs", type=int, default=20, help="terminal processes")
    p.add_argument("--batch-size", type=int, default=50, help="the terminal's [central] batch_size")
    p.add_argument(
        "--batch-mb",
        type=float,
        default=0,
        help="the terminal's batch limit in MiB (0: the sync worker's default)",
    )
    p.add_argument(
        "--inflight-mb",
        type=float,
        default=0,
        help="the centre's --max-inflight-mb (0: its default)",
    )
    p.add_argument(
        "--inflight-requests",
        type=int,
        default=None,
        help="the centre's --max-inflight-requests (default: its default)",
    )
    p.add_argument(
        "--terminals-nice",
        type=int,
        default=0,
        help="the terminal processes' nice value once queued (0: compete evenly "
        "with the centre for this machine's cores)",
    )
    p.add_argument("--threads", type=int, default=16, help="centre threads per process")
    p.add_argument("--arrival", choices=["storm", "backoff"], default="storm")
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    p.add_argument("--legacy-disk", help="an older kiosk-central: its disk use per 1,000")
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--table-from", help="print the table of results saved with --json")
    args = p.parse_args()
    if args.table_from:
        print(table(json.loads(Path(args.table_from).read_text())))
        return 0
    if args.legacy_disk:
        print(json.dumps(legacy_disk(args), indent=2))
        return 0
    plan = [("sqlite", 1), ("postgresql", 1), ("postgresql", 2), ("postgresql", 4)]
    if not args.matrix:
        plan = [(args.db, args.workers)]
    rows = []
    for db_kind, workers in plan:
        print(f"run: {db_kind}, {workers} worker(s) ...", file=sys.stderr, flush=True)
        rows.append(run(args, db_kind, workers))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
