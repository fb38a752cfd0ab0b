"""The live check's rules on measurement series (no camera, no model): restarts on a
second or lost face, each action's own window, direction, no "either way"; the centre's
own reading of the same numbers; and the parsers fed with anything."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from central.identity.liveness import judge_try
from kiosk.identity.challenges import (
    INSTRUCTIONS,
    WINDOW_S,
    Action,
    ChallengeError,
    draw_challenges,
    parse_challenges,
)
from kiosk.identity.liveness import FailReason, LivenessSession, LiveState, Observation, Restart
from kiosk.identity.measure import Measurement
from offline_cache.wire import IdentityEvidence, TryRecord

A = Action
STEP = 66  # ms between frames (15 fps)


def m(t: int, faces: int = 1, ear: float = 0.3, mouth: float = 0.02, yaw: float = 0.0,
      pitch: float = 0.0) -> Observation:  # fmt: skip
    return Observation(Measurement(t, faces, ear, mouth, yaw, pitch, 120, 0.5, 0.4, 0.2))


class Script:
    """Feeds a session frame by frame on a 15 fps clock."""

    def __init__(self, *actions: Action) -> None:
        self.s = LivenessSession(actions)
        self.t = 0

    def hold(self, frames: int, **pose: float) -> LiveState:
        for _ in range(frames):
            self.s.feed(m(self.t, **pose))  # type: ignore[arg-type]
            self.t += STEP
        return self.s.state

    def neutral(self, frames: int = 6) -> LiveState:
        return self.hold(frames)


def test_every_action_in_order_passes_with_its_time() -> None:
    sc = Script(A.BLINK, A.TURN_LEFT, A.NOD, A.OPEN_MOUTH, A.TURN_RIGHT)
    sc.neutral()
    assert sc.s.state is LiveState.ACTING and sc.s.current is not None
    sc.hold(3, ear=0.08)
    sc.neutral(3)
    sc.hold(4, yaw=25)
    sc.neutral(4)
    sc.hold(4, pitch=15)
    sc.neutral(4)
    sc.hold(3, mouth=0.4)
    sc.neutral(4)
    assert sc.hold(3, yaw=-25) is LiveState.PASSED
    times = [s.at_ms for s in sc.s.steps]
    assert all(t is not None for t in times) and times == sorted(times)


def test_a_turn_the_other_way_fails_the_step() -> None:
    sc = Script(A.TURN_LEFT)
    sc.neutral()
    assert sc.hold(3, yaw=-25) is LiveState.FAILED
    assert sc.s.fail_reason is FailReason.WRONG_ACTION and sc.s.steps[0].wrong == "turn_right"


def test_a_nod_upwards_is_not_a_nod() -> None:
    sc = Script(A.NOD)
    sc.neutral()
    assert sc.hold(3, pitch=-20) is LiveState.FAILED
    assert sc.s.fail_reason is FailReason.WRONG_ACTION


def test_blinking_during_a_turn_is_allowed() -> None:
    sc = Script(A.TURN_RIGHT)
    sc.neutral()
    sc.hold(2, ear=0.05)
    sc.neutral(2)
    assert sc.hold(3, yaw=-25) is LiveState.PASSED


def test_each_action_has_its_own_window() -> None:
    sc = Script(A.OPEN_MOUTH)
    sc.neutral()
    frames = int(WINDOW_S[A.OPEN_MOUTH] * 1000 / STEP) + 2
    assert sc.neutral(frames) is LiveState.FAILED
    assert sc.s.fail_reason is FailReason.TIMEOUT


def test_a_second_face_or_a_lost_face_restarts_the_step() -> None:
    sc = Script(A.BLINK)
    sc.neutral()
    sc.neutral(int(4 * 1000 / STEP))  # most of the blink window gone
    sc.hold(1, faces=2)
    assert sc.s.last_restart is Restart.SECOND_FACE
    sc.neutral(int(3 * 1000 / STEP))  # the window started again: still in time
    assert sc.s.state is LiveState.ACTING
    sc.hold(8, faces=0)  # gone for half a second
    sc.neutral(2)
    assert sc.s.last_restart is Restart.FACE_LOST
    sc.hold(2, ear=0.08)
    assert sc.neutral(2) is LiveState.PASSED
    assert [r["why"] for r in sc.s.steps[0].restarts] == ["second_face", "face_lost"]


def test_restarting_forever_fails_the_try() -> None:
    sc = Script(A.BLINK)
    sc.neutral()
    for _ in range(10):
        sc.hold(1, faces=2)
        sc.neutral(1)
    assert sc.s.fail_reason is FailReason.UNSTEADY


def test_another_person_ends_the_check() -> None:
    sc = Script(A.BLINK)
    sc.neutral()
    sc.s.feed(Observation(m(sc.t).m, similarity=0.1))
    assert sc.s.state is LiveState.ACTING  # one low comparison can be a blurred frame
    sc.s.feed(Observation(m(sc.t + STEP).m, similarity=0.12))
    assert sc.s.fail_reason is FailReason.SWAPPED


def test_never_a_face_is_no_face() -> None:
    sc = Script(A.BLINK)
    sc.hold(20, faces=0)
    sc.s.end_of_clip()
    assert sc.s.fail_reason is FailReason.NO_FACE


def test_draws_are_distinct_random_and_named_in_both_languages() -> None:
    seen = {draw_challenges(3).actions for _ in range(200)}
    assert len(seen) > 20
    for actions in seen:
        assert len(set(actions)) == 3
    for a in A:
        assert INSTRUCTIONS[a].zh and INSTRUCTIONS[a].en
    assert "左" in INSTRUCTIONS[A.TURN_LEFT].zh and "left" in INSTRUCTIONS[A.TURN_LEFT].en
    assert len(draw_challenges().nonce) == 32


def _try_record(session: LivenessSession, passed: bool) -> TryRecord:
    return TryRecord.model_validate(
        {
            "nonce": "0" * 32,
            "actions": [a.value for a in session.actions],
            "issued_at": 1.0,
            "completed_at": 2.0,
            "passed": passed,
            **session.series(),
        }
    )


def test_the_centre_reads_the_same_series_its_own_way() -> None:
    sc = Script(A.NOD, A.TURN_LEFT)
    sc.neutral()
    sc.hold(4, pitch=15)
    sc.neutral(4)
    sc.hold(4, yaw=25)
    assert sc.s.state is LiveState.PASSED
    assert judge_try(_try_record(sc.s, True)).live
    # The same numbers claimed for the opposite direction are not live at the centre.
    swapped = _try_record(sc.s, True)
    swapped.steps[1].action = "turn_right"
    swapped.actions[1] = "turn_right"
    verdict = judge_try(swapped)
    assert not verdict.live and any("turn_left seen instead" in r for r in verdict.reasons)


@given(st.text(max_size=60))
def test_challenge_lists_parse_or_fail_with_a_reason(text: str) -> None:
    try:
        actions = parse_challenges(text)
    except ChallengeError as exc:
        assert exc.problem
        return
    assert 1 <= len(actions) == len(set(actions)) <= len(A)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from(list(IdentityEvidence.model_fields)), JSONISH))
def test_evidence_records_of_any_shape_are_refused_cleanly(data: dict) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        IdentityEvidence.model_validate(data)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.floats(-1e6, 1e6), min_size=0, max_size=8), max_size=30))
def test_the_centre_judges_any_series_without_crashing(rows: list[list[float]]) -> None:
    t = TryRecord.model_validate(
        {
            "nonce": "0" * 32,
            "actions": ["blink"],
            "issued_at": 1.0,
            "completed_at": 2.0,
            "passed": True,
            "baseline_series": rows,
            "steps": [
                {
                    "action": "blink",
                    "window_ms": 5000,
                    "started_ms": 0,
                    "outcome": "passed",
                    "series": rows,
                }
            ],
        }
    )
    verdict = judge_try(t)
    assert verdict.live in (True, False)
    assert verdict.live or verdict.reasons


def test_the_centre_refuses_a_nod_that_starts_upwards() -> None:
    sc = Script(A.NOD)
    sc.neutral(7)
    sc.hold(4, pitch=15)
    sc.neutral(4)
    assert sc.s.state is LiveState.PASSED
    record = _try_record(sc.s, True)
    assert judge_try(record).live
    rows = record.steps[0].series
    first = rows[0]
    assert abs(first[5]) < 1  # the step starts level
    up = [[first[0] + 10 * k, 1, first[2], first[3], first[4], -25.0] for k in (1, 2)]
    record.steps[0].series = [first, *up, *rows[1:]]
    verdict = judge_try(record)
    assert not verdict.live and any("nod_up" in r for r in verdict.reasons)


def test_passport_details_typed_by_the_citizen_are_checked_field_by_field() -> None:
    from kiosk.identity.document import MrzInputError, access_from_typed

    access = access_from_typed(" e1234567 ", "900307", "300101")
    assert access.document_number == "E1234567" and access.birth_date == "900307"
    for args, field in (
        (("E12345678X", "900307", "300101"), "document_number"),
        (("E1234567", "9003", "300101"), "birth_date"),
        (("E1234567", "900307", "301301"), "expiry_date"),
    ):
        with pytest.raises(MrzInputError) as err:
            access_from_typed(*args)
        assert err.value.field == field
