"""JPEG export fits the spec's size window; the print sheet has copies and cut marks."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image as PILImage

from kiosk.photo.export import export_jpeg
from kiosk.photo.sheet import print_sheet
from kiosk.photo.specs import get_spec
from tests.unit.photo.faces import grace_hopper


def _photo(spec_id: str) -> np.ndarray:
    spec = get_spec(spec_id)
    return cv2.resize(grace_hopper(), (spec.width_px, spec.height_px), interpolation=cv2.INTER_AREA)


def test_quality_is_searched_into_the_window() -> None:
    spec = get_spec("cn-exit-entry")
    encoded = export_jpeg(_photo("cn-exit-entry"), spec)
    assert encoded.fits
    assert 20 * 1024 <= len(encoded.data) <= 80 * 1024
    assert 10 <= encoded.quality <= 95
    pil = PILImage.open(io.BytesIO(encoded.data))
    assert pil.size == (354, 472) and round(pil.info["dpi"][0]) == 300


def test_noisy_photo_is_squeezed_under_max_kb() -> None:
    spec = get_spec("cn-id-card")  # 14-40 KB
    rng = np.random.default_rng(1)
    noisy = rng.integers(0, 256, (spec.height_px, spec.width_px, 3), dtype=np.uint8)
    encoded = export_jpeg(noisy, spec)
    assert len(encoded.data) <= 40 * 1024
    assert encoded.quality < 60


def test_flat_photo_cannot_reach_min_kb_and_says_so() -> None:
    spec = get_spec("cn-exit-entry")
    flat = np.full((spec.height_px, spec.width_px, 3), 255, np.uint8)
    encoded = export_jpeg(flat, spec)
    assert not encoded.fits and len(encoded.data) < 20 * 1024


def test_sheet_has_true_size_copies_and_cut_marks() -> None:
    spec = get_spec("cn-exit-entry")
    sheet = print_sheet(_photo("cn-exit-entry"), spec)
    assert sheet.shape == (1200, 1800, 3)
    # 33x48 mm at 300 dpi is 390x567 px: four across, two down on a 6x4 in sheet.
    grey = cv2.cvtColor(sheet, cv2.COLOR_BGR2GRAY)
    photo_cols = np.where((grey < 250).mean(axis=0) > 0.5)[0]
    runs = np.split(photo_cols, np.where(np.diff(photo_cols) > 1)[0] + 1)
    assert len(runs) == 4
    assert all(abs(len(r) - 390) <= 2 for r in runs)
    # Cut marks: dark ticks in the white margin just above the first copy's left edge.
    x0 = runs[0][0]
    rows = np.where(grey[:, x0] < 250)[0]
    top = rows.min()
    assert top < 1200 // 2 - 567 + 5  # the tick starts above the photo itself
