"""A photo accepted at the booth in this visit fills the form's photo box (issue 15
item 8), and leaves with the session."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from devices.camera.sim import SimCamera
from devices.health import ignore_event
from devices.uri import DeviceUri
from kiosk.config import KioskConfig
from kiosk.flows.journey import JourneyContext
from kiosk.flows.photo import PhotoJourney, PhotoOutcome, PhotoState, photo_entry
from kiosk.session import EndReason, Session
from tests.unit.test_photo_flow import ScriptedEngine, run_until


@pytest.fixture
def camera() -> Iterator[SimCamera]:
    cam = SimCamera(DeviceUri.parse("sim://?w=320&h=180&fps=60"))
    cam.start(ignore_event)
    yield cam
    cam.close()


def test_the_accepted_booth_photo_is_kept_in_the_session(camera, config: KioskConfig) -> None:
    engine = ScriptedEngine()
    engine.outcomes = ["good"]
    queued: list[bytes] = []

    def deliver(outcome: PhotoOutcome) -> str:
        queued.append(outcome.jpeg)
        return "T01-20261202-7KQ3MX"

    session = Session()
    with ThreadPoolExecutor(2) as pool:
        journey = photo_entry(camera, lambda: engine, deliver).start(
            JourneyContext(config, session, pool), 0.0
        )
        assert isinstance(journey, PhotoJourney)
        assert session.booth_photo == b""
        clock = [0.0]
        run_until(journey, PhotoState.RESULT, clock, timeout=20)
        journey.accept(clock[0])
        run_until(journey, PhotoState.SAVED, clock)
    assert queued == [b"\xff\xd8jpeg"]
    assert session.booth_photo == b"\xff\xd8jpeg"  # the form journey finds it here
    kept = session.get("booth_photo")
    session.end(EndReason.FINISHED)
    assert kept == bytearray(len(b"\xff\xd8jpeg")) and session.booth_photo == b""


@dataclass(frozen=True)
class Accepted:
    jpeg: bytes


def test_a_photo_that_could_not_be_queued_is_not_kept() -> None:
    session = Session()

    def broken(outcome: Accepted) -> str:
        raise OSError("disk full")

    deliver = session.keeping_booth_photo(broken)
    with pytest.raises(OSError):
        deliver(Accepted(b"\xff\xd8jpeg"))
    assert session.booth_photo == b""
    session.end(EndReason.IDLE)
    assert not session.keep_booth_photo(b"late")  # after the end: nothing is kept
