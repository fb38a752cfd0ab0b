"""Per-frame analysis for the live check: mesh, face count, identity probe, best frame.

One analyser serves one check (several tries). It keeps, in memory only, the few best
candidate crops for the match and the first face's SFace embedding (the "anchor") that
later frames are compared with; :meth:`FrameAnalyser.wipe` forgets all of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kiosk.identity.liveness import Observation
from kiosk.identity.matcher import Embedding, FaceMatcher
from kiosk.identity.measure import Measurement, measure
from kiosk.photo.face import FaceAnalyser, FaceGeometry

Image = npt.NDArray[np.uint8]

MIN_EYE_PX = 112  # ISO/IEC 19794-5 token face: eyes at least this far apart
_MOUTH_CORNERS = (61, 291)  # image left, image right
_NOSE_TIP = 1


@dataclass
class BestFrame:
    """The crop kept for the match and the evidence. Personal data: ``wipe()`` it."""

    image: Image = field(repr=False)
    eye_px: float
    t_ms: int
    sharpness: float

    def jpeg(self, quality: int = 92) -> bytes:
        import cv2

        ok, buf = cv2.imencode(".jpg", self.image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise ValueError("could not encode the best frame")
        return buf.tobytes()

    def wipe(self) -> None:
        self.image = np.zeros((1, 1, 3), np.uint8)


def five_points(face: FaceGeometry) -> npt.NDArray[np.float64]:
    """Eyes, nose tip and mouth corners in YuNet's order (image-left eye first)."""
    return np.array(
        [
            face.eye_right,
            face.eye_left,
            face.pt(_NOSE_TIP),
            face.pt(_MOUTH_CORNERS[0]),
            face.pt(_MOUTH_CORNERS[1]),
        ],
        np.float64,
    )


def _sharpness(crop: Image) -> float:
    import cv2

    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(grey, (128, 128), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(small, cv2.CV_64F).var())


def _crop(image: Image, face: FaceGeometry) -> Image:
    """A square around the face, twice its width, at the camera's own resolution."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = face.box
    side = 2.0 * max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    a, b = max(0, int(cx - side / 2)), max(0, int(cy - side / 2))
    c, d = min(w, int(cx + side / 2)), min(h, int(cy + side / 2))
    return np.ascontiguousarray(image[b:d, a:c])


class FrameAnalyser:
    """Turns frames into :class:`Observation` s. Not thread-safe: one caller at a time."""

    def __init__(
        self,
        matcher: FaceMatcher | None,
        work_width: int = 640,
        probe_every: int = 5,
        keep: int = 3,
        count_every: int = 3,
    ) -> None:
        self.matcher = matcher
        self.work_width = work_width
        self.probe_every = probe_every
        self.keep = keep
        self.anchor: Embedding | None = None
        self.candidates: list[BestFrame] = []
        self.count_every = count_every
        # One tracked mesh: with room for two, mediapipe runs its detector on every
        # frame looking for the second; the full-range detector below counts people.
        self._faces = FaceAnalyser(live=True, max_faces=1)
        self._since_probe = 0
        self._since_count = 0
        self._count = 0
        self._last: Measurement | None = None

    def analyse(self, image: Image, t_ms: int) -> Observation:
        # The detector also counts a second face the mesh does not track (smaller, further
        # back). A second person stepping in is seen within ``count_every`` frames (about
        # 200 ms at 15 fps); it runs at once whenever the tracked face comes or goes.
        has_face = self._last is not None and self._last.has_face
        self._since_count += 1
        recount = self._since_count >= self.count_every
        meshes, counted = self._faces.meshes_and_count(image, self.work_width, recount)
        if counted is None and bool(meshes) != has_face:
            counted = self._faces.count_faces(image, self.work_width)
        if counted is not None:
            self._count, self._since_count = counted, 0
        count = max(len(meshes), self._count)
        face = meshes[0] if meshes else None
        m = measure(face, count, t_ms)
        similarity = None
        if face is not None and count == 1:
            similarity = self._probe(image, face, m)
            self._consider(image, face, m)
        self._last = m
        return Observation(m, similarity)

    def _frontal(self, m: Measurement) -> bool:
        # Loose on pitch: the 2-D estimate of a level face differs from person to person.
        return abs(m.yaw) < 15 and abs(m.pitch) < 25 and m.ear > 0.18

    def _probe(self, image: Image, face: FaceGeometry, m: Measurement) -> float | None:
        """Compare with the first face every few frames, and at once after a jump."""
        if self.matcher is None or not self._frontal(m):
            return None
        last = self._last
        jumped = (
            last is None
            or not last.has_face
            or math.hypot(m.cx - last.cx, m.cy - last.cy) > 0.5 * max(last.width, 1e-3)
        )
        self._since_probe += 1
        if self.anchor is not None and not jumped and self._since_probe < self.probe_every:
            return None
        self._since_probe = 0
        embedding = self.matcher.embed_from_landmarks(image, five_points(face))
        if self.anchor is None:
            self.anchor = embedding
            return 1.0
        return self.matcher.similarity(self.anchor, embedding)

    def _consider(self, image: Image, face: FaceGeometry, m: Measurement) -> None:
        """Keep the few largest frontal, eyes-open, mouth-closed views."""
        if not self._frontal(m) or m.mouth > 0.35 or m.ear < 0.2:
            return
        if len(self.candidates) >= self.keep and m.eye_px <= min(c.eye_px for c in self.candidates):
            return
        crop = _crop(image, face)
        if crop.size == 0:
            return
        self.candidates.append(BestFrame(crop, m.eye_px, m.t_ms, _sharpness(crop)))
        self.candidates.sort(key=lambda c: -c.eye_px)
        for dropped in self.candidates[self.keep :]:
            dropped.wipe()
        del self.candidates[self.keep :]

    def best_frame(self) -> BestFrame | None:
        """The sharpest of the kept candidates (all are near the largest eye distance)."""
        if not self.candidates:
            return None
        return max(self.candidates, key=lambda c: c.sharpness)

    def wipe(self) -> None:
        for c in self.candidates:
            c.wipe()
        self.candidates = []
        self.anchor = None
        self._last = None
        self._count = 0
        self._since_count = 0

    def close(self) -> None:
        self.wipe()
        self._faces.close()
