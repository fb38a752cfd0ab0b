"""Identity check benchmarks (issue 10): per-frame liveness analysis at 1280x720, the
1:1 match per face, and capture-to-decision (the last action seen -> match -> decision).

Goals: analysis <= 33 ms median per frame on 2 cores with the UI running; decision < 1 s.

    .venv/bin/python tests/bench/bench_identity.py [--frames 120] [--ui]

Without ``--ui`` the analyser alone takes pre-rendered frames of the simulated camera's
portrait performing the actions (kiosk.identity.puppet), then the match and the decision
are timed. With ``--ui`` the real journey runs as on a terminal: the kiosk's Qt UI
(offscreen) paints the live screen and its preview, the simulated camera streams in real
time, and every frame the journey's own analysis takes is timed (checks are repeated
until ``--frames`` frames were analysed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from devices.camera.sim import SimCamera
from devices.uri import DeviceUri
from kiosk.identity.analyser import FrameAnalyser
from kiosk.identity.challenges import Action
from kiosk.identity.liveness import LivenessSession
from kiosk.identity.matcher import FaceMatcher
from kiosk.identity.puppet import Pose, pose_for, puppet_from


def load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def stats(name: str, values: list[float], goal: str = "") -> None:
    p90 = float(np.percentile(values, 90))
    print(f"{name}: min {min(values):.1f}  median {statistics.median(values):.1f}"
          f"  p90 {p90:.1f}  max {max(values):.1f} ms {goal}")  # fmt: skip


def frames_for(count: int) -> list[np.ndarray]:
    cam = SimCamera(DeviceUri.parse("sim://?w=1280&h=720"))
    puppet = puppet_from(cam.render(0))
    actions = list(Action)
    out = []
    for n in range(count):
        action = actions[(n // 15) % len(actions)]
        out.append(puppet.render(pose_for(action, (n % 15) / 15) if n % 30 < 15 else Pose()))
    return out


class TimedEngine:
    """The journey's own engine, timing each frame's analysis where the journey runs it."""

    def __init__(self) -> None:
        from kiosk.identity.engine import LiveEngine

        self.inner = LiveEngine()
        self.times: list[float] = []
        self.cpu_ms = 0.0  # the analysing thread's own CPU (mediapipe's threads not counted)

    def analyse(self, image: np.ndarray, t_ms: int) -> object:
        t, c = time.perf_counter(), time.thread_time()
        try:
            return self.inner.analyse(image, t_ms)
        finally:
            self.times.append((time.perf_counter() - t) * 1000)
            self.cpu_ms += (time.thread_time() - c) * 1000

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def journey_with_ui(count: int) -> None:
    """The identity journey as a terminal runs it: the kiosk's Qt UI (offscreen, 1920x1080)
    on the live screen painting the mirrored 1280x720 preview, the simulated camera at
    15 fps in real time with its portrait performing each asked action, and the journey's
    own analysis on its pool. Times every frame the journey analyses."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from dataclasses import replace

    from PySide6.QtGui import QGuiApplication

    from devices.idcard.sim import SimIdCardReader, sample_card
    from kiosk.config.loader import default_layer, load_layers
    from kiosk.flows.identity import IdentityJourney, IdState, identity_entry
    from kiosk.identity.puppet import Performer
    from kiosk.identity.wiring import identity_services
    from kiosk.terminal import build_terminal
    from ui.app import KioskUi
    from ui.tour import simulated

    tmp = Path(tempfile.mkdtemp(prefix="bench-identity-"))
    ui = KioskUi(build_terminal(simulated(load_layers([default_layer()]), tmp)))
    ui.window.resize(1920, 1080)
    ui.window.show()
    camera, reader = ui.terminal.camera, ui.terminal.id_card
    assert isinstance(camera, SimCamera) and isinstance(reader, SimIdCardReader)
    print(f"camera {camera.width}x{camera.height} at {camera.fps:.0f} fps")
    engine = TimedEngine()
    for i, f in enumerate(frames_for(10)):  # models load before timing, as after a first check
        engine.inner.analyse(f, i * 66)
    engine.inner.wipe()
    services = replace(identity_services(ui.terminal), engine=lambda: engine)
    ui.controller.entries["identity"] = identity_entry(services)
    performer = Performer(puppet_from(camera.render(0)), seconds=1.5)
    camera.play(performer)
    reader.remove()

    def pump(until: object, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not until() and time.monotonic() < deadline:  # type: ignore[operator]
            QGuiApplication.processEvents()
            time.sleep(0.005)

    c = ui.controller

    def new_check() -> IdentityJourney:
        """A citizen: consent, the card placed, on to the live check."""
        if c.journey is not None:
            c.finish(time.monotonic())
        c.start(time.monotonic())
        c.open_journey("identity", time.monotonic())
        j = c.journey_as(IdentityJourney)
        assert j is not None
        j.agree(time.monotonic())
        reader.remove()
        pump(lambda: False, 0.3)
        reader.insert(sample_card())
        pump(lambda: j.state is not IdState.DOCUMENT, 15)
        return j

    j = new_check()
    first = camera.latest()
    seq0, c0, t0 = first.seq if first else 0, time.process_time(), time.monotonic()
    outcomes: list[str] = []
    while len(engine.times) < count:
        if j.state is IdState.MATCHING:
            pump(lambda j=j: j.state is not IdState.MATCHING, 10)  # type: ignore[misc]
        if j.state not in (IdState.LOOK, IdState.ACTING, IdState.RETRY):
            outcomes.append(j.state.name)
            j = new_check()  # (the seconds between checks are not analysis: not timed)
        if j.state is IdState.ACTING and j.current_action is not None and not performer.busy:
            performer.perform(j.current_action)
        pump(lambda: False, 0.05)
    wall = time.monotonic() - t0
    frames = len(engine.times)
    last = camera.latest()
    made = (last.seq if last else 0) - seq0
    done = ", ".join(outcomes) or "none ended"
    cpu = (time.process_time() - c0) * 1000
    stats(f"liveness analysis in the journey, UI painting the live screen ({frames} frames)",
          engine.times, "(goal <= 33 ms median)")  # fmt: skip
    print(f"  {frames} of {made} camera frames analysed in {wall:.1f} s"
          f" ({frames / wall:.1f} per second); CPU per analysed frame: analysing thread"
          f" {engine.cpu_ms / max(frames, 1):.1f} ms, whole process {cpu / max(frames, 1):.1f} ms"
          f" (UI, mediapipe's threads, and the simulated camera warping its portrait);"
          f" checks ended: {done};"
          f" load average {load()}")  # fmt: skip
    camera.play(None)
    ui.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--ui", action="store_true", help="with the Qt UI running")
    args = parser.parse_args()
    if args.ui:
        journey_with_ui(args.frames)
        return
    frames = frames_for(args.frames)
    matcher = FaceMatcher()
    analyser = FrameAnalyser(matcher)
    for i, f in enumerate(frames[:10]):  # warm-up: graphs start, tracker locks on
        analyser.analyse(f, i * 66)

    times: list[float] = []
    cpu = 0.0

    process_cpu = 0.0

    def run() -> None:
        nonlocal cpu, process_cpu
        c0, p0 = time.thread_time(), time.process_time()
        for i, f in enumerate(frames):
            t = time.perf_counter()
            analyser.analyse(f, 1000 + i * 66)
            times.append((time.perf_counter() - t) * 1000)
        cpu = (time.thread_time() - c0) * 1000 / len(frames)
        process_cpu = (time.process_time() - p0) * 1000 / len(frames)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    stats(f"liveness analysis 1280x720 ({len(frames)} frames, no UI)",
          times, "(goal <= 33 ms median)")  # fmt: skip
    # CPU time is what the analysis costs whatever else the machine does; the process
    # figure includes mediapipe's own threads (and the UI's, with --ui).
    print(f"  CPU per frame: analysis thread {cpu:.1f} ms, whole process {process_cpu:.1f} ms;"
          f" load average {load()}")  # fmt: skip

    # Match per face: the best frame against a chip-size reference (both embedded).
    best = analyser.best_frame()
    assert best is not None
    import cv2

    chip = cv2.resize(best.image, (102, 126))
    match_ms, match_cpu = [], []
    for _ in range(20):
        t, c = time.perf_counter(), time.process_time()
        matcher.embed(best.image)
        match_ms.append((time.perf_counter() - t) * 1000)
        match_cpu.append((time.process_time() - c) * 1000)
    stats("SFace detect + align + embed, one face", match_ms)
    print(f"  CPU per face: median {statistics.median(match_cpu):.1f} ms")

    # Capture to decision: after the last action's frame, pick the best frame, embed it
    # and the reference, decide.
    decide_ms, decide_cpu = [], []
    for _ in range(10):
        t, c = time.perf_counter(), time.process_time()
        b = analyser.best_frame()
        assert b is not None
        live, ref = matcher.embed(b.image), matcher.embed(chip)
        assert live is not None and ref is not None
        _ = matcher.similarity(live, ref) >= 0.42
        b.jpeg()
        decide_ms.append((time.perf_counter() - t) * 1000)
        decide_cpu.append((time.process_time() - c) * 1000)
    stats("capture to decision (best frame, 2 embeddings, JPEG)", decide_ms, "(goal < 1000 ms)")
    print(f"  CPU: median {statistics.median(decide_cpu):.1f} ms")

    # A whole session, for the record: a 3-action clip judged frame by frame.
    session = LivenessSession((Action.BLINK, Action.NOD, Action.TURN_LEFT))
    for i, f in enumerate(frames):
        session.feed(analyser.analyse(f, 2000 + i * 66))
    analyser.close()


if __name__ == "__main__":
    main()
