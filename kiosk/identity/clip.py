"""Judging a recorded clip: ``kiosk identity check --video CLIP``.

CLIP is a video file OpenCV can read, or a folder of frames (sorted by name, ``fps``
frames a second). The clip is read frame by frame and never copied.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kiosk.identity.actions import LivenessParams
from kiosk.identity.analyser import FrameAnalyser
from kiosk.identity.challenges import Action
from kiosk.identity.liveness import LivenessSession
from kiosk.identity.matcher import FaceMatcher, MatchResult
from kiosk.identity.verdict import CheckResult, challenge_list, decide

Image = npt.NDArray[np.uint8]
FRAME_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


class ClipError(Exception):
    """The clip cannot be read; the message says what and where."""


def read_clip(path: Path, fps: float = 15.0) -> Iterator[tuple[Image, int]]:
    """(frame, milliseconds from the start) for each frame of a video file or folder."""
    import cv2

    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in FRAME_SUFFIXES)
        if not files:
            raise ClipError(f"{path}: no .jpg/.png/.bmp frames in this folder")
        for n, file in enumerate(files):
            image = cv2.imread(str(file), cv2.IMREAD_COLOR)
            if image is None:
                raise ClipError(f"{file}: not an image OpenCV can read")
            yield np.asarray(image, np.uint8), round(n * 1000 / fps)
        return
    if not path.is_file():
        raise ClipError(f"{path}: no such file or folder")
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise ClipError(f"{path}: not a video OpenCV can read")
        rate = cap.get(cv2.CAP_PROP_FPS) or fps
        n = 0
        while True:
            ok, image = cap.read()
            if not ok:
                break
            yield np.asarray(image, np.uint8), round(n * 1000 / rate)
            n += 1
        if n == 0:
            raise ClipError(f"{path}: the video has no frames")
    finally:
        cap.release()


def check_clip(
    frames: Iterator[tuple[Image, int]],
    actions: tuple[Action, ...],
    reference: Image | None,
    threshold: float,
    matcher: FaceMatcher,
    params: LivenessParams | None = None,
) -> CheckResult:
    """Liveness over the clip, then the best frame against ``reference``."""
    session = LivenessSession(actions, params)
    analyser = FrameAnalyser(matcher)
    try:
        for image, t_ms in frames:
            session.feed(analyser.analyse(image, t_ms))
            if session.done:
                break
        session.end_of_clip()
        match: MatchResult | None = None
        usable = False
        best = analyser.best_frame()
        if session.fail_reason is None and best is not None and reference is not None:
            ref = matcher.embed(reference)
            live = matcher.embed(best.image)
            if ref is not None and live is not None:
                match = MatchResult(matcher.similarity(live, ref), threshold)
                usable = True
        verdict = decide(session, match, usable)
        reason = session.fail_reason.value if session.fail_reason else ""
        if not reason and not usable:
            reason = "no_reference_face" if best is not None else "no_frontal_frame"
        return CheckResult(
            verdict=verdict,
            live=session.fail_reason is None,
            challenges=challenge_list(session),
            match=match,
            faces_seen=session.faces_seen,
            reason=reason,
            series=session.series(),
        )
    finally:
        analyser.close()
