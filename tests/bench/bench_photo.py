"""Photo benchmarks: live guidance per 1280x720 frame, and capture to final photo.

Targets (issue 6): live analysis within one camera frame (33 ms at 30 fps) on
2 cores; capture (burst of frames) to the finished JPEG under 1 s.

    .venv/bin/python tests/bench/bench_photo.py [--frames 150] [--spec cn-exit-entry]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from devices.camera.sim import SimCamera
from devices.uri import DeviceUri
from kiosk.photo.live import LiveAnalyser
from kiosk.photo.pipeline import Models, Pipeline
from kiosk.photo.specs import get_spec


def load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--burst", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--spec", default="cn-exit-entry")
    args = parser.parse_args()
    spec = get_spec(args.spec)
    cam = SimCamera(DeviceUri.parse("sim://?w=1280&h=720"))
    frames = [cam.render(i) for i in range(args.frames)]

    live = LiveAnalyser(spec)
    for frame in frames[:10]:  # warm-up: graph start, tracker lock-on
        live.analyse_live(frame)
    times = []
    keys = []
    cpu_start = time.process_time()
    for frame in frames:
        start = time.perf_counter()
        guidance = live.analyse_live(frame)
        times.append((time.perf_counter() - start) * 1000)
        keys.append(guidance.key)
    cpu_ms = (time.process_time() - cpu_start) * 1000 / len(frames)
    print(f"live analysis 1280x720, {len(frames)} frames: median {statistics.median(times):.1f} ms,"
          f" p90 {pct(times, 90):.1f} ms, max {max(times):.1f} ms (target < 33 ms)")  # fmt: skip
    # CPU time is what the analysis costs whatever else the machine is doing (on a
    # shared, loaded machine the wall-clock figures mostly measure the others).
    print(f"  CPU time per frame (all threads): {cpu_ms:.1f} ms; load average {load()}")
    print(f"  instructions seen: {sorted(set(keys))}")
    ptimes = []
    for frame in frames[:5]:  # warm-up: the segmentation graph starts on first use
        live.preview(frame, "blue")
    cpu_start = time.process_time()
    for frame in frames[:60]:
        start = time.perf_counter()
        live.preview(frame, "blue")
        ptimes.append((time.perf_counter() - start) * 1000)
    pcpu = (time.process_time() - cpu_start) * 1000 / 60
    print(f"preview background (selfie mask + guided filter, 960 px): median "
          f"{statistics.median(ptimes):.1f} ms, CPU {pcpu:.1f} ms per frame")  # fmt: skip

    models = Models.load()
    pipeline = Pipeline.default(models)
    pipeline.run(frames[0], spec)  # warm-up (numba kernels, graphs)
    totals, picks, cpu = [], [], []
    stages: dict[str, list[float]] = {}
    for run in range(args.runs):
        burst = frames[run * args.burst : (run + 1) * args.burst]
        start = time.perf_counter()
        cpu_start = time.process_time()
        best = live.best_frame(burst)
        picked = time.perf_counter()
        ctx = pipeline.run(best, spec)
        totals.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
        picks.append((picked - start) * 1000)
        for name, ms in ctx.timings_ms.items():
            stages.setdefault(name, []).append(ms)
    print(f"capture to final photo ({args.burst}-frame burst, {spec.id}): "
          f"median {statistics.median(totals):.0f} ms, max {max(totals):.0f} ms "
          f"(target < 1000 ms)")  # fmt: skip
    print(f"  CPU time (all threads) median {statistics.median(cpu):.0f} ms; load {load()}")
    print(
        f"  best-frame pick {statistics.median(picks):.0f} ms; stages: "
        + ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in stages.items())
    )
    live.close()
    models.close()


if __name__ == "__main__":
    main()
