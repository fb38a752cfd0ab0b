"""1:1 face match: SFace embeddings compared by cosine similarity (OpenCV's
``FaceRecognizerSF`` and ``FaceDetectorYN``; the files of :mod:`kiosk.identity.models`).

Chip photos are small (a Chinese ID card's is 102 x 126 pixels): images are enlarged
before detection so YuNet finds the face, and SFace always sees its aligned 112 x 112 crop.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.identity.models import RECOGNIZER_ID, ModelFiles, model_files

Image = npt.NDArray[np.uint8]
Embedding = npt.NDArray[np.float32]

# YuNet works best when the face fills a few hundred pixels.
_MIN_SIDE = 320
_MAX_SIDE = 960


class NoFaceError(Exception):
    """No face in an image given for matching; ``which`` names the image."""

    def __init__(self, which: str) -> None:
        super().__init__(f"no face found in the {which}")
        self.which = which


@dataclass(frozen=True)
class MatchResult:
    score: float  # cosine similarity of the two SFace embeddings
    threshold: float

    @property
    def same_person(self) -> bool:
        return self.score >= self.threshold

    def as_dict(self) -> dict[str, object]:
        return {
            "score": round(self.score, 4),
            "threshold": self.threshold,
            "same_person": self.same_person,
        }


def decode_image(data: bytes) -> Image | None:
    """JPEG/PNG/BMP/JPEG 2000 bytes -> BGR, or None when OpenCV cannot read them."""
    import cv2

    if not data:
        return None
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return None if img is None else np.asarray(img, np.uint8)


class FaceMatcher:
    """Finds, aligns and embeds faces. Thread-safe (calls are serialised)."""

    model_id = RECOGNIZER_ID

    def __init__(self, files: ModelFiles | None = None) -> None:
        import cv2

        self.files = files or model_files()
        self._lock = threading.Lock()
        self._detector = cv2.FaceDetectorYN.create(
            str(self.files.detector), "", (320, 320), 0.7, 0.3, 50
        )
        self._recognizer = cv2.FaceRecognizerSF.create(str(self.files.recognizer), "")

    @property
    def model_sha256(self) -> str:
        return self.files.recognizer_sha256

    def detect(self, image: Image) -> npt.NDArray[np.float32] | None:
        """The most confident face row (box, 5 landmarks, score) in ``image``'s pixels."""
        import cv2

        h, w = image.shape[:2]
        side = max(h, w)
        scale = 1.0
        if side < _MIN_SIDE:
            scale = _MIN_SIDE / side
        elif side > _MAX_SIDE:
            scale = _MAX_SIDE / side
        work = image
        if scale != 1.0:
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
            work = np.asarray(cv2.resize(image, size, interpolation=interp), np.uint8)
        with self._lock:
            self._detector.setInputSize((work.shape[1], work.shape[0]))
            _, faces = self._detector.detect(work)
        if faces is None or len(faces) == 0:
            return None
        best = faces[int(np.argmax(faces[:, -1]))].copy()
        best[:14] /= scale
        return np.asarray(best, np.float32)

    def embed(self, image: Image, face: npt.NDArray[np.float32] | None = None) -> Embedding | None:
        """SFace embedding of the face in ``image`` (detected when not given)."""
        if face is None:
            face = self.detect(image)
            if face is None:
                return None
        with self._lock:
            aligned = self._recognizer.alignCrop(image, face)
            feature = self._recognizer.feature(aligned)
        return np.asarray(feature, np.float32).copy()

    def embed_from_landmarks(self, image: Image, five: npt.NDArray[np.float64]) -> Embedding:
        """Embedding from five points we already know (right eye, left eye, nose, mouth
        corners, as YuNet orders them): no detection, for per-frame identity checks."""
        x0, y0 = five.min(axis=0)
        x1, y1 = five.max(axis=0)
        row = np.zeros(15, np.float32)
        row[:4] = (x0, y0, x1 - x0, y1 - y0)
        row[4:14] = five.reshape(-1)
        row[14] = 1.0
        with self._lock:
            aligned = self._recognizer.alignCrop(image, row)
            feature = self._recognizer.feature(aligned)
        return np.asarray(feature, np.float32).copy()

    @staticmethod
    def similarity(a: Embedding, b: Embedding) -> float:
        """Cosine similarity (what ``FaceRecognizerSF.match`` computes with FR_COSINE)."""
        va, vb = a.reshape(-1).astype(np.float64), b.reshape(-1).astype(np.float64)
        denom = float(np.linalg.norm(va) * np.linalg.norm(vb))
        return float(np.dot(va, vb) / denom) if denom > 0 else 0.0

    def match(self, probe: Image, reference: Image, threshold: float) -> MatchResult:
        """Score the face in ``probe`` (the live best frame) against ``reference``."""
        ref = self.embed(reference)
        if ref is None:
            raise NoFaceError("reference photo")
        live = self.embed(probe)
        if live is None:
            raise NoFaceError("live image")
        return MatchResult(self.similarity(live, ref), threshold)
