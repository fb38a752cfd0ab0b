"""Live guidance at camera rate: a head outline and one instruction at a time.

Only cheap measures run here (face mesh in tracking mode, no segmentation); the still
pipeline measures everything again on the frame that is kept.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kiosk.photo import geometry
from kiosk.photo.checks import run_checks
from kiosk.photo.context import CheckResult, Image, PhotoContext
from kiosk.photo.face import FaceAnalyser, Segmenter
from kiosk.photo.instructions import INSTRUCTIONS
from kiosk.photo.matte import composite_preview, refine_guided
from kiosk.photo.outline import HeadOutline, outline_for
from kiosk.photo.specs import PhotoSpec

LIVE_CHECKS = (
    "face_count",
    "head_size",
    "resolution",
    "framing",
    "centred",
    "pose",
    "head_covering",
    "eyes_open",
    "mouth_closed",
    "glare",
    "exposure",
    "illumination",
    "sharpness",
)


@dataclass(frozen=True)
class Guidance:
    """What the preview shows for one frame: one instruction, the outline, the checks."""

    instruction_zh: str
    instruction_en: str
    head_outline: HeadOutline
    checks: list[CheckResult] = field(default_factory=list)
    ready: bool = False  # every live check passed: capture may start
    key: str = "no_face"  # which instruction (for voice: speak only when it changes)
    millis: float = 0.0


def _instruction_key(ctx: PhotoContext, failed: CheckResult) -> str:
    name, value = failed.name, failed.value
    if name == "face_count":
        return "no_face" if ctx.faces_found == 0 else "many_faces"
    if name in ("head_size", "resolution"):
        return "closer" if name == "resolution" or value < 1 else "back"
    if name == "framing":
        return "back"
    if name == "centred":
        # Face on the image's left = the citizen's right: they move to their left.
        return "left" if value < 0 else "right"
    if name == "centred_vertical":
        return "raise" if value > 0 else "lower"
    if name.startswith("pose_"):
        return name.removeprefix("pose_")
    return {
        "eyes_open": "eyes",
        "mouth_closed": "mouth",
        "glare": "glare",
        "head_covering": "hat",
        "exposure_mean": "dark" if value < 128 else "bright",
        "underexposed": "dark",
        "overexposed": "bright",
        "illumination": "uneven",
        "sharpness": "still",
    }.get(name, "still")


class LiveAnalyser:
    """``analyse_live(frame) -> Guidance`` for one camera stream (one thread)."""

    # Frames are analysed at this width (landmarks come back in full-size pixels);
    # at 640 a citizen standing far back is lost by the mesh.
    WORK_WIDTH = 960
    COUNT_EVERY = 5  # run the face counter on every n-th frame

    def __init__(self, spec: PhotoSpec) -> None:
        self.spec = spec
        self._faces = FaceAnalyser(live=True, max_faces=2)
        self._frame_no = 0
        self._count = 0
        self._last_meshes = -1
        self._segmenter: Segmenter | None = None
        self._preview_alpha: npt.NDArray[np.float32] | None = None
        self._preview_n = 0

    def analyse(self, frame: Image) -> tuple[Guidance, PhotoContext]:
        import cv2

        start = time.perf_counter()
        h, w = frame.shape[:2]
        ctx = PhotoContext(image=frame, spec=self.spec, live=True)
        meshes = self._faces.meshes(frame, work_width=self.WORK_WIDTH)
        # The detector counts people; a second person walking in is seen within a
        # few frames, so it need not run on every one.
        if self._frame_no % self.COUNT_EVERY == 0 or len(meshes) != self._last_meshes:
            self._count = self._faces.count_faces(frame, work_width=self.WORK_WIDTH)
        self._frame_no += 1
        self._last_meshes = len(meshes)
        # A lone face counts only once the mesh has it (every check needs the mesh);
        # the detector's count matters when it sees more people than the mesh does.
        ctx.faces_found = max(len(meshes), self._count) if self._count >= 2 else len(meshes)
        if self._preview_alpha is not None:
            # The preview's person mask (previous frame; a sitter barely moves).
            ctx.mask = np.asarray(
                cv2.resize(self._preview_alpha, (w, h), interpolation=cv2.INTER_LINEAR),
                np.float32,
            )
        if len(meshes) == 1:
            ctx.face = meshes[0]
            ctx.head = geometry.measure_head(ctx.face, None)
            crop, ctx.scale = geometry.plan_crop(ctx.head, self.spec, (w, h))
            ctx.transform = crop
            size = (self.spec.width_px, self.spec.height_px)
            crown_out = crop[1, 1] * ctx.head.crown_y + crop[1, 2]
            ctx.outside_fraction = geometry.outside_fraction(crop, size, (w, h), crown_out)
        ctx.checks = run_checks(ctx, LIVE_CHECKS)
        failed = next((c for c in ctx.checks if not c.passed), None)
        key = "good" if failed is None else _instruction_key(ctx, failed)
        text = INSTRUCTIONS[key]
        guidance = Guidance(
            instruction_zh=text.zh,
            instruction_en=text.en,
            head_outline=outline_for(w, h),
            checks=ctx.checks,
            ready=failed is None,
            key=key,
            millis=(time.perf_counter() - start) * 1000,
        )
        return guidance, ctx

    def analyse_live(self, frame: Image) -> Guidance:
        """Guidance for one preview frame (BGR)."""
        return self.analyse(frame)[0]

    def best_frame(self, frames: Sequence[Image]) -> Image:
        """The frame to keep from a burst: most live checks passed, then the sharpest."""
        if not frames:
            raise ValueError("no frames captured")
        best_key: tuple[int, float] | None = None
        best = frames[0]
        for frame in frames:
            _, ctx = self.analyse(frame)
            sharp = ctx.check("sharpness")
            key = (sum(c.passed for c in ctx.checks), sharp.value if sharp else 0.0)
            if best_key is None or key > best_key:
                best_key, best = key, frame
        return best

    def preview(self, frame: Image, background: str | None = None) -> Image:
        """The frame at analysis width with the spec's background already in place:
        selfie mask, refined at the edges by a guided filter (fast enough per frame;
        the still photo gets proper matting instead)."""
        import cv2

        if self._segmenter is None:
            self._segmenter = Segmenter(landscape=True)
        h, w = frame.shape[:2]
        shown = frame
        if w > self.WORK_WIDTH:
            size = (self.WORK_WIDTH, round(h * self.WORK_WIDTH / w))
            shown = np.asarray(cv2.resize(frame, size, interpolation=cv2.INTER_AREA), np.uint8)
        sh, sw = shown.shape[:2]
        # A person standing for a photo moves little: the mask is refreshed on every
        # other frame (it is most of the cost), the composite on every frame.
        alpha = self._preview_alpha
        if alpha is None or alpha.shape != (sh, sw) or self._preview_n % 2 == 0:
            # The model sees 256x144 anyway: mask and refine at half the shown size.
            half = np.asarray(
                cv2.resize(shown, (sw // 2, sh // 2), interpolation=cv2.INTER_AREA), np.uint8
            )
            mask = refine_guided(half, self._segmenter.mask(half), radius=4)
            alpha = np.asarray(
                cv2.resize(mask, (sw, sh), interpolation=cv2.INTER_LINEAR), np.float32
            )
            self._preview_alpha = alpha
        self._preview_n += 1
        return composite_preview(shown, alpha, self.spec.background_bgr(background))

    def close(self) -> None:
        self._faces.close()
        if self._segmenter is not None:
            self._segmenter.close()
