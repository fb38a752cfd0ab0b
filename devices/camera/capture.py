"""Cameras read through OpenCV ``VideoCapture``: V4L2 devices and video files.

A capture thread reads continuously and keeps only the newest frame (never a queue),
so a slow consumer sees fresh frames and memory stays flat. When the source goes
away (USB unplugged, file gone) health turns to FAULT with a CAMERA_LOST event;
the thread keeps trying to reopen and reports RECOVERED when frames flow again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from devices.camera.protocol import Frame
from devices.health import EventKind, EventSink, Health, HealthState, HealthTracker
from devices.uri import DeviceUri, DeviceUriError

log = logging.getLogger(__name__)


class Capture(Protocol):
    """The part of ``cv2.VideoCapture`` we use (a stand-in can replace it in tests)."""

    def isOpened(self) -> bool: ...

    def read(self) -> tuple[bool, Any]: ...

    def set(self, prop: int, value: float) -> bool: ...

    def get(self, prop: int) -> float: ...

    def release(self) -> None: ...


Opener = Callable[[], Capture | None]


class _CaptureCamera:
    """Shared capture thread: open, read, keep newest, detect loss, reopen."""

    # Consecutive failed reads before a live camera counts as lost (~0.3 s at 30 fps).
    LOST_AFTER_FAILURES = 10

    def __init__(self, uri: DeviceUri, role: str, retry_s: float) -> None:
        self.uri = uri.raw
        self.role = role
        self.retry_s = retry_s
        self._latest: Frame | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._health = HealthTracker(role)
        self._health.set(HealthState.DEGRADED, "starting")
        self._lost = False
        self._seq = 0

    # -- Device protocol -------------------------------------------------------------
    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"{self.role}-capture", daemon=True
            )
            self._thread.start()

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)
            self._thread = None

    def latest(self) -> Frame | None:
        return self._latest

    def wait_frame(self, after_seq: int = 0, timeout: float = 2.0) -> Frame | None:
        """Block until a frame newer than ``after_seq`` arrives (tests, CLI snapshots)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = self._latest
            if frame is not None and frame.seq > after_seq:
                return frame
            time.sleep(0.005)
        return None

    # -- to override -------------------------------------------------------------------
    def _open(self) -> Capture | None:
        raise NotImplementedError

    def _source_present(self) -> bool:
        return True

    def _pace(self, cap: Capture) -> None:
        """Live cameras pace themselves (read blocks); files sleep to their frame rate."""

    def _at_end(self, cap: Capture) -> bool:
        return False

    # -- the thread --------------------------------------------------------------------
    def _mark_lost(self, reason: str) -> None:
        self._latest = None
        if not self._lost:
            self._lost = True
            self._health.count("lost")
            log.warning("%s lost: %s", self.role, reason)
        self._health.set(HealthState.FAULT, reason, EventKind.CAMERA_LOST)

    def _mark_ok(self) -> None:
        if self._lost:
            self._lost = False
            self._health.count("recovered")
            self._health.set(HealthState.OK, "", EventKind.RECOVERED)
        else:
            self._health.set(HealthState.OK, "")

    def _run(self) -> None:
        cap: Capture | None = None
        failures = 0
        while not self._stop.is_set():
            if cap is None:
                cap = self._open() if self._source_present() else None
                if cap is None or not cap.isOpened():
                    if cap is not None:
                        cap.release()
                    cap = None
                    self._mark_lost("camera not found")
                    self._stop.wait(self.retry_s)
                    continue
                failures = 0
            ok, image = cap.read()
            if ok and image is not None:
                failures = 0
                self._seq += 1
                self._latest = Frame(np.ascontiguousarray(image), self._seq, time.monotonic())
                self._health.count("frames")
                self._mark_ok()
                self._pace(cap)
                continue
            if self._at_end(cap):
                # A clip ended: reopen from the start (and notice if it disappeared).
                cap.release()
                cap = None
                continue
            failures += 1
            self._health.count("read_errors")
            if failures >= self.LOST_AFTER_FAILURES or not self._source_present():
                cap.release()
                cap = None
                self._mark_lost("camera unplugged")
                self._stop.wait(self.retry_s)
            else:
                self._stop.wait(0.01)
        if cap is not None:
            cap.release()


class V4l2Camera(_CaptureCamera):
    """``v4l2:///dev/video0?w=1280&h=720&fps=30&exposure=auto|N&wb=auto|KELVIN``.

    Exposure and white balance are requested from the driver; a camera that refuses a
    setting still works, and the refusal is counted in health (``settings_refused``).
    """

    def __init__(
        self, uri: DeviceUri, role: str = "camera", opener: Callable[[str], Capture] | None = None
    ) -> None:
        super().__init__(uri, role, retry_s=uri.float_param("retry", 1.0))
        self.path = uri.path or "/dev/video0"
        self.width = uri.int_param("w", 1280)
        self.height = uri.int_param("h", 720)
        self.fps = uri.float_param("fps", 30.0)
        self.exposure = uri.params.get("exposure", "auto")
        self.white_balance = uri.params.get("wb", "auto")
        if self.exposure != "auto":
            uri.float_param("exposure", 0.0)  # validates: a number or "auto"
        if self.white_balance != "auto":
            uri.int_param("wb", 0)
        self._opener = opener or _cv2_v4l2

    def _source_present(self) -> bool:
        # Our own opener needs the device node; an injected one decides for itself.
        return self._opener is not _cv2_v4l2 or os.path.exists(self.path)

    def _open(self) -> Capture | None:
        import cv2

        cap = self._opener(self.path)
        if not cap.isOpened():
            return cap
        wanted: list[tuple[int, float]] = [
            (cv2.CAP_PROP_FOURCC, float(cv2.VideoWriter.fourcc(*"MJPG"))),
            (cv2.CAP_PROP_FRAME_WIDTH, float(self.width)),
            (cv2.CAP_PROP_FRAME_HEIGHT, float(self.height)),
            (cv2.CAP_PROP_FPS, float(self.fps)),
            (cv2.CAP_PROP_BUFFERSIZE, 1.0),  # newest frame: no driver-side backlog
        ]
        if self.exposure == "auto":
            wanted.append((cv2.CAP_PROP_AUTO_EXPOSURE, 3.0))  # V4L2 aperture-priority auto
        else:
            wanted += [
                (cv2.CAP_PROP_AUTO_EXPOSURE, 1.0),
                (cv2.CAP_PROP_EXPOSURE, float(self.exposure)),
            ]
        if self.white_balance == "auto":
            wanted.append((cv2.CAP_PROP_AUTO_WB, 1.0))
        else:
            wanted += [
                (cv2.CAP_PROP_AUTO_WB, 0.0),
                (cv2.CAP_PROP_WB_TEMPERATURE, float(self.white_balance)),
            ]
        for prop, value in wanted:
            if not cap.set(prop, value):
                self._health.count("settings_refused")
        return cap


def _cv2_v4l2(path: str) -> Capture:
    import cv2

    cap: Capture = cv2.VideoCapture(path, cv2.CAP_V4L2)
    return cap


class FileCamera(_CaptureCamera):
    """``file:///path/clip.mp4?fps=N&loop=1``: a clip played at its frame rate, looping.

    The stand-in for a real camera in demos and tests. If the file disappears the
    camera reports itself lost, and recovers when the file is back.
    """

    def __init__(self, uri: DeviceUri, role: str = "camera") -> None:
        super().__init__(uri, role, retry_s=uri.float_param("retry", 0.5))
        if not uri.path:
            raise DeviceUriError(uri.raw, "file:// needs a path, e.g. file:///srv/clip.mp4")
        self.path = uri.path
        self.fps = uri.float_param("fps", 0.0)  # 0 = the clip's own rate
        self.loop = uri.params.get("loop", "1") not in ("0", "false", "no")
        self._period = 0.0
        self._next_due = 0.0
        self._ended = False

    def _source_present(self) -> bool:
        return os.path.isfile(self.path)

    def _open(self) -> Capture | None:
        import cv2

        if self._ended:
            self._stop.wait(self.retry_s)
            return None
        cap: Capture = cv2.VideoCapture(self.path)
        if cap.isOpened():
            rate = self.fps or cap.get(cv2.CAP_PROP_FPS) or 25.0
            self._period = 1.0 / rate
            self._next_due = time.monotonic()
        return cap

    def _pace(self, cap: Capture) -> None:
        self._next_due += self._period
        delay = self._next_due - time.monotonic()
        if delay > 0:
            self._stop.wait(delay)
        else:
            self._next_due = time.monotonic()  # fell behind: do not burst to catch up

    def _at_end(self, cap: Capture) -> bool:
        import cv2

        total = cap.get(cv2.CAP_PROP_FRAME_COUNT)
        at_end = total > 0 and cap.get(cv2.CAP_PROP_POS_FRAMES) >= total
        if at_end and not self.loop:
            self._ended = True
        return at_end and self._source_present()
