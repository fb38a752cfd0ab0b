"""Fleet benchmark against a real centre on loopback (mTLS, gen-certs certificates).

1. Idle poll: what one "anything new?" costs a terminal when nothing changed, as bundle
   payload bytes (python-tuf's downloads) and as bytes on the wire (a counting TCP relay
   between terminal and centre: HTTP headers and TLS included), with the session kept
   open (steady state) and with a new TLS session per poll (worst case).
2. Publish to applied for N simulated terminals: each terminal has its own data folder,
   certificate and simulated devices; all poll at once right after ``fleet publish``
   (the worst case: a whole city whose jittered polls fall together) and run the cycle
   the kiosk runs (verify, validate, apply, device health, commit).

    .venv/bin/python tests/bench/bench_fleet.py [--terminals 100] [--parallel 16]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
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

from central.fleet.repo import init_repository
from devices.base import Device
from devices.health import ignore_event
from devices.registry import open_device
from kiosk.config.loader import load_layered
from kiosk.fleet.health import await_healthy, device_states
from kiosk.fleet.updater import CheckKind, FleetContext, apply, check, commit
from kiosk.outbox import central_session
from kiosk.terminal import device_uris

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class CountingRelay:
    """TCP relay that counts the bytes each way (TLS passes through untouched)."""

    def __init__(self, upstream_port: int) -> None:
        self.up = upstream_port
        self.sent = 0  # terminal -> centre
        self.received = 0  # centre -> terminal
        self.lock = threading.Lock()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.up))
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, outbound: bool) -> None:
        try:
            while data := src.recv(65536):
                with self.lock:
                    if outbound:
                        self.sent += len(data)
                    else:
                        self.received += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def reset(self) -> None:
        with self.lock:
            self.sent = self.received = 0

    def close(self) -> None:
        self.sock.close()


def hall_of(tid: str) -> str:
    return f"hall-{int(tid[1:]) % 10}"


def terminal_toml(tmp: Path, certs: Path, repo: Path, tid: str, port: int) -> Path:
    folder = tmp / "terminals" / tid
    folder.mkdir(parents=True)
    path = folder / "kiosk.toml"
    path.write_text(
        f"""
[terminal]
id = "{tid}"
hall_id = "{hall_of(tid)}"
data_dir = "{folder / "data"}"
[central]
url = "https://127.0.0.1:{port}"
ca_file = "{certs / "ca.pem"}"
client_cert = "{certs / f"terminal-{tid}.pem"}"
client_key = "{certs / f"terminal-{tid}.key"}"
[fleet]
root = "{repo / "root.json"}"
probation_s = 30
""",
        encoding="utf-8",
    )
    return path


def cycle(config_path: Path) -> tuple[float, float]:
    """One terminal's poll -> apply -> health -> commit. Returns (seconds, cpu seconds
    of this thread)."""
    t0, c0 = time.monotonic(), time.thread_time()
    layered = load_layered(config_path)
    ctx = FleetContext.from_layered(layered)
    session = central_session(layered.config.central)
    try:
        result = check(ctx, session)
    finally:
        session.close()
    if result.kind is not CheckKind.CANDIDATE or result.candidate is None:
        raise RuntimeError(f"{config_path}: {result.kind}: {result.reason}")
    devices: dict[str, Device] = {}
    for kind, uri in device_uris(result.candidate.config).items():
        devices[kind.value] = open_device(kind, uri)
        devices[kind.value].start(ignore_event)
    try:
        baseline = device_states(devices)
        apply(ctx, result.candidate, baseline)
        verdict = await_healthy(devices, baseline, ctx.probation_s)
        if not verdict.healthy:
            raise RuntimeError(verdict.reason)
        commit(ctx.fleet_dir)
    finally:
        for d in devices.values():
            d.close()
    return time.monotonic() - t0, time.thread_time() - c0


def proc_cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stats(values: list[float]) -> str:
    return f"min {min(values):.3f}  median {statistics.median(values):.3f}  max {max(values):.3f}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--terminals", type=int, default=100)
    ap.add_argument("--parallel", type=int, default=16, help="terminals polling at once")
    ap.add_argument("--idle-polls", type=int, default=20)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-fleet-"))
    tids = [f"T{n:03d}" for n in range(1, args.terminals + 1)]
    certs = tmp / "certs"
    for hall in sorted({hall_of(t) for t in tids}):  # one CA; the hall is in each certificate
        gen = [str(BIN / "kiosk-central"), "gen-certs", str(certs), "--hall", hall]
        for tid in (t for t in tids if hall_of(t) == hall):
            gen += ["--terminal", tid]
        subprocess.run(gen, check=True, capture_output=True)
    repo = tmp / "repo"
    init_repository(repo)
    port = free_port()
    env = dict(os.environ)
    env["KIOSK_CONFIG"] = "/nonexistent/kiosk.toml"
    central = subprocess.Popen(
        [str(BIN / "kiosk-central"), "serve", "--db", f"sqlite:///{tmp / 'c.db'}",
         "--port", str(port), "--tls-cert", str(certs / "server.pem"), "--tls-key",
         str(certs / "server.key"), "--client-ca", str(certs / "ca.pem"),
         "--fleet-repo", str(repo)],
        env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    relay = CountingRelay(port)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        layer = tmp / "all.toml"
        layer.write_text("[ui]\nidle_timeout_s = 45\n")

        # --- idle poll -----------------------------------------------------------------
        probe = terminal_toml(tmp, certs, repo, tids[0], relay.port)
        subprocess.run(
            [str(BIN / "kiosk-central"), "fleet", "publish", "--repo", str(repo), "--all",
             str(layer)], check=True, capture_output=True,
        )  # fmt: skip
        cycle(probe)  # the terminal is up to date now
        layered = load_layered(probe)
        ctx = FleetContext.from_layered(layered)
        payload, wire_new, wire_kept, times = [], [], [], []
        session = central_session(layered.config.central)
        check(ctx, session)  # open the kept connection
        for _ in range(args.idle_polls):
            relay.reset()
            t0 = time.monotonic()
            r = check(ctx, session)
            times.append(time.monotonic() - t0)
            assert r.kind is CheckKind.UNCHANGED, r.reason
            payload.append(r.bytes_received)
            wire_kept.append(relay.sent + relay.received)
        session.close()
        for _ in range(args.idle_polls):
            relay.reset()
            fresh = central_session(layered.config.central)
            check(ctx, fresh)
            fresh.close()
            wire_new.append(relay.sent + relay.received)
        shutil.rmtree(probe.parent)

        # --- publish to applied --------------------------------------------------------
        configs = [terminal_toml(tmp, certs, repo, tid, port) for tid in tids]
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        centre0 = proc_cpu_s(central.pid)
        layer.write_text("[ui]\nidle_timeout_s = 50\nlarge_text = true\n")
        t_publish = time.monotonic()
        subprocess.run(
            [str(BIN / "kiosk-central"), "fleet", "publish", "--repo", str(repo), "--all",
             str(layer)], check=True, capture_output=True,
        )  # fmt: skip
        published = time.monotonic() - t_publish
        applied_at: list[float] = []
        per_terminal: list[float] = []
        cpu: list[float] = []
        lock = threading.Lock()

        def run(path: Path) -> None:
            took, used = cycle(path)
            with lock:
                applied_at.append(time.monotonic() - t_publish)
                per_terminal.append(took)
                cpu.append(used)

        with ThreadPoolExecutor(max_workers=args.parallel) as pool:
            list(pool.map(run, configs))
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        centre_cpu = proc_cpu_s(central.pid) - centre0
        for path in configs[:3]:
            assert load_layered(path).config.ui.large_text is True

        print(f"idle poll ({args.idle_polls} polls, nothing new)")
        print(f"  bundle payload bytes        {stats([float(x) for x in payload])}")
        print(f"  wire bytes, kept session    {stats([float(x) for x in wire_kept])}")
        print(f"  wire bytes, new TLS session {stats([float(x) for x in wire_new])}")
        print(f"  seconds                     {stats(times)}")
        print(f"publish -> applied, {args.terminals} terminals, {args.parallel} at a time")
        print(f"  fleet publish (CLI)         {published:.2f} s")
        print(f"  last terminal applied after {max(applied_at):.2f} s")
        print(f"  per terminal cycle (s)      {stats(per_terminal)}")
        print(f"  per terminal CPU (s)        {stats(cpu)}")
        used = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        print(f"  terminals' process CPU      {used:.2f} s")
        print(f"  centre process CPU          {centre_cpu:.2f} s")
    finally:
        relay.close()
        central.terminate()
        central.wait(10)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
