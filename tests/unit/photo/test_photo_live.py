"""Live guidance on camera frames: one instruction at a time, the outline, the best frame."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from devices.camera.sim import SimCamera
from devices.uri import DeviceUri
from kiosk.photo.live import Guidance, LiveAnalyser
from kiosk.photo.specs import get_spec
from tests.unit.photo.faces import astronaut, grace_hopper, two_faces


@pytest.fixture(scope="module")
def sim_frame() -> np.ndarray:
    """A 1280x720 frame of the simulated booth camera (Grace Hopper, centred)."""
    return SimCamera(DeviceUri.parse("sim://?w=1280&h=720")).render(1)


def framed(face: np.ndarray, head_scale: float, dx: int = 0) -> np.ndarray:
    """``face`` placed on a 1280x720 grey canvas at ``head_scale``, shifted by ``dx``."""
    canvas = np.full((720, 1280, 3), 200, np.uint8)
    h = int(720 * head_scale)
    w = face.shape[1] * h // face.shape[0]
    small = cv2.resize(face, (w, h), interpolation=cv2.INTER_AREA)
    y0 = 0 if head_scale >= 1 else (720 - h) // 2
    x0 = (1280 - w) // 2 + dx
    canvas[y0 : y0 + h, max(0, x0) : x0 + w] = small[:, max(0, -x0) :][:h, : 1280 - max(0, x0)]
    return canvas


def settle(live: LiveAnalyser, frame: np.ndarray, frames: int = 3) -> Guidance:
    """Guidance after a few frames of the same scene, as a camera stream delivers them
    (the mesh tracker refines lips and lids after its first detection)."""
    guidance = live.analyse_live(frame)
    for _ in range(frames - 1):
        guidance = live.analyse_live(frame)
    return guidance


@pytest.fixture
def live() -> Iterator[LiveAnalyser]:
    # A fresh analyser per test: tracking state must not leak between scenes.
    analyser = LiveAnalyser(get_spec("cn-exit-entry"))
    yield analyser
    analyser.close()


def test_well_placed_face_gets_no_correction(live: LiveAnalyser, sim_frame) -> None:
    g = settle(live, sim_frame)
    assert g.key in ("good", "still"), (g.key, [c for c in g.checks if not c.passed])
    assert g.instruction_zh and g.instruction_en
    o = g.head_outline
    assert o.cx == 640 and 0 < o.cy - o.ry < 720 * 0.2 and o.ry * 2 == pytest.approx(360)


def test_small_face_is_asked_to_come_closer(live: LiveAnalyser) -> None:
    g = settle(live, framed(grace_hopper(), 0.45))
    assert g.key == "closer"
    assert g.instruction_zh == "请靠近一点"
    assert not g.ready


def test_face_off_to_the_side_is_asked_to_move(live: LiveAnalyser) -> None:
    g = settle(live, framed(grace_hopper(), 1.0, dx=-330))
    # Face on the image's left is on the citizen's right: they move to their left.
    assert g.key == "left", [c for c in g.checks if not c.passed]


def test_one_instruction_for_smile(live: LiveAnalyser) -> None:
    g = settle(live, framed(astronaut(), 1.0))
    failed = [c.name for c in g.checks if not c.passed]
    assert "mouth_closed" in failed
    assert isinstance(g.instruction_zh, str) and "\n" not in g.instruction_zh


def test_nobody_and_two_people(live: LiveAnalyser) -> None:
    assert settle(live, np.full((720, 1280, 3), 90, np.uint8)).key == "no_face"
    two = cv2.resize(two_faces(), (1280, 720))
    g = settle(live, two)
    assert g.key == "many_faces" and g.instruction_en == "Only one person in the picture, please"


def test_best_frame_is_the_sharp_one(live: LiveAnalyser, sim_frame) -> None:
    blurred = cv2.GaussianBlur(sim_frame, (0, 0), 5)
    best = live.best_frame([blurred, sim_frame, blurred])
    assert best is sim_frame


def test_preview_has_the_new_background_and_keeps_the_face(live: LiveAnalyser, sim_frame) -> None:
    out = live.preview(sim_frame, "blue")
    assert out.shape == (540, 960, 3)  # analysed at 960 px wide
    blue = np.array([0xF2, 0xE4, 0xD6])
    # The booth's grey wall at the corners is now the spec's light blue...
    assert np.abs(out[10, 10].astype(int) - blue).max() < 12
    assert np.abs(out[-10, -10].astype(int) - blue).max() < 12
    # ...and the face in the middle is untouched.
    small = cv2.resize(sim_frame, (960, 540), interpolation=cv2.INTER_AREA)
    assert np.abs(out[200, 480].astype(int) - small[200, 480].astype(int)).max() < 8


def test_a_cap_is_asked_off(live: LiveAnalyser, sim_frame) -> None:
    """The booth's sitter (Grace Hopper, in her navy cap): once the preview's person
    mask exists, live guidance says to take the cap off, and the count cannot start."""
    live.preview(sim_frame)
    g = settle(live, sim_frame)
    assert g.key == "hat" and g.instruction_zh == "请摘下帽子"
    assert not g.ready
