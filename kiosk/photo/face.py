"""Face detection and face mesh (mediapipe ``mp.solutions``) and what we read off them.

Landmark indices are those of mediapipe's 468+10 point face mesh (with iris refinement).
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Image = npt.NDArray[np.uint8]

# Mesh indices (image left = the subject's right).
FOREHEAD = 10
CHIN = 152
CHEEK_LEFT = 234
CHEEK_RIGHT = 454
NOSE_TIP = 1


@dataclass(frozen=True)
class EyeIndices:
    outer: int
    inner: int
    upper: tuple[int, int, int]
    lower: tuple[int, int, int]


EYE_R = EyeIndices(33, 133, (159, 160, 158), (145, 144, 153))
EYE_L = EyeIndices(263, 362, (386, 385, 387), (374, 380, 373))
LIP_INNER_UP = 13
LIP_INNER_DOWN = 14
MOUTH_LEFT = 78
MOUTH_RIGHT = 308


@dataclass(frozen=True)
class FaceGeometry:
    """One face's mesh in image pixels (x, y, z with z on the x scale). No repr of data."""

    points: FloatArray = field(repr=False)
    frame_size: tuple[int, int]  # (width, height)

    def pt(self, index: int) -> FloatArray:
        return self.points[index, :2]

    @property
    def chin(self) -> FloatArray:
        return self.pt(CHIN)

    @property
    def forehead(self) -> FloatArray:
        return self.pt(FOREHEAD)

    @property
    def eye_right(self) -> FloatArray:
        return (self.pt(EYE_R.outer) + self.pt(EYE_R.inner)) / 2

    @property
    def eye_left(self) -> FloatArray:
        return (self.pt(EYE_L.outer) + self.pt(EYE_L.inner)) / 2

    @property
    def eyes_mid(self) -> FloatArray:
        return (self.eye_left + self.eye_right) / 2

    @property
    def face_width(self) -> float:
        return float(np.linalg.norm(self.pt(CHEEK_RIGHT) - self.pt(CHEEK_LEFT)))

    @property
    def centre_x(self) -> float:
        return float((self.pt(CHEEK_LEFT)[0] + self.pt(CHEEK_RIGHT)[0]) / 2)

    @property
    def box(self) -> tuple[int, int, int, int]:
        """Bounding box of the mesh: x0, y0, x1, y1 (clipped to the frame)."""
        w, h = self.frame_size
        lo = self.points[:, :2].min(axis=0)
        hi = self.points[:, :2].max(axis=0)
        x0, y0 = math.floor(lo[0]), math.floor(lo[1])
        x1, y1 = math.ceil(hi[0]), math.ceil(hi[1])
        return max(0, x0), max(0, y0), min(w, x1), min(h, y1)

    def roll(self) -> float:
        """Degrees the eye line is tilted; positive when the image-right eye is lower."""
        d = self.eye_left - self.eye_right
        return math.degrees(math.atan2(d[1], d[0]))

    def yaw(self) -> float:
        """Degrees turned left/right, from the depth difference between the cheeks."""
        d = self.points[CHEEK_RIGHT] - self.points[CHEEK_LEFT]
        return math.degrees(math.atan2(d[2], math.hypot(d[0], d[1])))

    def pitch(self) -> float:
        """Degrees nodding, from the depth difference along the forehead-chin axis.

        A level face still has the forehead top nearer the camera than the chin in
        mediapipe's mesh (the brow bulges); that offset is removed.
        """
        d = self.points[CHIN] - self.points[FOREHEAD]
        return math.degrees(math.atan2(-d[2], math.hypot(d[0], d[1]))) - _PITCH_NEUTRAL

    def eye_ratio(self) -> float:
        """Eye aspect ratio (lid gap / eye width) of the less open eye."""
        ratios = []
        for eye in (EYE_R, EYE_L):
            width = np.linalg.norm(self.pt(eye.outer) - self.pt(eye.inner))
            gaps = [
                np.linalg.norm(self.pt(u) - self.pt(lo))
                for u, lo in zip(eye.upper, eye.lower, strict=True)
            ]
            ratios.append(float(np.mean(gaps)) / max(float(width), 1e-6))
        return min(ratios)

    def mouth_ratio(self) -> float:
        """Gap between the inner lips over the mouth width."""
        gap = float(np.linalg.norm(self.pt(LIP_INNER_UP) - self.pt(LIP_INNER_DOWN)))
        width = float(np.linalg.norm(self.pt(MOUTH_RIGHT) - self.pt(MOUTH_LEFT)))
        return gap / max(width, 1e-6)

    def transformed(self, matrix: FloatArray, size: tuple[int, int]) -> FaceGeometry:
        """The same face after a 2x3 affine warp (depth scaled with it)."""
        xy = self.points[:, :2] @ matrix[:, :2].T + matrix[:, 2]
        scale = math.sqrt(abs(np.linalg.det(matrix[:, :2])))
        pts = np.column_stack([xy, self.points[:, 2] * scale])
        return FaceGeometry(pts, size)


# Raw pitch of level frontal faces with mediapipe 0.10.21 (grace_hopper -6.5,
# astronaut -9.7 deg): their mean is taken as level.
_PITCH_NEUTRAL = -8.0


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence mediapipe's C++ start-up chatter (TFLite, absl) on file descriptor 2.

    It prints a dozen INFO/WARNING lines when a graph starts, which would bury the
    one clear line a CLI failure owes the technician. Only used while graphs start.
    """
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _warm_up(graph: Any) -> None:
    """Run a graph once on a blank image so its start-up happens (quietly) now."""
    graph.process(np.zeros((64, 64, 3), np.uint8))


def _rgb(image_bgr: Image, work_width: int | None) -> tuple[Image, float]:
    """RGB copy for mediapipe, shrunk to ``work_width`` if wider; and the scale used."""
    import cv2

    h, w = image_bgr.shape[:2]
    scale = 1.0
    src = image_bgr
    if work_width is not None and w > work_width:
        scale = work_width / w
        size = (work_width, round(h * scale))
        src = np.asarray(cv2.resize(image_bgr, size, interpolation=cv2.INTER_AREA), np.uint8)
    return np.asarray(cv2.cvtColor(src, cv2.COLOR_BGR2RGB), np.uint8), scale


class FaceAnalyser:
    """Counts faces and fits the mesh. ``live=True`` tracks between frames (video mode).

    mediapipe graphs are not thread-safe: one analyser per thread, calls serialised.
    """

    def __init__(self, live: bool = False, max_faces: int = 3) -> None:
        import mediapipe as mp

        self.live = live
        self._lock = threading.Lock()
        self._detector: Any = None
        with quiet_native_stderr():
            self._mesh = mp.solutions.face_mesh.FaceMesh(
                static_image_mode=not live,
                max_num_faces=max_faces,
                refine_landmarks=True,
                min_detection_confidence=0.5,
                min_tracking_confidence=0.5,
            )
            _warm_up(self._mesh)
            # Full-range model: counts small faces too (a second person further back).
            self._detector = mp.solutions.face_detection.FaceDetection(
                model_selection=1, min_detection_confidence=0.5
            )
            _warm_up(self._detector)

    def count_faces(self, image_bgr: Image, work_width: int | None = None) -> int:
        """Faces the detector sees (the mesh alone misses a second, smaller face)."""
        rgb, _ = _rgb(image_bgr, work_width)
        with self._lock:
            result = self._detector.process(rgb)
        return len(result.detections or [])

    def meshes_and_count(
        self, image_bgr: Image, work_width: int, count: bool
    ) -> tuple[list[FaceGeometry], int | None]:
        """A live frame's meshes and, when ``count``, the detector's face count, from one
        shrunk copy (the copy and colour conversion are a tenth of a frame's cost)."""
        rgb, scale = _rgb(image_bgr, work_width)
        faces = self._fit_scaled(rgb, scale, image_bgr)
        if not count:
            return faces, None
        with self._lock:
            result = self._detector.process(rgb)
        return faces, len(result.detections or [])

    def meshes(self, image_bgr: Image, work_width: int | None = None) -> list[FaceGeometry]:
        """Face meshes in pixels of ``image_bgr``, largest face first.

        ``work_width`` fits the mesh on a smaller copy (live frames: the model sees a
        192 px face crop anyway, and the copy is what costs); points are scaled back.
        For stills the largest face is fitted a second time on a crop around it: the
        first pass sees the face small inside the whole picture and places the lips
        and lids coarsely (a smile can read as a closed mouth); video mode gets the
        same effect from tracking.
        """
        rgb, scale = _rgb(image_bgr, work_width)
        faces = self._fit_scaled(rgb, scale, image_bgr)
        if faces and not self.live:
            refined = self._refit(image_bgr, faces[0])
            if refined is not None:
                faces[0] = refined
        return faces

    def _fit_scaled(self, rgb: Image, scale: float, image_bgr: Image) -> list[FaceGeometry]:
        """Meshes fitted on ``rgb`` (``image_bgr`` shrunk by ``scale``), in its pixels."""
        h, w = image_bgr.shape[:2]
        return [
            FaceGeometry(f.points / scale, (w, h)) if scale != 1.0 else f
            for f in self._fit_rgb(rgb)
        ]

    def _fit(self, image_bgr: Image) -> list[FaceGeometry]:
        return self._fit_rgb(_rgb(image_bgr, None)[0])

    def _fit_rgb(self, rgb: Image) -> list[FaceGeometry]:
        h, w = rgb.shape[:2]
        with self._lock:
            result = self._mesh.process(rgb)
        faces = []
        for lm in result.multi_face_landmarks or []:
            pts = np.array([(p.x * w, p.y * h, p.z * w) for p in lm.landmark], dtype=np.float64)
            faces.append(FaceGeometry(pts, (w, h)))
        faces.sort(key=lambda f: -f.face_width)
        return faces

    def _refit(self, image_bgr: Image, face: FaceGeometry) -> FaceGeometry | None:
        h, w = image_bgr.shape[:2]
        x0, y0, x1, y1 = face.box
        side = max(x1 - x0, y1 - y0) * 1.6
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        bx0, by0 = max(0, int(cx - side / 2)), max(0, int(cy - side / 2))
        bx1, by1 = min(w, int(cx + side / 2)), min(h, int(cy + side / 2))
        if bx1 - bx0 < 32 or by1 - by0 < 32:
            return None
        crop = image_bgr[by0:by1, bx0:bx1]
        found = self._fit(crop)
        if not found:
            return None
        pts = found[0].points.copy()
        pts[:, 0] += bx0
        pts[:, 1] += by0
        return FaceGeometry(pts, (w, h))

    def close(self) -> None:
        self._mesh.close()
        self._detector.close()


class Segmenter:
    """Selfie segmentation: a soft person mask in [0, 1] at the image size."""

    def __init__(self, landscape: bool = False) -> None:
        import mediapipe as mp

        self._lock = threading.Lock()
        with quiet_native_stderr():
            self._seg = mp.solutions.selfie_segmentation.SelfieSegmentation(
                model_selection=1 if landscape else 0
            )
            _warm_up(self._seg)

    def mask(self, image_bgr: Image) -> npt.NDArray[np.float32]:
        rgb, _ = _rgb(image_bgr, None)
        with self._lock:
            result = self._seg.process(rgb)
        return np.asarray(result.segmentation_mask, dtype=np.float32)

    def close(self) -> None:
        self._seg.close()
