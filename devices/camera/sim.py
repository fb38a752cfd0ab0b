"""A simulated camera: a real face (matplotlib's grace_hopper.jpg) with slight motion."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from devices.camera.protocol import Frame
from devices.health import EventKind, EventSink, Health, HealthState, HealthTracker
from devices.uri import DeviceUri


def _face_image(width: int, height: int) -> npt.NDArray[np.uint8]:
    import cv2
    from matplotlib import cbook

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    data = np.fromfile(str(path), dtype=np.uint8)
    img = cv2.imdecode(data, cv2.IMREAD_COLOR)
    # Letterbox into the requested frame the way a booth camera frames a person.
    scale = min(width / img.shape[1], height / img.shape[0])
    face = cv2.resize(img, (int(img.shape[1] * scale), int(img.shape[0] * scale)))
    canvas = np.full((height, width, 3), 200, np.uint8)
    y0 = (height - face.shape[0]) // 2
    x0 = (width - face.shape[1]) // 2
    canvas[y0 : y0 + face.shape[0], x0 : x0 + face.shape[1]] = face
    return canvas


class SimCamera:
    """``sim://?w=1280&h=720&fps=15``: frames from a thread; ``lose()`` unplugs it."""

    def __init__(self, uri: DeviceUri, role: str = "camera") -> None:
        self.uri = uri.raw
        self.role = role
        self.width = uri.int_param("w", 1280)
        self.height = uri.int_param("h", 720)
        self.fps = uri.float_param("fps", 15.0)
        self._base: npt.NDArray[np.uint8] | None = None
        self._latest: Frame | None = None
        self._lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._health = HealthTracker(role)
        self._source: Callable[[int], npt.NDArray[np.uint8]] | None = None
        # Paced (the tour): a new frame only once the last was taken, stamped with frame
        # time (seq / fps), so every frame is analysed however busy the machine is and a
        # screenshot never eats into a live check's action window.
        self.paced = False
        self._taken = True
        self._seq = 0

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sim-camera", daemon=True)
            self._thread.start()

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def lose(self) -> None:
        self._lost = True
        self._latest = None
        self._health.set(HealthState.FAULT, "camera unplugged", EventKind.CAMERA_LOST)

    def restore(self) -> None:
        self._lost = False
        self._health.set(HealthState.OK, "", EventKind.RECOVERED)

    def show_empty_booth(self, empty: bool = True) -> None:
        """Nobody in front of the camera (or, with False, the person back)."""
        self._base = np.full((self.height, self.width, 3), 200, np.uint8) if empty else None

    def play(self, source: Callable[[int], npt.NDArray[np.uint8]] | None) -> None:
        """Frames come from ``source(seq)`` (a performer acting for the tour or a test)
        instead of the still portrait; None goes back to the portrait."""
        self._source = source

    def latest(self) -> Frame | None:
        self._taken = True
        return self._latest

    @property
    def frame_time(self) -> float:
        """Seconds of frames made so far (the clock of a paced camera)."""
        return self._seq / self.fps

    def render(self, seq: int) -> npt.NDArray[np.uint8]:
        """Frame ``seq``: the face swaying a few pixels, as a person standing still does."""
        import cv2

        if self._base is None:
            self._base = _face_image(self.width, self.height)
        dx = 6 * math.sin(seq / 9)
        dy = 3 * math.sin(seq / 13)
        shift = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
        out = cv2.warpAffine(
            self._base, shift, (self.width, self.height), borderValue=(200, 200, 200)
        )
        return np.asarray(out, dtype=np.uint8)

    def _run(self) -> None:
        period = 1 / self.fps
        while not self._stop.wait(period):
            if self._lost or (self.paced and not self._taken):
                continue
            self._seq += 1
            seq = self._seq
            source = self._source
            image = source(seq) if source is not None else self.render(seq)
            stamp = self.frame_time if self.paced else time.monotonic()
            self._taken = False
            self._latest = Frame(image, seq, stamp)
            self._health.count("frames")
