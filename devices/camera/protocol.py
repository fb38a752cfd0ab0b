"""What the core asks of a camera: the newest frame, never a queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from devices.base import Device

if TYPE_CHECKING:  # numpy loads with the first frame, not with the attract screen
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class Frame:
    image: npt.NDArray[np.uint8]  # BGR, height x width x 3
    seq: int
    timestamp: float  # time.monotonic() at capture


class Camera(Device, Protocol):
    def latest(self) -> Frame | None:
        """The newest frame, or None while no frame has arrived (or the camera is lost)."""
