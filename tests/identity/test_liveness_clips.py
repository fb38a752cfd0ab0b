"""Liveness on clips made from real portraits: the face mesh is warped (eyelids shut, jaw
dropped, head turned or nodded) and every action must be seen, in order, in its direction.
A replayed still, a wrong order, a wrong direction, two faces and a face swap all fail."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from kiosk.identity.challenges import Action
from kiosk.identity.clip import check_clip
from kiosk.identity.liveness import FailReason, Restart
from kiosk.identity.matcher import FaceMatcher
from kiosk.identity.verdict import Verdict
from tests.identity.conftest import FPS, Clip
from tests.identity.faces import letterbox, load

A = Action
THRESHOLD = 0.42


def run(frames: Clip, actions: tuple[Action, ...], reference: np.ndarray | None,
        matcher: FaceMatcher):  # type: ignore[no-untyped-def]  # fmt: skip
    return check_clip(iter(frames), actions, reference, THRESHOLD, matcher)


@pytest.mark.parametrize(
    "actions",
    [
        (A.BLINK, A.OPEN_MOUTH, A.TURN_LEFT),
        (A.TURN_RIGHT, A.NOD, A.BLINK),
    ],
    ids=lambda a: "-".join(x.value for x in a),
)
def test_each_action_is_seen_in_order_and_the_person_verified(
    actions: tuple[Action, ...], clip: Callable[..., Clip], faces: dict, matcher: FaceMatcher
) -> None:
    result = run(clip("person_b_1", *actions), actions, load(faces["person_b_2"]), matcher)
    assert result.verdict is Verdict.VERIFIED, result.as_json()
    assert [c["name"] for c in result.challenges] == [a.value for a in actions]
    assert all(c["passed"] for c in result.challenges)
    times = [c["at_ms"] for c in result.challenges]
    assert times == sorted(times) and times[0] > 0
    assert result.match is not None and result.match.score >= THRESHOLD
    assert result.faces_seen == 1


def test_turns_are_told_apart_by_direction(clip: Callable[..., Clip], matcher: FaceMatcher) -> None:
    """turn_left = the citizen's own left: the nose moves to the image's right edge."""
    frames = clip("person_a_2", A.TURN_LEFT, A.TURN_RIGHT)
    ok = run(frames, (A.TURN_LEFT, A.TURN_RIGHT), None, matcher)
    assert ok.live, ok.as_json()
    swapped = run(frames, (A.TURN_RIGHT, A.TURN_LEFT), None, matcher)
    assert swapped.verdict is Verdict.NOT_LIVE
    assert swapped.reason == FailReason.WRONG_ACTION
    assert not swapped.challenges[0]["passed"]
    # The same clip mirrored is the other direction.
    mirrored = [(np.ascontiguousarray(f[:, ::-1]), t) for f, t in frames]
    assert run(mirrored, (A.TURN_RIGHT, A.TURN_LEFT), None, matcher).live


def test_the_person_is_not_verified_against_someone_elses_photo(
    clip: Callable[..., Clip], faces: dict, matcher: FaceMatcher
) -> None:
    actions = (A.BLINK, A.OPEN_MOUTH, A.TURN_LEFT)
    result = run(clip("person_b_1", *actions), actions, load(faces["impostor_2"]), matcher)
    assert result.live
    assert result.verdict is Verdict.NOT_SAME_PERSON
    assert result.match is not None and result.match.score < THRESHOLD


def test_actions_in_another_order_do_not_count(
    clip: Callable[..., Clip], matcher: FaceMatcher
) -> None:
    frames = clip("person_b_1", A.BLINK, A.OPEN_MOUTH, A.TURN_LEFT)
    result = run(frames, (A.OPEN_MOUTH, A.BLINK, A.TURN_LEFT), None, matcher)
    assert result.verdict is Verdict.NOT_LIVE
    assert [c["passed"] for c in result.challenges] != [True, True, True]


def test_a_still_photo_is_not_live_however_it_moves(faces: dict, matcher: FaceMatcher) -> None:
    """A printed photo held up: shifted, rotated, scaled and tilted a little each frame."""
    still = letterbox(load(faces["person_b_1"]))
    h, w = still.shape[:2]
    rng = np.random.default_rng(7)
    frames: Clip = []
    for n in range(int(5 * FPS)):
        angle, scale = rng.uniform(-4, 4), rng.uniform(0.95, 1.05)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
        m[0, 1] += rng.uniform(-0.08, 0.08)  # the card bent or tilted: a shear
        m[:, 2] += rng.uniform(-8, 8, 2)
        frame = cv2.warpAffine(still, m, (w, h), borderValue=(200, 200, 200))
        frames.append((np.asarray(frame, np.uint8), round(n * 1000 / FPS)))
    actions = (A.BLINK, A.TURN_LEFT, A.NOD)
    result = run(frames, actions, load(faces["person_b_2"]), matcher)
    assert result.verdict is Verdict.NOT_LIVE
    assert result.reason == FailReason.TIMEOUT
    assert not any(c["passed"] for c in result.challenges)
    assert result.match is None


def test_two_faces_in_front_of_the_camera_never_start(
    clip: Callable[..., Clip], faces: dict, matcher: FaceMatcher
) -> None:
    other = cv2.resize(load(faces["impostor_2"]), (120, 145))
    frames = []
    for f, t in clip("person_b_1", A.BLINK, A.OPEN_MOUTH):
        f = f.copy()
        f[200:345, 500:620] = other
        frames.append((f, t))
    result = run(frames, (A.BLINK, A.OPEN_MOUTH), None, matcher)
    assert result.verdict is Verdict.NOT_LIVE
    assert result.faces_seen == 2


def test_a_second_face_mid_step_restarts_the_step(
    clip: Callable[..., Clip], faces: dict, matcher: FaceMatcher
) -> None:
    other = cv2.resize(load(faces["impostor_2"]), (120, 145))
    frames = []
    for n, (f, t) in enumerate(clip("person_b_1", "rest", A.BLINK)):
        if 8 <= n < 12:  # someone looks over the shoulder for a third of a second
            f = f.copy()
            f[200:345, 500:620] = other
        frames.append((f, t))
    from kiosk.identity.analyser import FrameAnalyser
    from kiosk.identity.liveness import LivenessSession

    session = LivenessSession((A.BLINK,))
    analyser = FrameAnalyser(matcher)
    for f, t in frames:
        session.feed(analyser.analyse(f, t))
    analyser.close()
    assert session.steps[0].restarts and session.steps[0].restarts[0]["why"] == Restart.SECOND_FACE
    assert session.steps[0].passed  # the blink after the restart counts


def test_a_face_swapped_mid_clip_fails(clip: Callable[..., Clip], matcher: FaceMatcher) -> None:
    first = clip("person_b_1", A.BLINK, "rest", "rest")
    second = clip("impostor_2", A.BLINK, "rest", "rest")
    cut = len(first) // 2
    frames = first[:cut] + [(f, t) for f, t in second[cut:]]
    result = run(frames, (A.BLINK, A.TURN_LEFT), None, matcher)
    assert result.verdict is Verdict.NOT_LIVE
    assert result.reason == FailReason.SWAPPED
