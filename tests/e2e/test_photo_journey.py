"""The photo booth offscreen on the simulated camera.

The simulated sitter is Grace Hopper (matplotlib's sample photo), who wears her navy
cap: with the real engine the booth now asks her to take it off and never starts the
countdown by itself. No cap-free, neutral-faced photo ships offline, so the screens
after a compliant capture (countdown plate, result, timeout, receipt) are driven with
a stand-in for the sitter and camera: an engine whose live guidance is "good" and whose
capture is one fixed compliant photo. Screens go to $PHOTO_SHOTS when set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtGui import QImage

from devices.camera.sim import SimCamera
from devices.ticket_printer.protocol import PrinterFault
from devices.ticket_printer.sim import SimTicketPrinter
from kiosk.config import KioskConfig
from kiosk.flows.photo import PhotoEvent, PhotoJourney, PhotoState, photo_entry
from kiosk.journeys import offered_specs, photo_delivery, receipt_printer
from kiosk.photo.context import CheckResult, PhotoContext
from kiosk.photo.export import export_jpeg
from kiosk.photo.live import Guidance
from kiosk.photo.outline import outline_for
from kiosk.photo.specs import PhotoSpec, get_spec
from kiosk.terminal import build_terminal
from tests.e2e.qml_helpers import find_item, tap, text_of, wait_for
from tests.support import ManualClock
from ui.app import KioskUi

pytestmark = pytest.mark.xdist_group("photo")


def shots_dir(tmp_path: Path) -> Path:
    path = Path(os.environ.get("PHOTO_SHOTS", tmp_path))
    path.mkdir(parents=True, exist_ok=True)
    return path


def journey(ui: KioskUi) -> PhotoJourney:
    j = ui.controller.journey
    assert isinstance(j, PhotoJourney)
    return j


def test_booth_journey_with_a_capped_sitter(kiosk_ui: KioskUi, tmp_path: Path) -> None:
    w = kiosk_ui.window
    shots = shots_dir(tmp_path)
    camera = kiosk_ui.terminal.camera
    assert isinstance(camera, SimCamera)

    tap(w, "startButton")
    tap(w, "journey_photo")
    # The hall offers three photos (defaults): the citizen picks one.
    assert wait_for(lambda: find_item(w, "photoChooseScreen") is not None)
    kiosk_ui.grab(shots / "photo-00-choose.png")
    tap(w, "photoSpec_cn-exit-entry")
    assert wait_for(lambda: find_item(w, "photoBoothScreen") is not None)
    # Models load on first use; then guidance arrives for the live frames.
    assert wait_for(lambda: journey(kiosk_ui).guidance is not None, timeout_s=90)
    preview = find_item(w, "cameraPreview")
    assert preview is not None and "image://camera/" in preview.property("source").toString()
    # Grace Hopper's cap: the booth says so (issue 15.8: a sitter with a cap passed).
    assert wait_for(lambda: text_of(w, "instruction") == "请摘下帽子", timeout_s=30), text_of(
        w, "instruction"
    )
    kiosk_ui.grab(shots / "photo-01-remove-hat.png")
    j = journey(kiosk_ui)
    assert j.state is PhotoState.PREVIEW  # no countdown for a covered head
    tap(w, "readyButton")
    assert wait_for(lambda: find_item(w, "readyNote") is not None)
    assert j.state is PhotoState.PREVIEW  # "I'm ready" waits for the pose to be right

    camera.lose()
    assert wait_for(lambda: j.state is PhotoState.CAMERA_LOST, timeout_s=5)
    assert find_item(w, "cameraPreview") is None  # a clear message instead of a frozen frame
    # Back comes the camera, but the citizen has stepped away (an empty booth).
    camera.show_empty_booth()
    camera.restore()
    assert wait_for(lambda: j.state is PhotoState.PREVIEW, timeout_s=5)
    assert wait_for(lambda: (f := camera.latest()) is not None and f.image.std() < 10)
    assert wait_for(lambda: text_of(w, "instruction") == "请站到镜头前", timeout_s=10)

    # Twice already no good photo; a third capture of the empty booth fails too.
    j.failures = 2
    now = kiosk_ui.shell.now()
    j.machine.fire(PhotoEvent.READY, now)
    j.machine.fire(PhotoEvent.COUNTED_DOWN, now)
    assert wait_for(lambda: find_item(w, "photoHelpScreen") is not None, timeout_s=30)
    assert "3" in text_of(w, "helpTries")
    tap(w, "helpDone")
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)
    assert kiosk_ui.controller.session is None and kiosk_ui.controller.journey is None


class StandInSitter:
    """A compliant sitter in front of the camera: guidance "good", a white preview
    (the photo's background: the worst case for a white countdown digit) and, on
    capture, one fixed photo that passed its checks."""

    def __init__(self) -> None:
        self.spec = get_spec("cn-exit-entry")

    def use(self, spec: PhotoSpec) -> None:
        self.spec = spec

    def analyse_live(self, frame: np.ndarray) -> Guidance:
        return Guidance("很好，请保持不动", "Good, hold still", outline_for(1280, 720),
                        ready=True, key="good")  # fmt: skip

    def preview(self, frame: np.ndarray) -> np.ndarray:
        return np.full((540, 960, 3), 255, np.uint8)

    def take(self, frames: Sequence[np.ndarray]) -> PhotoContext:
        from matplotlib import cbook

        face = cv2.imread(str(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)))
        out = cv2.resize(face, (self.spec.width_px, self.spec.height_px))
        ctx = PhotoContext(image=frames[0], spec=self.spec, output=np.asarray(out, np.uint8))
        ctx.checks = [CheckResult("stand_in", 0.0, "stand-in sitter", True)]
        ctx.jpeg = export_jpeg(ctx.output, self.spec).data
        return ctx


@pytest.fixture
def booth(qapp: object, config: KioskConfig) -> Iterator[tuple[KioskUi, ManualClock]]:
    clock = ManualClock()
    ui = KioskUi(build_terminal(config), clock)
    t = ui.terminal
    ui.controller.entries["photo"] = photo_entry(
        t.camera, StandInSitter, photo_delivery(t), offered_specs(t), receipt_printer(t)
    )
    ui.window.resize(1920, 1080)
    ui.window.show()
    yield ui, clock
    ui.close()


def contrast(a: float, b: float) -> float:
    """WCAG contrast ratio of two relative luminances."""
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255.0
    lin = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * lin[..., 0] + 0.7152 * lin[..., 1] + 0.0722 * lin[..., 2]


def grab_item(ui: KioskUi, name: str, path: Path) -> np.ndarray:
    """The pixels of one item as RGB, from a grab of the whole window."""
    ui.grab(path)
    item = find_item(ui.window, name)
    assert item is not None
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    rgb = data[:, : image.width() * 3].reshape(image.height(), image.width(), 3)
    pos = item.mapToScene(item.boundingRect().topLeft())
    x, y = int(pos.x()), int(pos.y())
    return rgb[y : y + int(item.height()), x : x + int(item.width())].astype(float)


def test_countdown_result_timeout_and_receipt(booth, tmp_path: Path) -> None:
    ui, clock = booth
    w = ui.window
    shots = shots_dir(tmp_path)
    printer = ui.terminal.ticket_printer
    assert isinstance(printer, SimTicketPrinter)

    def to_result() -> PhotoJourney:
        tap(w, "startButton")
        tap(w, "journey_photo")
        tap(w, "photoSpec_us-visa")
        j = journey(ui)
        assert wait_for(lambda: j.guidance is not None, timeout_s=10)
        assert j.state is PhotoState.PREVIEW  # the count waits for the citizen
        tap(w, "readyButton")
        assert wait_for(lambda: j.state is PhotoState.COUNTDOWN)
        return j

    j = to_result()
    # Issue 15.8: the white digit was drawn on the white background. Now on a plate.
    assert wait_for(lambda: text_of(w, "countdown") == "3")
    plate = grab_item(ui, "countdownPlate", shots / "photo-02-countdown.png")
    lum = luminance(plate)
    dark, light = lum[lum < 0.1], lum[lum > 0.8]
    assert dark.size > 0.4 * lum.size and light.size > 0.05 * lum.size
    assert contrast(float(np.median(light)), float(np.median(dark))) >= 4.5
    clock.advance(3.5)
    assert wait_for(lambda: find_item(w, "photoResultScreen") is not None, timeout_s=20)
    ui.grab(shots / "photo-03-result.png")
    # No figures a citizen cannot use (was "354×472 · 54 KB").
    details = text_of(w, "photoDetails")
    assert details == "美国签证照片"
    # Issue 13.3: no countdown on OK; what the timeout does is said beside it.
    assert text_of(w, "acceptButton") == "确定，使用这张照片"
    assert text_of(w, "resultTimeoutNotice") == "120 秒内不点“确定”，这张照片将不会保存。"
    clock.advance(121)
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)
    assert ui.terminal.outbox.status().pending == 0  # not kept, as the screen said
    assert printer.slips == []

    j = to_result()
    clock.advance(3.5)
    tap(w, "acceptButton", timeout_s=20)
    assert wait_for(lambda: find_item(w, "photoSavedScreen") is not None, timeout_s=10)
    assert wait_for(lambda: j.receipt)
    ui.grab(shots / "photo-04-saved.png")
    assert ui.terminal.outbox.status().pending == 1
    assert [s.fields["receipt"] for s in printer.slips] == [j.receipt]
    assert text_of(w, "savedHeadline") == "照片已保存"
    assert "请取走打印的回执" in text_of(w, "savedInstruction")
    tap(w, "photoSavedDone")
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)

    printer.inject(PrinterFault.PAPER_OUT)
    j = to_result()
    clock.advance(3.5)
    tap(w, "acceptButton", timeout_s=20)
    assert wait_for(lambda: find_item(w, "photoSavedScreen") is not None, timeout_s=10)
    ui.grab(shots / "photo-05-receipt-not-printed.png")
    assert text_of(w, "savedHeadline") == "照片已保存，但回执没有打印出来"
    assert "请工作人员帮您记下" in text_of(w, "savedInstruction")
    assert text_of(w, "photoReceipt") == j.receipt and j.receipt
    assert ui.terminal.outbox.status().pending == 2  # the photo is queued all the same
