"""Camera drivers: a real video file through OpenCV, and V4L2 with a stand-in capture
(no camera exists in this container). Newest frame wins; unplug -> fault -> recovery."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.base import DeviceKind
from devices.camera.capture import FileCamera, V4l2Camera
from devices.health import DeviceEvent, EventKind, HealthState
from devices.registry import open_device
from devices.uri import DeviceUri


def wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


class Events:
    def __init__(self) -> None:
        self.seen: list[DeviceEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: DeviceEvent) -> None:
        with self._lock:
            self.seen.append(event)

    def kinds(self) -> list[EventKind]:
        with self._lock:
            return [e.kind for e in self.seen]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20-frame 320x240 clip whose frames carry their index as brightness."""
    path = tmp_path_factory.mktemp("clip") / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 50, (320, 240))
    assert writer.isOpened()
    for i in range(20):
        writer.write(np.full((240, 320, 3), 10 * i, np.uint8))
    writer.release()
    return path


def test_registry_knows_the_schemes(clip: Path) -> None:
    assert isinstance(open_device(DeviceKind.CAMERA, f"file://{clip}"), FileCamera)
    assert isinstance(open_device(DeviceKind.CAMERA, "v4l2:///dev/video0?w=640"), V4l2Camera)


def test_file_camera_plays_loops_and_keeps_only_the_newest(clip: Path) -> None:
    cam = FileCamera(DeviceUri.parse(f"file://{clip}?fps=100"))
    cam.start(Events())
    try:
        first = cam.wait_frame(0, timeout=5)
        assert first is not None and first.image.shape == (240, 320, 3)
        time.sleep(0.5)  # a slow consumer: frames pass by, only the newest is kept
        later = cam.latest()
        assert later is not None and later.seq > first.seq + 10  # more than 20: it looped
        assert wait_for(lambda: (f := cam.latest()) is not None and f.seq > 25)
        assert cam.health().state is HealthState.OK
        assert cam.health().counters["frames"] > 25
    finally:
        cam.close()


def test_file_gone_is_a_fault_and_coming_back_recovers(clip: Path, tmp_path: Path) -> None:
    path = tmp_path / "booth.avi"
    path.write_bytes(clip.read_bytes())
    events = Events()
    cam = FileCamera(DeviceUri.parse(f"file://{path}?fps=200&retry=0.05"))
    cam.start(events)
    try:
        assert cam.wait_frame(0) is not None
        os.rename(path, tmp_path / "away.avi")  # the camera is unplugged
        assert wait_for(lambda: cam.health().state is HealthState.FAULT)
        assert EventKind.CAMERA_LOST in events.kinds()
        assert wait_for(lambda: cam.latest() is None)
        os.rename(tmp_path / "away.avi", path)  # plugged back in
        assert wait_for(lambda: cam.health().state is HealthState.OK)
        assert events.kinds()[-1] is EventKind.RECOVERED
        assert cam.wait_frame(0) is not None
    finally:
        cam.close()


class FakeCapture:
    """Stands in for cv2.VideoCapture on /dev/videoN: frames until ``unplugged``."""

    def __init__(self, board: dict[str, object]) -> None:
        self.board = board
        self.props: dict[int, float] = {}
        self.n = 0

    def isOpened(self) -> bool:
        return not self.board["unplugged"]

    def read(self) -> tuple[bool, object]:
        time.sleep(0.005)
        if self.board["unplugged"]:
            return False, None
        self.n += 1
        return True, np.full((72, 128, 3), self.n % 255, np.uint8)

    def set(self, prop: int, value: float) -> bool:
        # This camera has no manual exposure or white balance.
        if prop in (cv2.CAP_PROP_EXPOSURE, cv2.CAP_PROP_WB_TEMPERATURE):
            return False
        self.props[prop] = value
        return True

    def get(self, prop: int) -> float:
        return self.props.get(prop, 0.0)

    def release(self) -> None:
        self.board["releases"] = 1


def test_v4l2_unplug_and_replug_without_restart() -> None:
    board: dict[str, object] = {"unplugged": False}
    opened: list[FakeCapture] = []

    def opener(path: str) -> FakeCapture:
        assert path == "/dev/video3"
        opened.append(FakeCapture(board))
        return opened[-1]

    uri = DeviceUri.parse("v4l2:///dev/video3?w=1280&h=720&fps=30&exposure=150&wb=4600&retry=0.05")
    events = Events()
    cam = V4l2Camera(uri, opener=opener)
    cam.start(events)
    try:
        assert cam.wait_frame(0) is not None
        props = opened[0].props
        assert props[cv2.CAP_PROP_FRAME_WIDTH] == 1280 and props[cv2.CAP_PROP_FPS] == 30
        assert props[cv2.CAP_PROP_AUTO_EXPOSURE] == 1.0  # manual exposure asked for
        assert cam.health().counters["settings_refused"] == 2  # and honestly refused
        board["unplugged"] = True
        assert wait_for(lambda: cam.health().state is HealthState.FAULT)
        assert cam.health().reason in ("camera unplugged", "camera not found")
        assert EventKind.CAMERA_LOST in events.kinds() and cam.latest() is None
        board["unplugged"] = False
        assert wait_for(lambda: cam.health().state is HealthState.OK)
        assert events.kinds()[-1] is EventKind.RECOVERED
        assert len(opened) >= 2  # reopened by the same driver instance
    finally:
        cam.close()


def test_v4l2_without_a_device_node_is_a_fault() -> None:
    cam = V4l2Camera(DeviceUri.parse("v4l2:///dev/video-none?retry=0.05"))
    events = Events()
    cam.start(events)
    try:
        assert wait_for(lambda: cam.health().state is HealthState.FAULT)
        assert cam.health().reason == "camera not found"
    finally:
        cam.close()
