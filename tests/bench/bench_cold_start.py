"""Cold start: from launching ``kiosk run`` to the attract screen, and peak memory.

Run: .venv/bin/python tests/bench/bench_cold_start.py [--runs 5]
Starts the real command offscreen on simulated devices, with the environment the systemd
unit gives it (QT_IM_MODULE), waits for the log line that the attract screen is drawn,
reads the process's peak resident memory (VmHWM) and CPU time, stops it.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run() -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "kiosk.toml"
        cfg.write_text(f'[terminal]\ndata_dir = "{tmp}"\n', encoding="utf-8")
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            QT_IM_MODULE="qtvirtualkeyboard",
            PYTHONUNBUFFERED="1",
        )
        kiosk = Path(sys.executable).with_name("kiosk")
        started = time.monotonic()
        proc = subprocess.Popen(
            [str(kiosk), "run", "--windowed", "--config", str(cfg)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                if "attract screen up" in line:
                    elapsed = time.monotonic() - started
                    cpu = cpu_seconds(proc.pid)
                    time.sleep(1.0)  # let the first frames render before reading the peak
                    return elapsed, peak_rss_mb(proc.pid), cpu
            raise RuntimeError("kiosk exited before the attract screen came up")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _span(label: str, values: list[float], unit: str) -> str:
    return (
        f"{label} min/median/max {min(values):.0f}/{statistics.median(values):.0f}/"
        f"{max(values):.0f} {unit}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times, peaks, cpus = [], [], []
    for _ in range(args.runs):
        t, m, c = one_run()
        times.append(t * 1000)
        peaks.append(m)
        cpus.append(c * 1000)
        print(f"cold start {t * 1000:.0f} ms, CPU {c * 1000:.0f} ms, peak RSS {m:.0f} MB")
    print(f"{args.runs} runs, load {os.getloadavg()[0]:.1f}:")
    print(_span("  cold start", times, "ms"))
    print(_span("  CPU to ready", cpus, "ms"))
    print(_span("  peak RSS", peaks, "MB"))


if __name__ == "__main__":
    main()
