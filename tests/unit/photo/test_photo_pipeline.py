"""The still pipeline on real faces: what the citizen's photo looks like, measured."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage

from kiosk.photo.checks.background import border_pixels
from kiosk.photo.context import PhotoContext
from kiosk.photo.errors import FaceCountError
from kiosk.photo.face import FaceAnalyser
from kiosk.photo.geometry import crown_on_plain_background
from kiosk.photo.pipeline import Models
from kiosk.photo.report import build_report
from kiosk.photo.specs import get_spec


def failed(ctx: PhotoContext) -> set[str]:
    return {c.name for c in ctx.checks if not c.passed}


@pytest.mark.parametrize("spec_id", ["cn-exit-entry", "cn-id-card", "icao-35x45"])
def test_grace_hopper_passes_everything_but_her_cap(run_photo, spec_id: str) -> None:
    """Issue 15.8: the sitter in a cap passed. Grace Hopper wears her navy cap in
    matplotlib's sample photo: the head-covering check refuses her; all else passes."""
    ctx = run_photo("grace", spec_id)
    spec = get_spec(spec_id)
    assert failed(ctx) == {"head_covering"}, [c for c in ctx.checks if not c.passed]
    assert not ctx.compliant
    # The file itself: spec pixel size, spec dpi, inside the size window.
    pil = PILImage.open(io.BytesIO(ctx.jpeg))
    assert pil.size == (spec.width_px, spec.height_px)
    assert pil.format == "JPEG"
    assert round(pil.info["dpi"][0]) == spec.dpi
    if spec.max_kb is not None:
        assert len(ctx.jpeg) <= spec.max_kb * 1024
    if spec.min_kb is not None:
        assert len(ctx.jpeg) >= spec.min_kb * 1024


def test_output_geometry_measured_again_is_inside_the_spec(run_photo, models: Models) -> None:
    ctx = run_photo("grace", "cn-exit-entry", "blue")
    spec = get_spec("cn-exit-entry")
    decoded = cv2.imdecode(np.frombuffer(ctx.jpeg, np.uint8), cv2.IMREAD_COLOR)
    # A fresh measurement on the decoded JPEG, not the pipeline's own numbers: the
    # face mesh again, and the crown where the plain blue background ends.
    face = models.faces.meshes(decoded)[0]
    crown = crown_on_plain_background(decoded, spec.background_bgr("blue"), face)
    chin = float(face.chin[1])
    h, w = decoded.shape[:2]
    tol = 0.01  # a few pixels of JPEG and landmark noise
    assert spec.head_height.lo - tol <= (chin - crown) / h <= spec.head_height.hi + tol
    assert spec.crown_margin.lo - tol <= crown / h <= spec.crown_margin.hi + tol
    assert (h - chin) / h >= spec.chin_margin_min
    assert spec.head_width.lo <= face.face_width / w <= spec.head_width.hi
    assert abs(face.centre_x - w / 2) / w < 0.05
    assert abs(face.roll()) < 2.0
    report = build_report(ctx)["output"]
    assert (report["width"], report["height"]) == (354, 472)
    assert abs(report["head_height_ratio"] - (chin - crown) / h) < 0.02
    assert abs(report["crown_margin_ratio"] - crown / h) < 0.02


@pytest.mark.parametrize(
    ("background", "rgb"), [(None, (255, 255, 255)), ("blue", (0xD6, 0xE4, 0xF2))]
)
def test_border_is_the_spec_background(run_photo, background, rgb) -> None:
    ctx = run_photo("grace", "cn-exit-entry", background)
    decoded = cv2.imdecode(np.frombuffer(ctx.jpeg, np.uint8), cv2.IMREAD_COLOR)
    border = border_pixels(decoded)
    mean_bgr = border.mean(axis=0)
    assert np.abs(mean_bgr - np.array(rgb[::-1])).max() < 4
    assert border.std(axis=0).max() < 4


def test_no_halo_of_the_old_background_around_the_head(run_photo) -> None:
    """Pixels just outside the person are the new colour, not Grace's dark backdrop."""
    ctx = run_photo("grace", "cn-exit-entry", "#FFFFFF")
    assert ctx.alpha is not None and ctx.output is not None
    person = (ctx.alpha > 0.5).astype(np.uint8)
    ring = cv2.dilate(person, np.ones((9, 9), np.uint8)) - cv2.dilate(
        person, np.ones((3, 3), np.uint8)
    )
    top = ring.copy()
    top[ctx.output.shape[0] // 2 :] = 0  # hair and head outline, not the clothes
    values = ctx.output[top > 0].astype(float)
    # The original background is dark grey-blue (~60); a halo would pull the ring down.
    assert values.mean() > 215


SPECS = ["cn-exit-entry", "cn-id-card", "cn-social-security", "icao-35x45", "us-visa",
         "cn-1inch", "cn-2inch"]  # fmt: skip


@pytest.mark.parametrize("spec_id", SPECS)
def test_every_rule_of_the_spec_is_met_on_the_output(run_photo, models: Models, spec_id) -> None:
    """Each geometry rule of the spec's source, measured afresh on the decoded JPEG:
    head height, face width, crown and chin margins, the eye line, centring, pixels,
    dpi and file size. (A US visa photo came out with the eyes at 46-53 % where the
    rule is 56-69 %, and was called compliant.)"""
    spec = get_spec(spec_id)
    ctx = run_photo("grace", spec_id)
    decoded = cv2.imdecode(np.frombuffer(ctx.jpeg, np.uint8), cv2.IMREAD_COLOR)
    h, w = decoded.shape[:2]
    assert (w, h) == (spec.width_px, spec.height_px)
    pil = PILImage.open(io.BytesIO(ctx.jpeg))
    assert round(pil.info["dpi"][0]) == spec.dpi
    kb = len(ctx.jpeg) / 1024
    assert (spec.min_kb or 0) <= kb <= (spec.max_kb or float("inf"))
    face = models.faces.meshes(decoded)[0]
    crown = crown_on_plain_background(decoded, spec.background_bgr(None), face)
    chin = float(face.chin[1])
    tol = 0.01  # a few pixels of JPEG and landmark noise
    measured = {
        "head height": ((chin - crown) / h, spec.head_height.lo, spec.head_height.hi),
        "face width": (face.face_width / w, spec.head_width.lo, spec.head_width.hi),
        "crown margin": (crown / h, spec.crown_margin.lo, spec.crown_margin.hi),
        "chin margin": ((h - chin) / h, spec.chin_margin_min, 1.0),
        "centre": ((face.centre_x - w / 2) / w, -0.05, 0.05),
    }
    if spec.eye_height is not None:
        eyes = (h - float(face.eyes_mid[1])) / h
        measured["eye line"] = (eyes, spec.eye_height.lo, spec.eye_height.hi)
    wrong = {k: v for k, v in measured.items() if not v[1] - tol <= v[0] <= v[2] + tol}
    assert wrong == {}, wrong
    # The pipeline's own verdict on the same rules agrees.
    geometry = {"head_size", "head_width", "crown_margin", "chin_margin", "centred", "eye_height"}
    assert failed(ctx) & geometry == set()
    if spec.eye_height is not None:
        assert ctx.check("eye_height") is not None


def test_us_visa_eyes_sit_where_the_state_department_says(run_photo, models: Models) -> None:
    ctx = run_photo("grace", "us-visa")
    decoded = cv2.imdecode(np.frombuffer(ctx.jpeg, np.uint8), cv2.IMREAD_COLOR)
    eyes = 600 - float(models.faces.meshes(decoded)[0].eyes_mid[1])
    assert 1.125 / 2 * 600 <= eyes <= 1.375 / 2 * 600  # 1 1/8 to 1 3/8 in of 2 in


def test_caps_of_other_colours_on_another_head_are_refused(run_photo) -> None:
    """The astronaut has no cap: she passes the head-covering check (her fringe is her
    own hair). With a cap drawn on her head (red, white) she does not."""
    assert run_photo("astronaut").check("head_covering").passed
    for name in ("astronaut_red_cap", "astronaut_white_cap"):
        check = run_photo(name).check("head_covering")
        assert check is not None and not check.passed, name


def test_smile_with_teeth_is_not_a_closed_mouth(run_photo) -> None:
    ctx = run_photo("astronaut", "cn-exit-entry")
    mouth = ctx.check("mouth_closed")
    assert mouth is not None and not mouth.passed and mouth.value > 0.1
    assert not build_report(ctx)["compliant"]
    # Her face is small in a 512 px picture: enlarging it that much is flagged too.
    assert "resolution" in failed(ctx)
    assert ctx.output is not None and ctx.output.shape[:2] == (472, 354)


def test_closed_mouth_passes(run_photo) -> None:
    mouth = run_photo("grace").check("mouth_closed")
    assert mouth.passed and mouth.value < 0.03


@pytest.mark.parametrize(("name", "found"), [("chelsea", 0), ("camera", 0), ("two_faces", 2)])
def test_not_exactly_one_face_gives_no_photo(run_photo, name: str, found: int) -> None:
    result = run_photo(name)
    assert isinstance(result, FaceCountError)
    assert result.found == found


def test_blur_fails_sharpness(run_photo) -> None:
    ctx = run_photo("grace_blurred")
    assert "sharpness" in failed(ctx)
    assert run_photo("grace").check("sharpness").passed


def test_underexposure_fails_exposure(run_photo) -> None:
    ctx = run_photo("grace_dark")
    assert {"exposure_mean", "underexposed"} & failed(ctx)


def test_small_roll_is_straightened(run_photo, models: Models) -> None:
    ctx = run_photo("grace_roll5")
    assert abs(ctx.roll_applied) > 3
    assert ctx.check("pose_roll").passed
    face = models.faces.meshes(ctx.output)[0]
    assert abs(face.roll()) < 2.0


def test_large_roll_fails_and_is_left_alone(run_photo) -> None:
    ctx = run_photo("grace_roll16")
    roll = ctx.check("pose_roll")
    assert not roll.passed and abs(roll.value) > 12
    assert ctx.roll_applied == 0


def test_every_check_names_its_source(run_photo) -> None:
    for check in run_photo("grace").checks:
        assert check.source, check.name


def test_context_repr_carries_no_image() -> None:
    ctx = PhotoContext(image=np.full((4, 4, 3), 7, np.uint8), spec=get_spec("us-visa"))
    assert "array" not in repr(ctx) and "image=" not in repr(ctx)


def test_live_analyser_is_separate_from_still(models: Models) -> None:
    assert not models.faces.live
    analyser = FaceAnalyser(live=True, max_faces=2)
    try:
        assert analyser.live
    finally:
        analyser.close()
