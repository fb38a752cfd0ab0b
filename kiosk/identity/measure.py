"""What one video frame says about the face: the numbers the action detectors read.

Every measure is a ratio of distances in the image, so a flat photograph that is moved,
tilted or bent in front of the camera (an affine change of the picture) keeps them
where they were: only a real head that turns, nods, blinks or opens its mouth moves them.

- ``ear``: eye aspect ratio (lid gap / eye width) of the less open eye.
- ``mouth``: inner lip gap / mouth width.
- ``yaw``: degrees the head is turned, positive to the citizen's own LEFT (the nose moves
  towards the image's right edge in an unmirrored frame), from where the nose tip sits
  between the two cheeks.
- ``pitch``: degrees the head is tilted, positive DOWN (chin towards the chest), from
  where the nose tip sits between the eyes and the chin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kiosk.photo.face import CHEEK_LEFT, CHEEK_RIGHT, CHIN, NOSE_TIP, FaceGeometry

# Nose tip protrusion over half the face width (cylinder head model): turns the
# nose offset into degrees. Calibrated on mediapipe meshes of frontal portraits.
_NOSE_DEPTH = 0.75
# Where the nose tip sits between the eye line (0) and the chin (1) on a level face.
_NOSE_LEVEL = 0.42
_NOSE_PITCH_GAIN = 1.6


@dataclass(frozen=True)
class Measurement:
    """One frame's numbers. No image, no landmarks: safe to keep in the evidence."""

    t_ms: int
    faces: int
    ear: float = 0.0
    mouth: float = 0.0
    yaw: float = 0.0
    pitch: float = 0.0
    eye_px: float = 0.0  # distance between the eye centres, in pixels
    cx: float = 0.0  # face centre as a fraction of the frame width / height
    cy: float = 0.0
    width: float = 0.0  # face width as a fraction of the frame width

    @property
    def has_face(self) -> bool:
        return self.faces >= 1

    def row(self) -> list[float]:
        """``[t_ms, faces, ear, mouth, yaw, pitch]`` rounded: the evidence series row."""
        return [
            self.t_ms,
            self.faces,
            round(self.ear, 4),
            round(self.mouth, 4),
            round(self.yaw, 2),
            round(self.pitch, 2),
        ]


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-9 else np.array([1.0, 0.0])


def head_angles(face: FaceGeometry) -> tuple[float, float]:
    """(yaw left, pitch down) in degrees from 2-D landmark ratios (roll does not matter)."""
    left, right = face.pt(CHEEK_LEFT), face.pt(CHEEK_RIGHT)
    across = _unit(right - left)  # image left -> right along the face
    span = float(np.dot(right - left, across))
    r = float(np.dot(face.pt(NOSE_TIP) - left, across)) / max(span, 1e-6)
    yaw = math.degrees(math.atan((r - 0.5) * 2.0 / _NOSE_DEPTH))
    down = np.array([-across[1], across[0]])  # perpendicular: towards the chin
    eyes = face.eyes_mid
    height = float(np.dot(face.pt(CHIN) - eyes, down))
    v = float(np.dot(face.pt(NOSE_TIP) - eyes, down)) / max(height, 1e-6)
    pitch = math.degrees(math.atan((v - _NOSE_LEVEL) * _NOSE_PITCH_GAIN * 2.0))
    return yaw, pitch


def measure(face: FaceGeometry | None, faces: int, t_ms: int) -> Measurement:
    """The numbers of one frame; ``face`` is the largest face (None when none was found)."""
    if face is None:
        return Measurement(t_ms=t_ms, faces=faces)
    w, h = face.frame_size
    yaw, pitch = head_angles(face)
    x0, y0, x1, y1 = face.box
    return Measurement(
        t_ms=t_ms,
        faces=max(faces, 1),
        ear=face.eye_ratio(),
        mouth=face.mouth_ratio(),
        yaw=yaw,
        pitch=pitch,
        eye_px=float(np.linalg.norm(face.eye_left - face.eye_right)),
        cx=(x0 + x1) / 2 / w,
        cy=(y0 + y1) / 2 / h,
        width=(x1 - x0) / w,
    )
