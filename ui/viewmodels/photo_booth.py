"""The photo booth screen: live preview, head outline, one instruction, countdown."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Property, Signal, Slot

from kiosk.flows.photo import PhotoJourney, PhotoState
from kiosk.photo.instructions import INSTRUCTIONS
from ui.viewmodels.base import ScreenViewModel


class PhotoBoothViewModel(ScreenViewModel):
    changed = Signal()
    frameChanged = Signal()

    _shown = (-1, "", -1)

    def _journey(self) -> PhotoJourney | None:
        return self._c.journey_as(PhotoJourney)

    def latest_frame(self) -> np.ndarray | None:
        """The frame the guidance was computed on (outline and words match it)."""
        j = self._journey()
        if j is None:
            return None
        if j.preview is not None:
            return j.preview
        frame = j.frame or j.camera.latest()
        return frame.image if frame is not None else None

    def _frame_source(self) -> str:
        j = self._journey()
        seq = j.frame.seq if j is not None and j.frame is not None else 0
        return f"image://camera/{seq}"

    def _state(self) -> str:
        j = self._journey()
        return j.state.name.lower() if j is not None else ""

    def _instruction(self) -> str:
        j = self._journey()
        if j is None:
            return ""
        if j.state is PhotoState.PROCESSING:
            return self.pick("正在制作照片…", "Making your photo…")
        if j.state is PhotoState.CAMERA_LOST:
            return self.pick(
                "摄像头暂时无法使用，请稍候或联系工作人员",
                "The camera is not working right now. Please wait or ask staff.",
            )
        g = j.guidance
        if g is None:
            return self.pick("请看镜头", "Please look at the camera")
        return self.pick(g.instruction_zh, g.instruction_en)

    def _retry_note(self) -> str:
        j = self._journey()
        if j is None or j.failures == 0 or j.state is not PhotoState.PREVIEW:
            return ""
        text = INSTRUCTIONS.get(_FAILURE_HINT.get(j.last_failure, "still"), INSTRUCTIONS["still"])
        return self.pick(
            f"上一张不合格：{text.zh}（第 {j.failures} 次）",
            f"The last photo did not pass: {text.en} (try {j.failures})",
        )

    def _ready(self) -> bool:
        j = self._journey()
        return bool(j and j.guidance and j.guidance.ready)

    def _outline(self) -> list[float]:
        """Outline as fractions of the frame: cx, cy, rx, ry (mirroring keeps cx)."""
        j = self._journey()
        if j is None or j.guidance is None or j.frame is None:
            return [0.5, 0.39, 0.1875 * 720 / 1280, 0.25]
        o = j.guidance.head_outline
        h, w = j.frame.image.shape[:2]
        return [1 - o.cx / w, o.cy / h, o.rx / w, o.ry / h]

    def _countdown(self) -> int:
        j = self._journey()
        left = j.countdown_left(self.now()) if j is not None else None
        return -1 if left is None else max(1, math.ceil(left))

    def _asked(self) -> bool:
        """True after "I'm ready" was tapped while the pose is not right yet."""
        j = self._journey()
        return bool(j and j.asked and j.state is PhotoState.PREVIEW)

    def _photo_name(self) -> str:
        j = self._journey()
        if j is None or j.spec is None:
            return ""
        return self.pick(j.spec.name, j.spec.name_en)

    def voice_cue(self) -> tuple[str, str, str] | None:
        """What the booth says now (key, zh, en): the live instruction in the preview,
        and "3, 2, 1" while counting down; None when nothing is due."""
        j = self._journey()
        if j is None:
            return None
        n = self._countdown()
        if n == 3:
            return None  # the countdown screen's own prompt says "3"
        if n > 0:
            zh, en = _COUNT[n] if n in _COUNT else (str(n), str(n))
            return f"count{n}", zh, en
        if j.state is PhotoState.PREVIEW and j.guidance is not None:
            g = j.guidance
            return g.key, g.instruction_zh, g.instruction_en
        return None

    frameSource = Property(str, _frame_source, notify=frameChanged)
    state = Property(str, _state, notify=changed)
    instruction = Property(str, _instruction, notify=frameChanged)
    retryNote = Property(str, _retry_note, notify=changed)
    ready = Property(bool, _ready, notify=frameChanged)
    outline = Property("QVariantList", _outline, notify=frameChanged)
    countdown = Property(int, _countdown, notify=frameChanged)
    asked = Property(bool, _asked, notify=frameChanged)
    photoName = Property(str, _photo_name, notify=changed)

    def tick(self) -> None:
        j = self._journey()
        if j is None:
            return
        seq = j.frame.seq if j.frame is not None else -1
        key = j.guidance.key if j.guidance is not None else ""
        shown = (seq, key, self._countdown(), self._asked())
        if shown != self._shown:
            self._shown = shown
            self.frameChanged.emit()

    @Slot()
    def back(self) -> None:
        j = self._journey()
        if j is not None and j.can_choose_again:
            j.choose_again(self.now())
            self._c.acted(self.now())
            return
        self._c.back(self.now())

    @Slot()
    def imReady(self) -> None:
        """The citizen says they are ready: the countdown starts once the pose is right."""
        j = self._journey()
        if j is not None:
            j.ready(self.now())
        self._c.acted(self.now())
        self.frameChanged.emit()


# The spoken count: the digit, in the citizen's language.
_COUNT = {3: ("三", "Three"), 2: ("二", "Two"), 1: ("一", "One")}


# Which instruction explains a failed still check.
_FAILURE_HINT = {
    "no_face": "no_face",
    "mouth_closed": "mouth",
    "eyes_open": "eyes",
    "pose_yaw": "yaw",
    "pose_pitch": "pitch",
    "pose_roll": "roll",
    "glare": "glare",
    "head_covering": "hat",
    "sharpness": "still",
    "resolution": "closer",
    "framing": "back",
    "head_size": "closer",
    "exposure_mean": "dark",
    "underexposed": "dark",
    "overexposed": "bright",
    "illumination": "uneven",
}
