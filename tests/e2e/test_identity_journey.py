"""The identity check end to end, offscreen on the simulated camera and card reader:
consent, the card, each asked action performed by a warped real portrait, the result
with its receipt; then the evidence read back from the (encrypted) outbox and judged
again by the real centre on 127.0.0.1."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
import requests

from devices.camera.sim import SimCamera
from devices.idcard.sim import SimIdCardReader, sample_card
from kiosk.config import KioskConfig
from kiosk.flows.identity import IdentityJourney, IdState, Outcome
from kiosk.identity.puppet import Performer, puppet_from
from kiosk.outbox import make_worker, setup_from
from kiosk.terminal import build_terminal
from offline_cache.wire import EVIDENCE_KIND, IdentityEvidence
from tests.e2e.qml_helpers import find_item, tap, text_of, wait_for
from tests.outbox.conftest import Central
from tests.outbox.conftest import central_factory as central_factory  # the fixture
from tests.outbox.pki import Pki, make_pki
from tests.support import make_config
from ui.app import KioskUi

pytestmark = [pytest.mark.xdist_group("identity"), pytest.mark.daemon]


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return make_pki(tmp_path / "pki")


@pytest.fixture
def centre(central_factory: Callable[..., Central], pki: Pki) -> Central:
    """The real centre, mutual TLS with certificates from ``kiosk-central gen-certs``."""
    c = central_factory(*pki.server_args())
    c.verify = pki.ca
    return c


@pytest.fixture
def identity_config(tmp_path: Path, centre: Central, pki: Pki) -> KioskConfig:
    cert, key = pki.terminal("T01")
    config = make_config(
        tmp_path / "data",
        f"""
[central]
url = "{centre.url}"
ca_file = "{pki.ca}"
client_cert = "{cert}"
client_key = "{key}"
heartbeat_s = 5
""",
    )
    # A small camera: the warped portrait stays crisp where the analysis looks.
    devices = config.devices.model_copy(update={"camera": "sim://?w=640&h=360&fps=15"})
    return config.model_copy(update={"devices": devices})


@pytest.fixture
def ui(qapp: object, identity_config: KioskConfig) -> Iterator[KioskUi]:
    kiosk = KioskUi(build_terminal(identity_config))
    kiosk.window.resize(1920, 1080)
    kiosk.window.show()
    yield kiosk
    kiosk.close()


def chip_of(image: np.ndarray) -> bytes:
    """The portrait as a card chip holds it: 102 x 126 JPEG around the face."""
    h, w = image.shape[:2]
    # The simulated camera's portrait fills the frame's height: take the head.
    crop = image[int(h * 0.05) : int(h * 0.6), int(w * 0.38) : int(w * 0.62)]
    ok, buf = cv2.imencode(".jpg", cv2.resize(crop, (102, 126), interpolation=cv2.INTER_AREA))
    assert ok
    return buf.tobytes()


def shots(tmp_path: Path) -> Path:
    path = Path(os.environ.get("IDENTITY_SHOTS", tmp_path))
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_identity_journey_end_to_end(
    ui: KioskUi, tmp_path: Path, centre: Central, pki: Pki
) -> None:
    w = ui.window
    out = shots(tmp_path)
    camera, reader = ui.terminal.camera, ui.terminal.id_card
    assert isinstance(camera, SimCamera) and isinstance(reader, SimIdCardReader)
    performer = Performer(puppet_from(camera.render(0)), seconds=1.5)
    camera.play(performer)
    # Keep the evidence on the terminal until the test has read it back.
    assert ui.terminal.sync is not None
    ui.terminal.sync.stop()
    reader.remove()

    tap(w, "startButton")
    tap(w, "journey_identity")
    assert wait_for(lambda: find_item(w, "identityConsentScreen") is not None)
    consent = text_of(w, "consentText")
    assert "不是经认证的防伪攻击检测设备" in consent and "人工窗口" in consent
    assert "30 天" in consent
    ui.grab(out / "identity-01-consent.png")
    tap(w, "consentAgree")
    assert wait_for(lambda: find_item(w, "identityDocumentScreen") is not None)
    ui.grab(out / "identity-02-document.png")

    card = sample_card()
    card.photo = chip_of(camera.render(0))
    card.photo_format = "jpeg"
    reader.insert(card)
    j = ui.controller.journey
    assert isinstance(j, IdentityJourney)
    assert wait_for(lambda: j.state is not IdState.DOCUMENT, timeout_s=10)
    assert j.reference is not None and j.reference.source == "card_photo"

    performed: list[str] = []
    # Models load on the first frame; each action is then performed when it is asked.
    deadline_s = 120
    while j.state in (IdState.LOOK, IdState.ACTING, IdState.RETRY):
        assert (
            wait_for(
                lambda: j.state is not IdState.LOOK or j.current_try is None, timeout_s=deadline_s
            )
            or j.state is IdState.LOOK
        )
        action = j.current_action
        if (
            j.state is IdState.ACTING
            and action is not None
            and (not performed or performed[-1] != f"{len(j.tries)}:{j.step_number}")
        ):
            assert text_of(w, "identityStep") == f"动作 {j.step_number} / 3"
            performer.perform(action)  # (no screenshot here: it would stall the UI thread)
            performed.append(f"{len(j.tries)}:{j.step_number}")
        wait_for(lambda: False, timeout_s=0.1)
        deadline_s = 30
    assert wait_for(lambda: j.state is IdState.RESULT, timeout_s=60), j.state
    # On a loaded machine a try can run out of time; the next one asks other actions.
    assert j.failures < 3, j.last_failure
    assert len(performed) >= 3
    assert j.outcome is Outcome.VERIFIED, j.reason
    assert wait_for(lambda: find_item(w, "identityResultScreen") is not None)
    assert text_of(w, "identityHeadline") == "核验通过：是本人"
    receipt = text_of(w, "identityReceipt")
    assert receipt == j.receipt and receipt.startswith("T01-")
    assert find_item(w, "identityReceiptQr") is not None
    ui.grab(out / "identity-04-result.png")

    # The evidence, read back from the outbox: sealed on disk, complete in memory.
    outbox = ui.terminal.outbox
    items = [i for i in outbox.next_batch(50) if i.kind == EVIDENCE_KIND]
    assert len(items) == 1
    record = IdentityEvidence.model_validate(items[0].record)
    assert record.receipt == receipt and record.decision == "verified"
    assert record.binding.alg == "ecdsa-sha256"
    asked = [a.value for a in j.tries[-1].challenges.actions]
    assert [s.action for s in record.tries[-1].steps] == asked
    assert all(len(s.series) >= 2 for s in record.tries[-1].steps)
    assert len(record.tries) == j.failures + 1
    assert record.best_frame is not None and record.best_frame.eye_px > 30
    assert record.match.threshold == 0.42 and (record.match.score or 0) >= 0.42
    frame = base64.b64decode(record.best_frame.jpeg_b64)
    raw = b"".join(p.read_bytes() for p in (outbox.dir).rglob("*") if p.is_file())
    assert frame[:64] not in raw  # the face is not on disk in the clear

    # Done: the session ends and the face is forgotten.
    tap(w, "identityDone")
    assert wait_for(lambda: ui.controller.journey is None)
    assert j.tries == [] and j.reference is None and j.document is None

    # The centre judges the same record on its own.
    worker = make_worker(setup_from(ui.terminal.config), outbox)
    report = worker.drain(give_up_after=3)
    assert report.acknowledged == 1, report
    staff = centre.staff_session()
    anonymous = requests.Session()
    anonymous.trust_env, anonymous.verify = False, pki.ca
    assert anonymous.get(f"{centre.url}/v1/identity/checks", timeout=60).status_code == 401
    answer = staff.get(f"{centre.url}/v1/identity/checks", timeout=60)
    assert answer.status_code == 200, answer.text
    checks = answer.json()["checks"]
    assert len(checks) == 1
    check = checks[0]
    assert check["receipt"] == receipt
    assert check["state"] == "verified", check["reasons"]
    assert check["centre_live"] is True and check["binding"] == "bound"
    assert check["centre_score"] >= 0.42


def test_a_card_left_on_the_reader_is_never_read(qapp: object, tmp_path: Path) -> None:
    """Issue 13 item 5's sibling: citizen A's card left on the reader is not read for
    citizen B; B is asked to take it away, and B's own card is read once placed."""
    kiosk = KioskUi(build_terminal(make_config(tmp_path / "data")))
    kiosk.window.resize(1920, 1080)
    kiosk.window.show()
    try:
        w = kiosk.window
        reader = kiosk.terminal.id_card
        assert isinstance(reader, SimIdCardReader)
        left = sample_card()
        left.name = "甲某某"
        reader.insert(left)  # before this citizen's session: A walked away without it
        tap(w, "startButton")
        tap(w, "journey_identity")
        tap(w, "consentAgree")
        assert wait_for(lambda: find_item(w, "identityDocumentScreen") is not None)
        assert wait_for(lambda: "请先拿走" in text_of(w, "placeDocumentText"))
        j = kiosk.controller.journey
        assert isinstance(j, IdentityJourney)
        assert not wait_for(lambda: j.document is not None, timeout_s=1.5)  # nothing read
        assert j.state is IdState.DOCUMENT
        reader.remove()
        assert wait_for(lambda: text_of(w, "placeDocumentText") == "请将身份证放在读卡区")
        mine = sample_card()
        mine.name = "乙某某"
        reader.insert(mine)
        assert wait_for(lambda: j.document is not None, timeout_s=10)
        assert j.document is not None and j.document.name == "乙某某"
    finally:
        kiosk.close()
