"""The photo journey's state machine with a scripted engine (the real one is covered
in tests/unit/photo and tests/e2e): readiness, countdown, failures, help, camera loss."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from devices.camera.sim import SimCamera
from devices.health import ignore_event
from devices.uri import DeviceUri
from kiosk.flows.photo import PhotoJourney, PhotoOutcome, PhotoState, PhotoTimings
from kiosk.photo.context import CheckResult, PhotoContext
from kiosk.photo.errors import FaceCountError
from kiosk.photo.live import Guidance
from kiosk.photo.outline import outline_for
from kiosk.photo.specs import get_spec


class ScriptedEngine:
    """Ready or not as told; each capture gives the next scripted outcome."""

    def __init__(self) -> None:
        self.ready = True
        self.outcomes: list[str] = []  # "good", "bad" or "noface"

    def analyse_live(self, frame: np.ndarray) -> Guidance:
        key = "good" if self.ready else "closer"
        return Guidance("好" if self.ready else "请靠近一点", key, outline_for(1280, 720),
                        ready=self.ready, key=key)  # fmt: skip

    def preview(self, frame: np.ndarray) -> np.ndarray:
        return frame

    def take(self, frames: list[np.ndarray]) -> PhotoContext:
        outcome = self.outcomes.pop(0)
        if outcome == "noface":
            raise FaceCountError(0)
        ctx = PhotoContext(image=frames[0], spec=get_spec("cn-exit-entry"))
        ctx.checks = [CheckResult("mouth_closed", 0.2 if outcome == "bad" else 0.01, "<= 0.06",
                                  outcome != "bad")]  # fmt: skip
        ctx.output = np.zeros((472, 354, 3), np.uint8)
        ctx.jpeg = b"\xff\xd8jpeg"
        return ctx


@pytest.fixture
def camera() -> Iterator[SimCamera]:
    cam = SimCamera(DeviceUri.parse("sim://?w=320&h=180&fps=60"))
    cam.start(ignore_event)
    yield cam
    cam.close()


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    p = ThreadPoolExecutor(2)
    yield p
    p.shutdown(wait=True)


def run_until(j: PhotoJourney, state: PhotoState, clock: list[float], timeout: float = 5) -> None:
    """Tick with a clock that runs 0.1 s per tick, like the UI timer."""
    deadline = time.monotonic() + timeout
    while j.state is not state:
        assert time.monotonic() < deadline, f"stuck in {j.state}, wanted {state}"
        clock[0] += 0.1
        j.tick(clock[0])
        time.sleep(0.01)


def test_steady_guidance_counts_down_and_gives_the_photo(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    engine.outcomes = ["good"]
    j = PhotoJourney(camera, engine, pool, 0.0, PhotoTimings(countdown_s=1.0))
    run_until(j, PhotoState.COUNTDOWN, clock)
    assert j.guidance is not None and j.guidance.ready
    run_until(j, PhotoState.RESULT, clock)
    assert j.outcome is not None and j.outcome.jpeg.startswith(b"\xff\xd8")
    j.wipe()
    assert j.outcome is None and j.frame is None


def test_accepted_photo_is_delivered_under_a_receipt_then_forgotten(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    engine.outcomes = ["good"]
    delivered: list[bytes] = []

    def deliver(outcome: PhotoOutcome) -> str:
        delivered.append(outcome.jpeg)
        return "T01-20261127-7KQ3MX"

    timings = PhotoTimings(countdown_s=1.0, saved_timeout_s=5.0)
    j = PhotoJourney(camera, engine, pool, 0.0, timings, deliver=deliver)
    run_until(j, PhotoState.RESULT, clock)
    j.accept(clock[0])
    assert j.state is PhotoState.SAVING
    run_until(j, PhotoState.SAVED, clock)
    assert delivered == [b"\xff\xd8jpeg"]
    assert j.receipt == "T01-20261127-7KQ3MX"
    assert j.screen == "photo_saved"
    assert j.prompt_values() == {"receipt": "7 K Q 3 M X"}
    assert j.outcome is None  # the face left with the delivery
    run_until(j, PhotoState.FINISHED, clock, timeout=10)


def test_a_failed_delivery_is_said_not_hidden(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    engine.outcomes = ["good"]

    def full(outcome: PhotoOutcome) -> str:
        raise OSError("disk full")

    j = PhotoJourney(camera, engine, pool, 0.0, PhotoTimings(countdown_s=1.0), deliver=full)
    run_until(j, PhotoState.RESULT, clock)
    j.accept(clock[0])
    run_until(j, PhotoState.SAVED, clock)
    assert j.receipt == ""
    assert j.outcome is None


def test_moving_away_during_countdown_goes_back_to_preview(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    j = PhotoJourney(camera, engine, pool, 0.0, PhotoTimings(countdown_s=60))
    run_until(j, PhotoState.COUNTDOWN, clock)
    engine.ready = False
    run_until(j, PhotoState.PREVIEW, clock)
    assert j.guidance is not None and j.guidance.instruction_zh == "请靠近一点"


def test_three_failed_tries_offer_help_and_retake_resets(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    engine.outcomes = ["bad", "noface", "bad", "good"]
    j = PhotoJourney(camera, engine, pool, 0.0, PhotoTimings(countdown_s=0.3))
    for tries in (1, 2):
        run_until(j, PhotoState.PROCESSING, clock)
        run_until(j, PhotoState.PREVIEW, clock)
        assert j.failures == tries
    assert j.last_failure == "no_face"
    run_until(j, PhotoState.HELP, clock)
    assert j.failures == 3 and j.last_failure == "mouth_closed"
    j.retake(clock[0])
    assert j.state is PhotoState.PREVIEW and j.failures == 0
    run_until(j, PhotoState.RESULT, clock)


def test_camera_lost_and_back(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    engine.ready = False
    j = PhotoJourney(camera, engine, pool, 0.0)
    camera.lose()
    run_until(j, PhotoState.CAMERA_LOST, clock)
    assert j.guidance is None
    camera.restore()
    run_until(j, PhotoState.PREVIEW, clock)


def test_nobody_there_times_out(camera, pool) -> None:
    engine = ScriptedEngine()
    engine.ready = False
    j = PhotoJourney(camera, engine, pool, 0.0, PhotoTimings(preview_timeout_s=30))
    j.tick(29.0)
    assert j.state is PhotoState.PREVIEW
    j.tick(30.5)
    assert j.finished
