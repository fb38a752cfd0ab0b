"""The booth's photo engine: live guidance and capture-to-photo behind one object.

Models load lazily on first use (mediapipe graphs and pymatting's kernels take a few
seconds), so a terminal that never takes a photo never pays for them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from kiosk.photo.context import Image, PhotoContext
from kiosk.photo.live import Guidance, LiveAnalyser
from kiosk.photo.pipeline import Models, Pipeline
from kiosk.photo.specs import PhotoSpec


class BoothEngine:
    """``analyse_live`` for the preview, ``take`` for the burst the countdown captured."""

    def __init__(self, spec: PhotoSpec, background: str | None = None) -> None:
        self.spec = spec
        self.background = background
        self._lock = threading.Lock()
        self._live: LiveAnalyser | None = None
        self._models: Models | None = None

    def _ensure(self) -> tuple[LiveAnalyser, Models]:
        with self._lock:
            if self._live is None:
                self._live = LiveAnalyser(self.spec)
            if self._models is None:
                self._models = Models.load()
            return self._live, self._models

    def use(self, spec: PhotoSpec) -> None:
        """Make photos of ``spec`` from now on (the citizen chose it)."""
        with self._lock:
            self.spec = spec
            if self._live is not None:
                self._live.spec = spec
        if self.background is not None:
            spec.background_hex(self.background)  # validated with the config

    def analyse_live(self, frame: Image) -> Guidance:
        live, _ = self._ensure()
        return live.analyse_live(frame)

    def preview(self, frame: Image) -> Image:
        """The preview frame with the photo's background already replaced."""
        live, _ = self._ensure()
        return live.preview(frame, self.background)

    def take(self, frames: Sequence[Image]) -> PhotoContext:
        """The best frame of the burst through the still pipeline (may raise PhotoError)."""
        live, models = self._ensure()
        best = live.best_frame(frames)
        return Pipeline.default(models).run(best, self.spec, self.background)

    def close(self) -> None:
        with self._lock:
            if self._live is not None:
                self._live.close()
            if self._models is not None:
                self._models.close()
            self._live = self._models = None
