"""The pdf:// folder printer and the plain-language printer messages."""

from __future__ import annotations

import os
import stat
import time

import pytest

from devices.base import DeviceKind
from devices.form_printer.protocol import JobState
from devices.form_printer.reasons import explain
from devices.health import EventKind, HealthState
from devices.registry import open_device
from devices.uri import DeviceUriError


def test_pdf_folder_writes_private_files(tmp_path):
    printer = open_device(DeviceKind.FORM_PRINTER, f"pdf://{tmp_path}/out")
    printer.start(lambda e: None)
    job = printer.print_pdf(b"%PDF-1.4 test", "hk_macau_travel T01-20261127-ABCDEF")
    assert job.state is JobState.COMPLETED
    (saved,) = (tmp_path / "out").iterdir()
    assert saved.name == "hk_macau_travel_T01-20261127-ABCDEF.pdf"
    assert saved.read_bytes() == b"%PDF-1.4 test"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert printer.health().state is HealthState.OK


def test_pdf_folder_deletes_forms_older_than_keep_h(tmp_path):
    """Issue 13 item 7: filled forms do not pile up in a pdf:/// folder."""
    out = tmp_path / "out"
    out.mkdir()
    now = time.time()
    old, fresh, other = out / "old.pdf", out / "fresh.pdf", out / "notes.txt"
    for path, age_h in ((old, 13), (fresh, 11), (other, 100)):
        path.write_bytes(b"%PDF")
        os.utime(path, (now - age_h * 3600, now - age_h * 3600))
    printer = open_device(DeviceKind.FORM_PRINTER, f"pdf://{out}")
    printer.start(lambda e: None)  # default keep_h=12
    assert sorted(p.name for p in out.iterdir()) == ["fresh.pdf", "notes.txt"]
    assert printer.health().counters["pdfs_deleted"] == 1
    # Each job sweeps too: with keep_h=10 the 11-hour-old form goes before the new one lands.
    printer = open_device(DeviceKind.FORM_PRINTER, f"pdf://{out}?keep_h=10")
    printer.print_pdf(b"%PDF-1.4", "form R1")
    assert sorted(p.name for p in out.iterdir()) == ["form_R1.pdf", "notes.txt"]
    with pytest.raises(DeviceUriError, match="keep_h"):
        open_device(DeviceKind.FORM_PRINTER, f"pdf://{out}?keep_h=-1")


def test_pdf_folder_path_is_a_file_is_a_fault(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    printer = open_device(DeviceKind.FORM_PRINTER, f"pdf://{blocker}/sub")
    job = printer.print_pdf(b"%PDF", "x")
    assert job.state is JobState.STOPPED
    assert (
        job.message
        == "表格无法保存，请联系工作人员 / The form could not be saved, please ask staff"
    )
    assert printer.health().state is HealthState.FAULT


def test_uris_need_a_queue_or_folder():
    with pytest.raises(DeviceUriError, match="queue"):
        open_device(DeviceKind.FORM_PRINTER, "cups://")
    with pytest.raises(DeviceUriError, match="folder"):
        open_device(DeviceKind.FORM_PRINTER, "pdf://")


@pytest.mark.parametrize(
    ("reasons", "stopped", "message", "state"),
    [
        (
            ["media-empty-error"],
            False,
            "缺纸，请联系工作人员 / Out of paper, please ask staff",
            "fault",
        ),
        (["media-needed"], True, "缺纸，请联系工作人员 / Out of paper, please ask staff", "fault"),
        (
            ["paused", "media-jam-error"],
            True,
            "卡纸，请联系工作人员 / Paper jam, please ask staff",
            "fault",
        ),
        (
            ["cover-open-error"],
            False,
            "打印机盖板未关好，请联系工作人员 / The printer cover is open, please ask staff",
            "fault",
        ),
        (
            ["offline-report"],
            False,
            "打印机未连接，请联系工作人员 / The printer is offline, please ask staff",
            "fault",
        ),
        (
            ["paused"],
            True,
            "打印机已暂停，请联系工作人员 / The printer is paused, please ask staff",
            "fault",
        ),
        (
            ["fuser-over-temp-error"],
            False,
            "打印机故障，请联系工作人员 / The printer has a problem, please ask staff",
            "fault",
        ),
        (["media-low-warning"], False, "纸张不多 / Paper is running low", "degraded"),
    ],
)
def test_reasons_in_plain_words(reasons, stopped, message, state):
    found = explain(reasons, stopped)
    assert found is not None and str(found.message) == message and found.state.value == state


def test_no_reason_no_problem():
    assert explain(["none"], stopped=False) is None
    assert explain([], stopped=False) is None
    found = explain(["media-low-warning"], stopped=False)
    assert found is not None and found.event is EventKind.PAPER_LOW
