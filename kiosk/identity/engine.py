"""The journey's engine: the frame analyser and the matcher, built on first use."""

from __future__ import annotations

import threading

from kiosk.identity.analyser import FrameAnalyser, Image
from kiosk.identity.liveness import Observation
from kiosk.identity.matcher import FaceMatcher, MatchResult


class LiveEngine:
    """mediapipe for the frames, SFace for identity. One journey at a time uses it."""

    def __init__(self, matcher: FaceMatcher | None = None) -> None:
        self.matcher = matcher or FaceMatcher()
        self.model_id = self.matcher.model_id
        self.model_sha256 = self.matcher.model_sha256
        self._analyser = FrameAnalyser(self.matcher)
        self._lock = threading.Lock()  # mediapipe graphs are not thread-safe

    def analyse(self, image: Image, t_ms: int) -> Observation:
        with self._lock:
            return self._analyser.analyse(image, t_ms)

    def best_frame_jpeg(self) -> tuple[bytes, float, int, int] | None:
        """(JPEG, eye distance in pixels, width, height) of the best frame, if any."""
        with self._lock:
            best = self._analyser.best_frame()
            if best is None:
                return None
            h, w = best.image.shape[:2]
            return best.jpeg(), best.eye_px, w, h

    def match(self, reference: Image, threshold: float) -> MatchResult | None:
        """The best frame against ``reference``; None when either has no usable face."""
        with self._lock:
            best = self._analyser.best_frame()
            image = None if best is None else best.image.copy()
        if image is None:
            return None
        ref = self.matcher.embed(reference)
        live = self.matcher.embed(image)
        if ref is None or live is None:
            return None
        return MatchResult(self.matcher.similarity(live, ref), threshold)

    def wipe(self) -> None:
        """Forget every crop and the first face's embedding (a new citizen next)."""
        with self._lock:
            self._analyser.wipe()
