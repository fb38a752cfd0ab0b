"""A form is queued, encrypted, with its receipt row in one transaction, before a page
is printed; what the printer did is noted in that row afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from forms_samples import GOOD_ANSWERS, TODAY, make_card

from devices.form_printer.protocol import JobState, PrintJob
from devices.form_printer.reasons import plain
from kiosk.forms.catalog import load_catalog
from kiosk.forms.desk import FormDesk, FormNotQueued
from kiosk.forms.filled import FilledForm, fill
from kiosk.forms.outbox_recorder import PRINTS_TABLE, OutboxRecorder
from kiosk.forms.ports import PageHeader, PrintRecord, Submission
from offline_cache.store import Outbox


def _filled() -> FilledForm:
    form = load_catalog().get("hk_macau_travel")
    return fill(
        form,
        GOOD_ANSWERS[form.id],
        make_card(),
        photo=b"\xff\xd8jpeg",
        today=TODAY,
        receipt="T01-20261127-7KQ3MX",
    )


def _submission() -> Submission:
    return Submission.of(_filled(), "T01")


@pytest.fixture
def outbox(tmp_path: Path):
    box = Outbox(tmp_path, key_path=tmp_path / "key")
    yield box
    box.close()


def test_submission_and_receipt_row_commit_together(outbox: Outbox, tmp_path: Path) -> None:
    recorder = OutboxRecorder(outbox)
    recorder.record_submission(_submission(), "cups://Hall")
    (item,) = outbox.next_batch()
    assert item.kind == "form.hk_macau_travel"
    assert item.record["receipt"] == "T01-20261127-7KQ3MX"
    assert item.record["values"]["name"] == "张小明"
    assert item.blobs == {"photo.jpg": b"\xff\xd8jpeg"}
    (row,) = list(outbox.db[PRINTS_TABLE].rows)
    assert (row["submission"], row["state"], row["printer"]) == (item.key, "queued", "cups://Hall")
    printed = PrintRecord.of("cups://Hall", PrintJob("7", JobState.STOPPED, plain("缺纸", "Out")))
    recorder.record_print("T01-20261127-7KQ3MX", printed)
    (row,) = list(outbox.db[PRINTS_TABLE].rows)
    assert (row["state"], row["job_id"]) == ("stopped", "7")
    # The name is encrypted at rest: nowhere in the database or its WAL in clear.
    files = list((tmp_path / "outbox").glob("outbox.db*"))
    assert files and all("张小明".encode() not in f.read_bytes() for f in files)


def test_a_failed_receipt_row_rolls_back_the_submission(outbox: Outbox, monkeypatch) -> None:
    from offline_cache import store

    def broken(self, table, row):  # the receipt row cannot be written
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store.UnitOfWork, "record", broken)
    with pytest.raises(sqlite3.OperationalError):
        OutboxRecorder(outbox).record_submission(_submission(), "sim://")
    assert outbox.next_batch() == []


class WatchingPrinter:
    """A printer that looks in the outbox at the moment it is asked to print."""

    uri = "sim://watching"

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.queued_when_printing: list[str] = []

    def print_pdf(self, pdf: bytes, title: str) -> PrintJob:
        self.queued_when_printing = [i.record["receipt"] for i in self.outbox.next_batch()]
        return PrintJob("1", JobState.COMPLETED)

    def cancel(self, job_id: str) -> bool:
        return False


class PdfStub:
    def render_pdf(self, filled: FilledForm, header: PageHeader) -> bytes:
        return b"%PDF-1.4"


def test_the_form_is_queued_before_the_printer_is_asked(outbox: Outbox) -> None:
    """Issue 13 item 2: queue first (with the receipt), then print."""
    printer = WatchingPrinter(outbox)
    desk = FormDesk(PdfStub(), printer, OutboxRecorder(outbox), PageHeader("厅", "Hall", "T01"))
    filled = _filled()
    outcome = desk.print(filled)
    assert outcome.printed
    assert printer.queued_when_printing == [filled.receipt]
    (row,) = list(outbox.db[PRINTS_TABLE].rows)
    assert row["state"] == "completed" and row["receipt"] == filled.receipt


def test_a_full_outbox_refuses_before_and_nothing_prints(outbox: Outbox) -> None:
    printer = WatchingPrinter(outbox)
    recorder = OutboxRecorder(outbox)
    desk = FormDesk(PdfStub(), printer, recorder, PageHeader("厅", "Hall", "T01"))
    assert desk.refusal() == ""
    outbox.budget = 1  # full: not even the answers fit any more
    assert desk.refusal().startswith("outbox nearly full")
    with pytest.raises(FormNotQueued) as err:
        desk.print(_filled())
    assert "nearly full" in err.value.reason and "张小明" not in err.value.reason
    assert printer.queued_when_printing == [] and outbox.next_batch() == []
