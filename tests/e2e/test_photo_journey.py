"""The photo booth offscreen on the simulated camera: preview, countdown, result,
camera lost and back, and help after three failed tries. Screens are saved as PNGs
(to $PHOTO_SHOTS when set, for looking at them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devices.camera.sim import SimCamera
from kiosk.flows.photo import PhotoEvent, PhotoJourney, PhotoState
from tests.e2e.qml_helpers import find_item, tap, text_of, wait_for
from ui.app import KioskUi

pytestmark = pytest.mark.xdist_group("photo")


def shots_dir(tmp_path: Path) -> Path:
    path = Path(os.environ.get("PHOTO_SHOTS", tmp_path))
    path.mkdir(parents=True, exist_ok=True)
    return path


def journey(ui: KioskUi) -> PhotoJourney:
    j = ui.controller.journey
    assert isinstance(j, PhotoJourney)
    return j


def test_booth_journey(kiosk_ui: KioskUi, tmp_path: Path) -> None:
    w = kiosk_ui.window
    shots = shots_dir(tmp_path)
    camera = kiosk_ui.terminal.camera
    assert isinstance(camera, SimCamera)

    tap(w, "startButton")
    tap(w, "journey_photo")
    assert wait_for(lambda: find_item(w, "photoBoothScreen") is not None)
    # Models load on first use; then guidance arrives for the live frames.
    assert wait_for(lambda: journey(kiosk_ui).guidance is not None, timeout_s=60)
    assert wait_for(lambda: text_of(w, "instruction") not in ("", "请看镜头"), timeout_s=10)
    preview = find_item(w, "cameraPreview")
    assert preview is not None and "image://camera/" in preview.property("source").toString()
    kiosk_ui.grab(shots / "photo-01-preview.png")

    j = journey(kiosk_ui)
    # Grace Hopper stands still in front of the simulated camera: the countdown
    # starts by itself once the guidance has been steady.
    assert wait_for(lambda: j.state is not PhotoState.PREVIEW, timeout_s=20), text_of(
        w, "instruction"
    )
    assert wait_for(lambda: text_of(w, "countdown") in ("1", "2", "3"), timeout_s=5)
    kiosk_ui.grab(shots / "photo-02-countdown.png")

    assert wait_for(lambda: find_item(w, "photoResultScreen") is not None, timeout_s=60)
    assert wait_for(lambda: find_item(w, "photo") is not None)
    outcome = j.outcome
    assert outcome is not None and outcome.compliant
    assert outcome.preview_bgr.shape[:2] == (472, 354)
    assert 20 * 1024 <= len(outcome.jpeg) <= 80 * 1024
    assert "354×472" in text_of(w, "photoDetails")
    kiosk_ui.grab(shots / "photo-03-result.png")

    tap(w, "retakeButton")
    assert wait_for(lambda: find_item(w, "photoBoothScreen") is not None)
    assert j.outcome is None  # the old face is gone

    camera.lose()
    assert wait_for(lambda: j.state is PhotoState.CAMERA_LOST, timeout_s=5)
    assert find_item(w, "cameraPreview") is None  # a clear message instead of a frozen frame
    kiosk_ui.grab(shots / "photo-04-camera-lost.png")
    # Back comes the camera, but the citizen has stepped away (an empty booth).
    camera.show_empty_booth()
    camera.restore()
    assert wait_for(lambda: j.state is PhotoState.PREVIEW, timeout_s=5)
    assert wait_for(lambda: (f := camera.latest()) is not None and f.image.std() < 10)
    assert wait_for(lambda: text_of(w, "instruction") == "请站到镜头前", timeout_s=10)

    # Twice already no good photo; a third capture of the empty booth fails too.
    j.failures = 2
    now = kiosk_ui.shell.now()
    j.machine.fire(PhotoEvent.READY, now)
    j.machine.fire(PhotoEvent.COUNTED_DOWN, now)
    assert wait_for(lambda: find_item(w, "photoHelpScreen") is not None, timeout_s=30)
    assert "3" in text_of(w, "helpTries")
    kiosk_ui.grab(shots / "photo-05-help.png")

    tap(w, "helpDone")
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)
    assert kiosk_ui.controller.session is None and kiosk_ui.controller.journey is None
