"""Finished reads reach the UI as queued Qt signals, not on the next timer tick; the camera
and OpenCV wait for the first photo journey."""

from __future__ import annotations

import sys
from pathlib import Path

from devices.base import DeviceKind
from devices.camera.sim import SimCamera
from devices.idcard.sim import SimIdCardReader
from kiosk.flows.form import FormJourney
from tests.e2e.qml_helpers import find_item, wait_for
from ui.app import KioskUi

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "forms"))
from forms_samples import make_card


def test_a_card_read_shows_the_prefilled_screen_with_the_timer_stopped(kiosk_ui: KioskUi) -> None:
    ui, w, c = kiosk_ui, kiosk_ui.window, kiosk_ui.controller
    c.start(ui.shell.now())
    c.open_journey("form", ui.shell.now())
    journey = c.journey_as(FormJourney)
    assert journey is not None
    journey.choose("hk_macau_travel", ui.shell.now())
    c.acted(ui.shell.now())
    assert wait_for(lambda: find_item(w, "formCardScreen") is not None)
    # No tick from now on: only the card event and the finished read can move the screen.
    ui.timer.stop()
    reader = ui.terminal.id_card
    assert isinstance(reader, SimIdCardReader)
    reader.insert(make_card())
    assert wait_for(lambda: find_item(w, "cardValue_name") is not None, 30)


def test_the_camera_starts_with_the_first_photo_journey(kiosk_ui: KioskUi) -> None:
    ui, c = kiosk_ui, kiosk_ui.controller
    camera = ui.terminal.devices[DeviceKind.CAMERA]
    assert isinstance(camera, SimCamera)
    assert camera.latest() is None and camera.health().counters == {}
    c.start(ui.shell.now())
    c.open_journey("photo", ui.shell.now())
    assert wait_for(lambda: camera.latest() is not None, 10)
