"""A printed form is queued, encrypted, in the same transaction as its print record."""

from __future__ import annotations

import sqlite3

import pytest
from forms_samples import GOOD_ANSWERS, TODAY, make_card

from devices.form_printer.protocol import JobState, PrintJob
from kiosk.forms.catalog import load_catalog
from kiosk.forms.filled import fill
from kiosk.forms.outbox_recorder import PRINTS_TABLE, OutboxRecorder
from kiosk.forms.ports import PrintRecord, Submission
from offline_cache.store import Outbox


def _submission() -> Submission:
    form = load_catalog().get("hk_macau_travel")
    filled = fill(
        form,
        GOOD_ANSWERS[form.id],
        make_card(),
        photo=b"\xff\xd8jpeg",
        today=TODAY,
        receipt="T01-20261127-7KQ3MX",
    )
    return Submission.of(filled, "T01")


def test_submission_and_print_row_commit_together(tmp_path):
    outbox = Outbox(tmp_path, key_path=tmp_path / "key")
    try:
        printed = PrintRecord.of("cups://Hall", PrintJob("7", JobState.STOPPED, "缺纸"))
        OutboxRecorder(outbox).record_print(_submission(), printed)
        (item,) = outbox.next_batch()
        assert item.kind == "form.hk_macau_travel"
        assert item.record["receipt"] == "T01-20261127-7KQ3MX"
        assert item.record["values"]["name"] == "张小明"
        assert item.blobs == {"photo.jpg": b"\xff\xd8jpeg"}
        rows = list(outbox.db[PRINTS_TABLE].rows)
        assert [(r["submission"], r["state"], r["job_id"]) for r in rows] == [
            (item.key, "stopped", "7")
        ]
        # The name is encrypted at rest: nowhere in the database or its WAL in clear.
        files = list((tmp_path / "outbox").glob("outbox.db*"))
        assert files and all("张小明".encode() not in f.read_bytes() for f in files)
    finally:
        outbox.close()


def test_a_failed_print_row_rolls_back_the_submission(tmp_path, monkeypatch):
    outbox = Outbox(tmp_path, key_path=tmp_path / "key")
    try:
        from offline_cache import store

        def broken(self, table, row):  # the print row cannot be written
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(store.UnitOfWork, "record", broken)
        printed = PrintRecord.of("sim://", PrintJob("1", JobState.COMPLETED))
        with pytest.raises(sqlite3.OperationalError):
            OutboxRecorder(outbox).record_print(_submission(), printed)
        assert outbox.next_batch() == []
    finally:
        outbox.close()
