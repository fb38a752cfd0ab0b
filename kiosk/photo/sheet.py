"""A 6-inch (4x6 in) print sheet of copies with cut marks, at the spec's dpi."""

from __future__ import annotations

import cv2
import numpy as np

from kiosk.photo.context import Image
from kiosk.photo.specs import PhotoSpec

SHEET_IN = (6.0, 4.0)  # landscape 6x4 inches (a "6-inch" photo print)
GAP_MM = 1.5
MARK_MM = 2.5


def print_sheet(photo: Image, spec: PhotoSpec, dpi: int = 300) -> Image:
    """As many copies at true print size (``print_mm``) as fit, with corner cut marks."""
    sheet_w, sheet_h = int(SHEET_IN[0] * dpi), int(SHEET_IN[1] * dpi)
    px_per_mm = dpi / 25.4
    w = round(spec.print_mm[0] * px_per_mm)
    h = round(spec.print_mm[1] * px_per_mm)
    gap = round(GAP_MM * px_per_mm)
    mark = round(MARK_MM * px_per_mm)
    cols = max(1, (sheet_w - gap) // (w + gap))
    rows = max(1, (sheet_h - gap) // (h + gap))
    copy = cv2.resize(photo, (w, h), interpolation=cv2.INTER_AREA)
    sheet = np.full((sheet_h, sheet_w, 3), 255, np.uint8)
    x0 = (sheet_w - cols * w - (cols - 1) * gap) // 2
    y0 = (sheet_h - rows * h - (rows - 1) * gap) // 2
    for r in range(rows):
        for c in range(cols):
            x, y = x0 + c * (w + gap), y0 + r * (h + gap)
            if y + h > sheet_h or x + w > sheet_w:
                continue
            sheet[y : y + h, x : x + w] = copy
            _cut_marks(sheet, x, y, w, h, mark)
    return sheet


def _cut_marks(sheet: Image, x: int, y: int, w: int, h: int, length: int) -> None:
    """Thin grey ticks just outside each corner, on the lines to cut along."""
    colour = (90, 90, 90)
    off = 2
    for cx in (x, x + w - 1):
        for cy, direction in ((y, -1), (y + h - 1, 1)):
            cv2.line(
                sheet, (cx, cy + direction * off), (cx, cy + direction * (off + length)), colour, 1
            )
    for cy in (y, y + h - 1):
        for cx, direction in ((x, -1), (x + w - 1, 1)):
            cv2.line(
                sheet, (cx + direction * off, cy), (cx + direction * (off + length), cy), colour, 1
            )
