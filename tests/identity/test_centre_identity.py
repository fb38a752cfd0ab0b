"""The centre's own judgement, against the real centre (mutual TLS, certificates from
``kiosk-central gen-certs``): a genuine record is verified; a replayed, moved, tampered
or motionless one is not; unsigned and reference-less ones wait for a reviewer, and a
reference registered later settles them. Reviewers are staff of the hall or admins."""

from __future__ import annotations

import base64
import copy
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import pytest
import requests

from kiosk.flows.identity import CheckRecord, Outcome
from kiosk.identity.analyser import FrameAnalyser
from kiosk.identity.challenges import Action, new_nonce
from kiosk.identity.document import Reference
from kiosk.identity.evidence import TerminalSigner, seal_record
from kiosk.identity.liveness import LivenessSession
from kiosk.identity.matcher import FaceMatcher, MatchResult
from kiosk.identity.outbox_recorder import evidence_record
from offline_cache.wire import EVIDENCE_KIND, number_hash
from tests.identity.conftest import Clip
from tests.identity.faces import chip_photo, load
from tests.outbox.conftest import Central, add_staff
from tests.outbox.conftest import central_factory as central_factory  # the fixture
from tests.outbox.pki import HALL_A, HALL_B, Pki, make_pki, terminal_session

pytestmark = pytest.mark.daemon
A = Action
ID_NUMBER = "420103199003070017"


@pytest.fixture(scope="module")
def acted_try(clip: Callable[..., Clip], matcher: FaceMatcher) -> dict[str, Any]:
    """One real try (series and best frame) of person_b_1 blinking, nodding, turning."""
    actions = (A.BLINK, A.NOD, A.TURN_RIGHT)
    session = LivenessSession(actions)
    analyser = FrameAnalyser(matcher)
    for image, t_ms in clip("person_b_1", *actions):
        session.feed(analyser.analyse(image, t_ms))
    session.end_of_clip()
    best = analyser.best_frame()
    assert session.fail_reason is None and best is not None
    h, w = best.image.shape[:2]
    out = {"actions": actions, "series": session.series(), "best": (best.jpeg(), best.eye_px, w, h)}
    analyser.close()
    return out


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def centre(central_factory: Callable[..., Central], pki: Pki) -> Central:
    c = central_factory(*pki.server_args())
    c.verify = pki.ca
    return c


def record(acted: dict[str, Any], faces: dict, pki: Pki, *, terminal: str = "T01",
           source: str = "card_photo", signed: bool = True, decision: str = "verified",
           matcher: FaceMatcher | None = None) -> dict[str, Any]:  # fmt: skip
    """An evidence record as the terminal's outbox holds it, fresh nonce and check id."""
    chip = chip_photo(load(faces["person_b_2"]), matcher) if matcher else b""
    _ok, buf = cv2.imencode(".jpg", chip) if matcher else (True, b"")
    ref = Reference(source, "resident_id", number_hash("resident_id", ID_NUMBER),
                    jpeg=buf.tobytes() if source != "centre" else b"")  # fmt: skip
    now = time.time()
    check = CheckRecord(
        check_id=uuid.uuid4().hex,
        reference=ref,
        consent={
            "given": True,
            "at": now - 60,
            "language": "zh_CN",
            "wording": "…",
            "retention_days": 30,
        },
        tries=[
            {
                "nonce": new_nonce(),
                "actions": [a.value for a in acted["actions"]],
                "issued_at": now - 50,
                "completed_at": now - 40,
                "passed": True,
                "fail_reason": "",
                **copy.deepcopy(acted["series"]),
            }
        ],
        best_frame=acted["best"],
        model_id="opencv-zoo/face_recognition_sface_2021dec_int8bq",
        model_sha256="fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
        threshold=0.42,
        match=MatchResult(0.7, 0.42) if source != "centre" else None,
        outcome=Outcome(decision),
        reason="",
        issued_at=now - 50,
    )
    cert, key = pki.terminal(terminal)
    signer = TerminalSigner.from_files(Path(cert), Path(key)) if signed else None
    return seal_record(evidence_record(check, f"{terminal}-20260101-ABCDE0", terminal), signer)


def submit(centre: Central, pki: Pki, terminal: str, rec: dict[str, Any]) -> None:
    s = terminal_session(centre, pki, terminal)
    body = {"terminal_id": terminal, "kind": EVIDENCE_KIND, "created_at": time.time(),
            "record": rec}  # fmt: skip
    r = s.post(f"{centre.url}/v1/submissions", json=body,
               headers={"Idempotency-Key": uuid.uuid4().hex}, timeout=60)  # fmt: skip
    assert r.status_code == 200, r.text


def checks(centre: Central, token: str | None = None, state: str | None = None) -> list[dict]:
    r = centre.staff_session(token).get(
        f"{centre.url}/v1/identity/checks", params={"state": state} if state else None, timeout=120
    )
    assert r.status_code == 200, r.text
    return list(r.json()["checks"])


def by_id(centre: Central, rec: dict[str, Any]) -> dict[str, Any]:
    found = [c for c in checks(centre) if c["check_id"] == rec["check_id"]]
    assert len(found) == 1
    return found[0]


def test_genuine_replayed_moved_tampered_and_motionless_records(
    centre: Central, pki: Pki, acted_try: dict, faces: dict, matcher: FaceMatcher
) -> None:
    good = record(acted_try, faces, pki, matcher=matcher)
    submit(centre, pki, "T01", good)
    c = by_id(centre, good)
    assert c["state"] == "verified", c["reasons"]
    assert c["binding"] == "bound" and c["centre_live"] is True
    assert c["centre_score"] >= 0.42 and c["threshold"] == 0.42
    assert c["hall_id"] == HALL_A

    # The same record again, under a new key: a replay, not a second check.
    submit(centre, pki, "T01", good)
    assert by_id(centre, good)["replays"] == 1
    assert len(checks(centre)) == 1

    # T01's record sent by T02: signed by another terminal.
    moved = record(acted_try, faces, pki, matcher=matcher)
    submit(centre, pki, "T02", {**moved})
    c = by_id(centre, moved)
    assert c["state"] == "rejected"
    assert any("sent by T02" in r for r in c["reasons"])

    # A better score written into a signed record: the signature no longer matches.
    tampered = record(acted_try, faces, pki, matcher=matcher)
    tampered["match"]["score"] = 0.99
    submit(centre, pki, "T01", tampered)
    c = by_id(centre, tampered)
    assert c["state"] == "rejected"
    assert any("signature does not match" in r for r in c["reasons"])

    # A signed record whose series shows no movement: the terminal says verified,
    # the centre does not agree, so a person decides.
    still = copy.deepcopy(acted_try)
    for step in still["series"]["steps"]:
        for row in step["series"]:
            row[2:] = still["series"]["baseline_series"][0][2:]
    motionless = record(still, faces, pki, matcher=matcher)
    submit(centre, pki, "T01", motionless)
    c = by_id(centre, motionless)
    assert c["state"] == "review" and c["centre_live"] is False
    assert any(r.startswith("liveness:") for r in c["reasons"])


def test_review_queue_reference_port_and_staff_rights(
    centre: Central, pki: Pki, acted_try: dict, faces: dict, matcher: FaceMatcher
) -> None:
    url = centre.url
    counter_b = add_staff(centre.db, "counter-b", "counter", HALL_B)
    counter_a = add_staff(centre.db, "counter-a", "counter", HALL_A)
    # No local reference (an ID card without a photo decoder): the centre's reference.
    waiting = record(acted_try, faces, pki, source="centre", decision="review")
    submit(centre, pki, "T01", waiting)
    unsigned = record(acted_try, faces, pki, signed=False, matcher=matcher)
    submit(centre, pki, "T01", unsigned)
    queue = {c["check_id"]: c for c in checks(centre, counter_a, "review")}
    assert set(queue) == {waiting["check_id"], unsigned["check_id"]}
    assert any("no reference photo" in r for r in queue[waiting["check_id"]]["reasons"])
    assert queue[unsigned["check_id"]]["binding"] == "unsigned"
    # Another hall's counter staff see none of it, and cannot decide it.
    assert checks(centre, counter_b) == []
    r = centre.staff_session(counter_b).post(
        f"{url}/v1/identity/checks/{unsigned['check_id']}/decision",
        json={"decision": "verified"}, timeout=60,
    )  # fmt: skip
    assert r.status_code == 404
    anonymous = requests.Session()
    anonymous.trust_env, anonymous.verify = False, pki.ca
    assert anonymous.get(f"{url}/v1/identity/checks", timeout=60).status_code == 401

    # A reviewer of the hall decides the unsigned one; deciding twice is refused.
    r = centre.staff_session(counter_a).post(
        f"{url}/v1/identity/checks/{unsigned['check_id']}/decision",
        json={"decision": "verified", "note": "original ID card seen"}, timeout=60,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "decided" and r.json()["reviewer"] == "counter-a"
    again = centre.staff_session(counter_a).post(
        f"{url}/v1/identity/checks/{unsigned['check_id']}/decision",
        json={"decision": "not_verified"}, timeout=60,
    )  # fmt: skip
    assert again.status_code == 409

    # Only an admin registers a reference photo; the waiting check is then matched.
    photo = base64.b64encode(load_bytes(faces["person_b_2"])).decode()
    body = {"document_type": "resident_id", "id_number": ID_NUMBER, "photo_jpeg_b64": photo}
    denied = centre.staff_session(counter_a).post(f"{url}/v1/identity/reference", json=body)
    assert denied.status_code == 403
    done = centre.staff_session().post(f"{url}/v1/identity/reference", json=body, timeout=120)
    assert done.status_code == 200, done.text
    assert done.json()["number_hash"] == number_hash("resident_id", ID_NUMBER)
    c = by_id(centre, waiting)
    assert c["state"] == "verified", c["reasons"]
    assert c["centre_score"] >= 0.42
    # A photo without a face is refused with a reason.
    cat = base64.b64encode(cv2.imencode(".jpg", load(faces["obama"])[:40, :40])[1]).decode()
    bad = centre.staff_session().post(f"{url}/v1/identity/reference",
                                      json={**body, "photo_jpeg_b64": cat}, timeout=60)  # fmt: skip
    assert bad.status_code == 422 and "no face" in bad.text


def load_bytes(path: Path) -> bytes:
    return path.read_bytes()
