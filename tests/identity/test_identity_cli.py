"""``kiosk identity check`` as a technician runs it: a folder of frames or a video file,
the challenge list, a reference photo; JSON fields and exit codes 0 / 3 / 2."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.identity.challenges import Action
from tests.identity.conftest import FPS, Clip

KIOSK = str(Path(sys.executable).parent / "kiosk")
A = Action


def write_frames(frames: Clip, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n, (image, _t) in enumerate(frames):
        cv2.imwrite(str(folder / f"{n:04d}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    return folder


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KIOSK, "identity", "check", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def acted(clip: Callable[..., Clip], tmp_path_factory: pytest.TempPathFactory) -> Path:
    frames = clip("person_b_1", A.BLINK, A.OPEN_MOUTH, A.TURN_LEFT)
    return write_frames(frames, tmp_path_factory.mktemp("clip") / "frames")


def test_verified_clip_exits_0_with_the_json_fields(acted: Path, faces: dict) -> None:
    done = check("--video", str(acted), "--challenges", "blink,open_mouth,turn_left",
                 "--reference", str(faces["person_b_2"]), "--fps", str(FPS), "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["verdict"] == "verified" and out["live"] is True
    assert [c["name"] for c in out["challenges"]] == ["blink", "open_mouth", "turn_left"]
    assert all(c["passed"] and c["at_ms"] > 0 for c in out["challenges"])
    assert out["match"]["same_person"] is True
    assert out["match"]["score"] >= out["match"]["threshold"] == 0.42
    assert out["faces_seen"] == 1


def test_a_video_file_of_another_person_exits_3(acted: Path, faces: dict, tmp_path: Path) -> None:
    frames = sorted(acted.iterdir())
    first = cv2.imread(str(frames[0]))
    video = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), FPS,
                             (first.shape[1], first.shape[0]))  # fmt: skip
    for f in frames:
        writer.write(cv2.imread(str(f)))
    writer.release()
    done = check("--video", str(video), "--challenges", "blink,open_mouth,turn_left",
                 "--reference", str(faces["impostor_2"]), "--json")  # fmt: skip
    assert done.returncode == 3, done.stderr
    out = json.loads(done.stdout)
    assert out["verdict"] == "not_same_person" and out["live"] is True
    assert out["match"]["same_person"] is False


def test_the_wrong_order_is_not_live(acted: Path, faces: dict) -> None:
    done = check("--video", str(acted), "--challenges", "open_mouth,blink,turn_left",
                 "--reference", str(faces["person_b_2"]), "--fps", str(FPS))  # fmt: skip
    assert done.returncode == 3
    assert done.stdout.startswith("not_live:")


def test_a_clip_without_a_face_is_no_face(tmp_path: Path, faces: dict) -> None:
    from skimage import data

    cat = np.ascontiguousarray(data.chelsea()[:, :, ::-1])
    folder = write_frames([(cat, 0)] * 6 + [(np.full_like(cat, 90), 0)] * 6, tmp_path / "c")
    done = check("--video", str(folder), "--challenges", "blink,nod",
                 "--reference", str(faces["person_b_2"]), "--json")  # fmt: skip
    assert done.returncode == 3, done.stderr
    out = json.loads(done.stdout)
    assert out["verdict"] == "no_face" and out["faces_seen"] == 0 and out["match"] is None
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--challenges", "blink,wink"], "unknown challenge 'wink'"),
        (["--challenges", "blink,blink"], "given twice"),
        (["--challenges", ""], "no challenges"),
        (["--reference", "/nonexistent.jpg"], "--reference /nonexistent.jpg"),
        (["--video", "/nonexistent-clip"], "no such file or folder"),
        (["--fps", "0"], "--fps"),
    ],
)
def test_usage_errors_exit_2_with_one_clear_line(
    args: list[str], says: str, faces: dict, tmp_path: Path
) -> None:
    base = {"--video": str(tmp_path), "--challenges": "blink", "--reference": str(faces["obama"])}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    done = check(*[x for kv in base.items() for x in kv])
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_reference_that_is_not_an_image_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "ref.jpg"
    bad.write_bytes(b"not a picture")
    done = check("--video", str(tmp_path), "--challenges", "nod", "--reference", str(bad))
    assert done.returncode == 2 and "not an image" in done.stderr
