"""Files a command writes from a citizen's data are 0600, whatever the umask and whatever
mode an older file at that path had; the kiosk's data directory is 0700."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest

from kiosk.cli import main
from offline_cache.private import private_dir, write_private
from tests.unit.forms.forms_samples import GOOD_ANSWERS, make_card
from tests.unit.photo.faces import grace_hopper


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """Debian's default umask: without care, files come out 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _stale(*paths: Path) -> None:
    """Files from an earlier run, readable by everybody."""
    for path in paths:
        path.write_bytes(b"old")
        path.chmod(0o644)


def test_photo_process_writes_photo_sheet_and_report_0600(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "in.png"), grace_hopper())
    out, sheet, report = tmp_path / "out.jpg", tmp_path / "sheet.jpg", tmp_path / "r.json"
    _stale(out, sheet)
    rc = main(
        ["photo", "process", str(tmp_path / "in.png"), "--spec", "cn-exit-entry",
         "--out", str(out), "--sheet", str(sheet), "--report-json", str(report)]
    )  # fmt: skip
    assert rc == 0
    assert [mode(p) for p in (out, sheet, report)] == [0o600] * 3
    assert out.read_bytes()[:2] == b"\xff\xd8"  # replaced, not appended to
    assert "checks" in json.loads(report.read_text())  # the report itself, whole


@pytest.mark.qt
def test_form_fill_writes_the_filled_form_0600(tmp_path: Path) -> None:
    card, data, out = tmp_path / "card.json", tmp_path / "data.json", tmp_path / "form.pdf"
    card.write_text(json.dumps(make_card().to_json(), ensure_ascii=False), encoding="utf-8")
    data.write_text(json.dumps(GOOD_ANSWERS["residence_permit"], ensure_ascii=False), "utf-8")
    _stale(out)
    rc = main(["form", "fill", "--form", "residence_permit", "--id-card", str(card),
               "--data", str(data), "--out", str(out)])  # fmt: skip
    assert rc == 0
    assert mode(out) == 0o600 and out.read_bytes().startswith(b"%PDF")


def test_the_helper_tightens_folders_and_writes_through_pipes(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    assert mode(private_dir(folder)) == 0o700
    assert mode(private_dir(tmp_path / "new" / "deep")) == 0o700
    read, write = os.pipe()
    with os.fdopen(read, "rb") as r:
        write_private(Path(f"/proc/self/fd/{write}"), b"to a pipe, not a temp file")
        os.close(write)
        assert r.read() == b"to a pipe, not a temp file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "new"]  # no temp left


def test_ticket_command_makes_the_data_directory_private(tmp_path: Path) -> None:
    data = tmp_path / "kiosk-data"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[terminal]\ndata_dir = "{data}"\n', encoding="utf-8")
    assert main(["ticket", "print", "--service", "HUJI", "--config", str(config)]) == 0
    assert mode(data) == 0o700
