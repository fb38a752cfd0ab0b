"""View-models of the identity check's screens (kiosk/flows/identity.py decides)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Property, Signal, Slot

from kiosk.flows.identity import IdentityJourney, IdState, Outcome
from kiosk.identity.liveness import FailReason, Restart
from ui.qr import qr_url
from ui.viewmodels.base import ScreenViewModel


class _IdentityViewModel(ScreenViewModel):
    def journey(self) -> IdentityJourney | None:
        return self._c.journey_as(IdentityJourney)

    def _act(self, verb: str, *args: object) -> None:
        j = self.journey()
        if j is not None:
            getattr(j, verb)(*args, self.now())
            self._c.acted(self.now())


class IdentityConsentViewModel(_IdentityViewModel):
    changed = Signal()

    def _text(self) -> str:
        j = self.journey()
        if j is None:
            return ""
        zh, en = j.consent_text()
        return self.pick(zh, en)

    text = Property(str, _text, notify=changed)

    @Slot()
    def agree(self) -> None:
        self._act("agree")

    @Slot()
    def decline(self) -> None:
        self._act("decline")

    @Slot()
    def back(self) -> None:
        self._c.back(self.now())


class IdentityCounterViewModel(_IdentityViewModel):
    """Consent declined: the counter route, explained."""

    changed = Signal()
    countdownChanged = Signal()

    secondsLeft = Property(int, ScreenViewModel.seconds_left, notify=countdownChanged)

    @Slot()
    def done(self) -> None:
        self._c.finish(self.now())


class IdentityDocumentViewModel(_IdentityViewModel):
    changed = Signal()

    def _passport(self) -> bool:
        j = self.journey()
        return j is not None and j.access is not None

    passportMode = Property(bool, _passport, notify=changed)

    def _step(self) -> str:
        j = self.journey()
        return j.card_step.value if j is not None else "place"

    # place, lift_first (a card lay there before we asked), reading, place_again
    step = Property(str, _step, notify=changed)

    @Slot()
    def passport(self) -> None:
        self._act("passport")

    @Slot()
    def back(self) -> None:
        j = self.journey()
        if j is not None and j.back(self.now()):
            self._c.acted(self.now())


class IdentityMrzViewModel(_IdentityViewModel):
    changed = Signal()

    def _problem(self) -> str:
        j = self.journey()
        return j.mrz_problem if j is not None else ""

    problem = Property(str, _problem, notify=changed)

    @Slot(str, str, str, result=bool)
    def submit(self, number: str, birth: str, expiry: str) -> bool:
        j = self.journey()
        if j is None:
            return False
        ok = j.enter_mrz(number, birth, expiry, self.now())
        self._c.acted(self.now())
        return ok

    @Slot()
    def back(self) -> None:
        j = self.journey()
        if j is not None and j.back(self.now()):
            self._c.acted(self.now())


_FAILURE_NOTE = {
    FailReason.TIMEOUT: ("没有看到要求的动作", "The action was not seen in time"),
    FailReason.WRONG_ACTION: ("做了另一个动作", "Another action was made"),
    FailReason.UNSTEADY: ("人脸时有时无", "The face kept leaving the picture"),
    FailReason.NO_FACE: ("没有看到人脸", "No face was seen"),
    FailReason.SWAPPED: ("换了另一个人", "Another person took over"),
}


class IdentityLiveViewModel(_IdentityViewModel):
    """The camera, one instruction, the step (1/3) and its seconds left."""

    changed = Signal()
    frameChanged = Signal()

    _shown: tuple[object, ...] = ()

    def latest_frame(self) -> np.ndarray | None:
        j = self.journey()
        if j is None:
            return None
        frame = j.frame or j._s.camera.latest()
        return frame.image if frame is not None else None

    def _frame_source(self) -> str:
        j = self.journey()
        seq = j.frame.seq if j is not None and j.frame is not None else 0
        return f"image://idcamera/{seq}"

    def _state(self) -> str:
        j = self.journey()
        return j.state.name.lower() if j is not None else ""

    def _action(self) -> str:
        j = self.journey()
        a = j.current_action if j is not None else None
        return a.value if a is not None and j is not None and j.state is IdState.ACTING else ""

    def _instruction(self) -> str:
        j = self.journey()
        if j is None:
            return ""
        if j.state is IdState.MATCHING:
            return self.pick("正在核对…", "Checking…")
        if j.state is IdState.CAMERA_LOST:
            return self.pick(
                "摄像头暂时无法使用，请稍候或联系工作人员",
                "The camera is not working right now. Please wait or ask staff.",
            )
        if j.state is IdState.RETRY:
            return self.pick("请再试一次，动作会不同", "Let's try again, with other actions")
        return self.pick(*j.instruction)

    def _note(self) -> str:
        j = self.journey()
        if j is None:
            return ""
        t = j.current_try
        if j.state is IdState.RETRY and j.last_failure is not None:
            zh, en = _FAILURE_NOTE[j.last_failure]
            left = max(0, j.settings.max_tries - j.failures)
            return self.pick(f"{zh}（还可以试 {left} 次）", f"{en} ({left} more tries)")
        if (
            t is not None
            and t.session.last_restart is Restart.SECOND_FACE
            and j.state is IdState.ACTING
        ):
            return self.pick("请保持只有您一人入镜", "Only you in the picture, please")
        return ""

    def _step(self) -> str:
        j = self.journey()
        if j is None or j.state is not IdState.ACTING:
            return ""
        return f"{j.step_number} / {j.step_count}"

    def _seconds(self) -> int:
        j = self.journey()
        left = j.step_seconds_left() if j is not None else None
        return -1 if left is None else left

    frameSource = Property(str, _frame_source, notify=frameChanged)
    state = Property(str, _state, notify=changed)
    action = Property(str, _action, notify=changed)
    instruction = Property(str, _instruction, notify=changed)
    note = Property(str, _note, notify=frameChanged)
    step = Property(str, _step, notify=changed)
    secondsLeft = Property(int, _seconds, notify=frameChanged)

    def tick(self) -> None:
        j = self.journey()
        if j is None:
            return
        seq = j.frame.seq if j.frame is not None else -1
        shown = (seq, self._seconds(), self._note())
        if shown != self._shown:
            self._shown = shown
            self.frameChanged.emit()


_REASONS = {
    "not_same_person": ("人脸与证件照片不一致", "Your face does not match the document photo"),
    "no_local_reference": (
        "证件照片需由中心核对，结果稍后通知",
        "The document photo is checked at the centre; you will be told the result",
    ),
    "offline": (
        "网络暂时中断，结果由中心确认",
        "The network is down; the centre confirms the result",
    ),
    "no_usable_face": (
        "没有拍到清晰的正脸，工作人员将复核",
        "No clear frontal view; staff will review it",
    ),
    "not_saved": (
        "记录未能保存，请联系工作人员",
        "The record could not be saved. Please ask staff.",
    ),
    "swapped": ("检测到更换了人员", "Another person was seen during the check"),
    "timeout": ("动作没有完成", "The actions were not completed"),
    "wrong_action": ("做了与提示不同的动作", "An action other than the one asked was made"),
    "unsteady": ("人脸时有时无", "The face kept leaving the picture"),
    "no_face": ("没有看到人脸", "No face was seen"),
    "camera_lost": ("摄像头故障", "The camera stopped working"),
}


class IdentityResultViewModel(_IdentityViewModel):
    changed = Signal()
    countdownChanged = Signal()

    def _outcome(self) -> str:
        j = self.journey()
        return j.outcome.value if j is not None and j.outcome is not None else ""

    def _headline(self) -> str:
        j = self.journey()
        if j is None or j.outcome is None:
            return ""
        return {
            Outcome.VERIFIED: self.pick("核验通过：是本人", "Verified: it is you"),
            Outcome.NOT_VERIFIED: self.pick("未能核验", "Not verified"),
            Outcome.REVIEW: self.pick("已提交人工复核", "Sent for review"),
        }[j.outcome]

    def _detail(self) -> str:
        j = self.journey()
        if j is None:
            return ""
        zh, en = _REASONS.get(j.reason, ("", ""))
        counter = ""
        if j.outcome is Outcome.NOT_VERIFIED:
            counter = self.pick(
                "您可以持证件原件到人工窗口核验。",
                "You can have your original document checked at a counter.",
            )
        reason = self.pick(zh, en)
        if reason and not reason.endswith(("。", ".")):
            reason += self.pick("。", ".")
        return " ".join(x for x in (reason, counter) if x)

    def _score(self) -> str:
        j = self.journey()
        if j is None or j.match is None:
            return ""
        m = j.match
        return self.pick(
            f"相似度 {m.score:.2f}（阈值 {m.threshold:.2f}）",
            f"Similarity {m.score:.2f} (threshold {m.threshold:.2f})",
        )

    def _receipt(self) -> str:
        j = self.journey()
        return j.receipt or "" if j is not None else ""

    def _qr(self) -> str:
        receipt = self._receipt()
        return qr_url(receipt) if receipt else ""

    outcome = Property(str, _outcome, notify=changed)
    headline = Property(str, _headline, notify=changed)
    detail = Property(str, _detail, notify=changed)
    score = Property(str, _score, notify=changed)
    receipt = Property(str, _receipt, notify=changed)
    qrSource = Property(str, _qr, notify=changed)
    secondsLeft = Property(int, ScreenViewModel.seconds_left, notify=countdownChanged)

    @Slot()
    def done(self) -> None:
        self._c.finish(self.now())
