"""The photo journey's state machine with a scripted engine (the real one is covered
in tests/unit/photo and tests/e2e): choice, readiness, countdown, failures, help,
camera loss, the result's timeout, the receipt slip."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from devices.camera.sim import SimCamera
from devices.health import ignore_event
from devices.uri import DeviceUri
from kiosk.flows.photo import (
    PhotoJourney,
    PhotoOutcome,
    PhotoState,
    PhotoTimings,
    Printed,
)
from kiosk.photo.context import CheckResult, PhotoContext
from kiosk.photo.errors import FaceCountError
from kiosk.photo.live import Guidance
from kiosk.photo.outline import outline_for
from kiosk.photo.specs import PhotoSpec, get_spec

# The countdown waits for the citizen; these tests are about what comes after.
QUICK = PhotoTimings(countdown_s=1.0, steady_s=0.0, min_preview_s=0.0)


class ScriptedEngine:
    """Ready or not as told; each capture gives the next scripted outcome."""

    def __init__(self) -> None:
        self.ready = True
        self.outcomes: list[str] = []  # "good", "bad" or "noface"
        self.spec = get_spec("cn-exit-entry")

    def use(self, spec: PhotoSpec) -> None:
        self.spec = spec

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
        ctx = PhotoContext(image=frames[0], spec=self.spec)
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
    j = PhotoJourney(camera, engine, pool, 0.0, QUICK)
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

    timings = PhotoTimings(countdown_s=1.0, steady_s=0, min_preview_s=0, saved_timeout_s=5.0)
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

    j = PhotoJourney(camera, engine, pool, 0.0, QUICK, deliver=full)
    run_until(j, PhotoState.RESULT, clock)
    j.accept(clock[0])
    run_until(j, PhotoState.SAVED, clock)
    assert j.receipt == ""
    assert j.outcome is None


def test_moving_away_during_countdown_goes_back_to_preview(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    j = PhotoJourney(camera, engine, pool, 0.0, PhotoTimings(countdown_s=60, min_preview_s=0))
    run_until(j, PhotoState.COUNTDOWN, clock)
    engine.ready = False
    run_until(j, PhotoState.PREVIEW, clock)
    assert j.guidance is not None and j.guidance.instruction_zh == "请靠近一点"


def test_three_failed_tries_offer_help_and_retake_resets(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    engine.outcomes = ["bad", "noface", "bad", "good"]
    j = PhotoJourney(camera, engine, pool, 0.0, PhotoTimings(0.3, steady_s=0, min_preview_s=0))
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


def test_countdown_waits_for_the_citizen_not_the_first_good_frame(camera, pool) -> None:
    """Issue 15.8: the count began about 1 s after entry. A steady, right pose starts it
    only after steady_s, and never before min_preview_s; "I'm ready" starts it at once."""
    engine, clock = ScriptedEngine(), [0.0]
    j = PhotoJourney(camera, engine, pool, 0.0, PhotoTimings(steady_s=3.0, min_preview_s=6.0))
    while clock[0] < 5.5:  # guidance has been "ready" nearly all along
        clock[0] += 0.1
        j.tick(clock[0])
        time.sleep(0.005)
        assert j.state is PhotoState.PREVIEW, f"counting down {clock[0]:.1f} s after entry"
    assert j.guidance is not None and j.guidance.ready
    run_until(j, PhotoState.COUNTDOWN, clock)
    assert clock[0] >= 6.0


def test_im_ready_starts_the_count_as_soon_as_the_pose_is_right(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    engine.ready = False
    j = PhotoJourney(camera, engine, pool, 0.0)  # default, patient timings
    run_until(j, PhotoState.PREVIEW, clock)
    while j.guidance is None:
        clock[0] += 0.1
        j.tick(clock[0])
        time.sleep(0.01)
    j.ready(clock[0])
    assert j.asked and j.state is PhotoState.PREVIEW  # not while the pose is wrong
    engine.ready = True
    run_until(j, PhotoState.COUNTDOWN, clock)
    assert clock[0] < 3.0  # no waiting for steady_s / min_preview_s once asked
    assert j.countdown_left(clock[0]) is not None


def test_result_not_accepted_in_time_is_not_kept(camera, pool) -> None:
    """Issue 13.3: the result's timeout keeps nothing (the screen says so beside the
    countdown); only the citizen's OK queues the photo."""
    engine, clock = ScriptedEngine(), [0.0]
    engine.outcomes = ["good"]
    delivered: list[PhotoOutcome] = []
    timings = PhotoTimings(countdown_s=1.0, steady_s=0, min_preview_s=0, result_timeout_s=20)
    j = PhotoJourney(
        camera, engine, pool, 0.0, timings, deliver=lambda o: delivered.append(o) or "R"
    )
    run_until(j, PhotoState.RESULT, clock)
    assert j.remaining(clock[0]) == pytest.approx(20, abs=0.2)
    run_until(j, PhotoState.FINISHED, clock, timeout=10)
    assert delivered == [] and j.outcome is None


def test_the_citizen_chooses_among_the_halls_photos(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    engine.outcomes = ["good"]
    specs = tuple(get_spec(s) for s in ("cn-exit-entry", "cn-id-card", "us-visa"))
    delivered: list[PhotoOutcome] = []
    j = PhotoJourney(camera, engine, pool, 0.0, QUICK, specs=specs,
                     deliver=lambda o: delivered.append(o) or "R")  # fmt: skip
    assert j.state is PhotoState.CHOOSE and j.screen == "photo_choose"
    with pytest.raises(ValueError, match="not offered"):
        j.choose("cn-2inch", 0.0)
    j.choose("us-visa", 0.0)
    assert j.state is PhotoState.PREVIEW and engine.spec.id == "us-visa"
    j.choose_again(0.1)  # back from the preview: the choice again, not the menu
    assert j.state is PhotoState.CHOOSE
    j.choose("us-visa", 0.2)
    run_until(j, PhotoState.RESULT, clock)
    j.accept(clock[0])
    run_until(j, PhotoState.SAVED, clock)
    assert [o.spec_id for o in delivered] == ["us-visa"]


def test_one_offered_photo_needs_no_choice(camera, pool) -> None:
    engine = ScriptedEngine()
    j = PhotoJourney(camera, engine, pool, 0.0, QUICK, specs=(get_spec("icao-35x45"),))
    assert j.state is PhotoState.PREVIEW and engine.spec.id == "icao-35x45"
    assert not j.can_choose_again


def test_the_receipt_slip_is_printed_after_the_photo_is_queued(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    engine.outcomes = ["good"]
    order: list[str] = []
    spec = get_spec("cn-id-card")

    def deliver(outcome: PhotoOutcome) -> str:
        order.append("queued")
        return "T01-20261127-7KQ3MX"

    def print_receipt(receipt: str, printed_spec: PhotoSpec) -> None:
        order.append(f"printed {receipt} {printed_spec.id}")

    j = PhotoJourney(camera, engine, pool, 0.0, QUICK, deliver=deliver, specs=(spec,),
                     print_receipt=print_receipt)  # fmt: skip
    run_until(j, PhotoState.RESULT, clock)
    j.accept(clock[0])
    run_until(j, PhotoState.SAVED, clock)
    assert order == ["queued", "printed T01-20261127-7KQ3MX cn-id-card"]
    assert j.printed is Printed.PRINTED and j.screen == "photo_saved"


def test_a_receipt_that_did_not_print_is_said_and_the_number_kept(camera, pool) -> None:
    engine, clock = ScriptedEngine(), [0.0]
    engine.outcomes = ["good"]

    def out_of_paper(receipt: str, spec: PhotoSpec) -> None:
        raise OSError("paper out")

    j = PhotoJourney(camera, engine, pool, 0.0, QUICK, deliver=lambda o: "T01-1-ABC",
                     specs=(get_spec("cn-exit-entry"),), print_receipt=out_of_paper)  # fmt: skip
    run_until(j, PhotoState.RESULT, clock)
    j.accept(clock[0])
    run_until(j, PhotoState.SAVED, clock)
    assert j.receipt == "T01-1-ABC"  # queued all the same
    assert j.printed is Printed.FAILED and j.screen == "photo_not_printed"
