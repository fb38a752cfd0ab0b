"""Bold text is bold on the real display (xcb under Xvfb) and offscreen, at every size
the kiosk uses, from the first frame; and form PDFs embed the same real bold face."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.e2e.bold_probe import ROW, SIZES

ROOT = Path(__file__).resolve().parents[2]


def ink(image: QImage, x0: int, x1: int, y0: int, y1: int) -> int:
    """Dark pixels in a box: a bold word has clearly more than the same word regular."""
    count = 0
    for y in range(y0, y1, 2):
        for x in range(x0, x1, 2):
            if image.pixelColor(x, y).lightness() < 128:
                count += 1
    return count


def probe(tmp_path: Path, env: dict[str, str]) -> QImage:
    out = tmp_path / "bold.png"
    subprocess.run(
        [sys.executable, "-m", "tests.e2e.bold_probe", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,  # a bound for a loaded machine, not a speed check
        capture_output=True,
    )
    image = QImage(str(out))
    assert not image.isNull()
    return image


def assert_bold_at_every_size(image: QImage) -> None:
    for row, size in enumerate(SIZES):
        y0, y1 = row * ROW, (row + 1) * ROW
        bold, regular = ink(image, 0, 700, y0, y1), ink(image, 700, 1400, y0, y1)
        assert regular > 0, f"{size} px: nothing drawn"
        assert bold > 1.25 * regular, f"{size} px: bold {bold} vs regular {regular} dark pixels"


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A private X server; it picks a free display number itself."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1400x700x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as f:
        display = f.readline().strip()
    try:
        yield f":{display}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_bold_offscreen(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    assert_bold_at_every_size(probe(tmp_path, env))


@pytest.mark.daemon
def test_bold_on_the_x_display(tmp_path: Path, xvfb: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = xvfb
    assert_bold_at_every_size(probe(tmp_path, env))
