"""JPEG export at the spec's size and dpi, quality searched to fit the size window."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image as PILImage

from kiosk.photo.context import Image
from kiosk.photo.specs import PhotoSpec


@dataclass(frozen=True)
class Encoded:
    data: bytes
    quality: int
    fits: bool  # within the spec's min_kb..max_kb (True when the spec sets none)


def encode_jpeg(image: Image, dpi: int, quality: int) -> bytes:
    """Baseline JPEG with the JFIF density set to ``dpi``."""
    pil = PILImage.fromarray(np.ascontiguousarray(image[:, :, ::-1]))
    buf = io.BytesIO()
    pil.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), subsampling=0, optimize=True)
    return buf.getvalue()


def export_jpeg(image: Image, spec: PhotoSpec) -> Encoded:
    """The best quality whose file is at most ``max_kb``; raised toward ``min_kb``.

    Binary search on quality (file size grows with quality); if even quality 100 is
    below ``min_kb`` the photo is plain enough that the spec's floor cannot be met
    honestly, and ``fits`` says so rather than padding the file.
    """
    lo_bytes = (spec.min_kb or 0) * 1024
    hi_bytes = (spec.max_kb or float("inf")) * 1024
    best: Encoded | None = None
    lo, hi = 10, 95
    while lo <= hi:
        q = (lo + hi) // 2
        data = encode_jpeg(image, spec.dpi, q)
        if len(data) <= hi_bytes:
            best = Encoded(data, q, len(data) >= lo_bytes)
            lo = q + 1
        else:
            hi = q - 1
    if best is None:  # even quality 10 is too big: take it and say it does not fit
        data = encode_jpeg(image, spec.dpi, 10)
        return Encoded(data, 10, False)
    return best
