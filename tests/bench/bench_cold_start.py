"""Cold start: from launching ``kiosk run`` to the attract screen, and peak memory.

Run: .venv/bin/python tests/bench/bench_cold_start.py [--runs 5]
Starts the real command offscreen on simulated devices, waits for the log line that
the attract screen is up, reads the process's peak resident memory (VmHWM), stops it.
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


def one_run() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "kiosk.toml"
        cfg.write_text(f'[terminal]\ndata_dir = "{tmp}"\n', encoding="utf-8")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
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
                    time.sleep(1.0)  # let the first frames render before reading the peak
                    return elapsed, peak_rss_mb(proc.pid)
            raise RuntimeError("kiosk exited before the attract screen came up")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times, peaks = [], []
    for _ in range(args.runs):
        t, m = one_run()
        times.append(t)
        peaks.append(m)
        print(f"cold start {t * 1000:.0f} ms, peak RSS {m:.0f} MB")
    print(
        f"median cold start {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); "
        f"peak RSS median {statistics.median(peaks):.0f} MB over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
