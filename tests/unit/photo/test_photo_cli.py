"""``kiosk photo`` as a technician runs it: files in, files and one clear line out."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest
from PIL import Image as PILImage

from kiosk.cli import main
from tests.unit.photo.faces import chelsea, grace_hopper, two_faces


@pytest.fixture(scope="module")
def grace_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    d = tmp_path_factory.mktemp("cli")
    cv2.imwrite(str(d / "in.png"), grace_hopper())
    rc = main(
        [
            "photo", "process", str(d / "in.png"), "--spec", "cn-exit-entry",
            "--background", "blue", "--out", str(d / "out.jpg"),
            "--sheet", str(d / "sheet.jpg"), "--report-json", str(d / "report.json"),
        ]
    )  # fmt: skip
    return rc, d


def test_process_writes_photo_sheet_and_report(grace_run) -> None:
    rc, d = grace_run
    assert rc == 0
    report = json.loads((d / "report.json").read_text())
    assert set(report) == {"compliant", "faces", "checks", "output"}
    # Grace Hopper wears her cap: the photo is made and the report says what fails.
    assert report["compliant"] is False and report["faces"] == 1
    assert [c["name"] for c in report["checks"] if not c["passed"]] == ["head_covering"]
    for check in report["checks"]:
        assert set(check) == {"name", "value", "limit", "passed"}
    out = report["output"]
    assert (out["width"], out["height"]) == (354, 472)
    assert out["bytes"] == (d / "out.jpg").stat().st_size
    assert 20 * 1024 <= out["bytes"] <= 80 * 1024
    assert 0.583 <= out["head_height_ratio"] <= 0.688
    with PILImage.open(d / "out.jpg") as img:
        assert img.size == (354, 472)
        r, g, b = img.convert("RGB").getpixel((5, 5))
        assert abs(r - 0xD6) < 5 and abs(g - 0xE4) < 5 and abs(b - 0xF2) < 5
    with PILImage.open(d / "sheet.jpg") as sheet:
        assert sheet.size == (1800, 1200)  # 6x4 in at 300 dpi


@pytest.mark.parametrize(("maker", "faces"), [(chelsea, 0), (two_faces, 2)])
def test_not_one_face_no_photo_one_line(tmp_path: Path, capsys, maker, faces: int) -> None:
    cv2.imwrite(str(tmp_path / "in.png"), maker())
    rc = main(
        [
            "photo", "process", str(tmp_path / "in.png"), "--spec", "cn-id-card",
            "--out", str(tmp_path / "out.jpg"), "--report-json", str(tmp_path / "r.json"),
        ]
    )  # fmt: skip
    assert rc != 0
    assert not (tmp_path / "out.jpg").exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "face" in err[0]
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["faces"] == faces and report["compliant"] is False and report["output"] is None


def test_bad_inputs_are_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "junk.jpg").write_bytes(b"not a jpeg")
    assert main(["photo", "process", str(tmp_path / "junk.jpg"), "--spec", "us-visa",
                 "--out", str(tmp_path / "o.jpg")]) != 0  # fmt: skip
    assert main(["photo", "process", str(tmp_path / "junk.jpg"), "--spec", "nope",
                 "--out", str(tmp_path / "o.jpg")]) == 2  # fmt: skip
    assert main(["photo", "process", str(tmp_path / "junk.jpg"), "--spec", "us-visa",
                 "--background", "purple", "--out", str(tmp_path / "o.jpg")]) == 2  # fmt: skip
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3
    assert "not an image" in lines[0] and "unknown id 'nope'" in lines[1]
    assert "purple" in lines[2]


def test_specs_json_lists_required_fields(capsys) -> None:
    assert main(["photo", "specs", "--json"]) == 0
    specs = {s["id"]: s for s in json.loads(capsys.readouterr().out)}
    assert {"cn-exit-entry", "cn-id-card", "icao-35x45", "us-visa"} <= set(specs)
    exit_entry = specs["cn-exit-entry"]
    assert (exit_entry["width_px"], exit_entry["height_px"]) == (354, 472)
    assert exit_entry["min_kb"] == 20 and exit_entry["max_kb"] == 80
    assert exit_entry["backgrounds"]["white"] == "#FFFFFF"
    assert specs["cn-id-card"]["dpi"] == 350
    assert specs["us-visa"]["width_px"] == specs["us-visa"]["height_px"] == 600
    for s in specs.values():
        assert s["source"] and s["head_height"][0] < s["head_height"][1]


def test_specs_text(capsys) -> None:
    assert main(["photo", "specs"]) == 0
    assert "cn-exit-entry" in capsys.readouterr().out
