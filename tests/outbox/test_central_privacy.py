"""Hostile submissions never put a citizen's name or ID number into the centre's log: NaN
where a number belongs, NUL characters, and database errors whose own message quotes the
row (a trigger, a CHECK constraint). SQLite and PostgreSQL, at the chattiest log level."""

from __future__ import annotations

import base64
import contextlib
import json
import sqlite3
import uuid
from collections.abc import Iterator

import pytest
import requests

from .conftest import Central, _central_factory

pytestmark = [pytest.mark.daemon, pytest.mark.xdist_group("outbox-postgres")]

NAME, ID_NUMBER = "王秀英", "11010519491231002X"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def chatty(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    gen = _central_factory(tmp_path_factory.mktemp("chatty"))
    make = next(gen)
    db = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    yield make("--log-level", "debug", db=db)
    with contextlib.suppress(StopIteration):
        next(gen)


def _hostile_db(centre: Central) -> Iterator[None]:
    """Make the database refuse kinds form.hostile* with errors that quote the row."""
    if centre.db.startswith("sqlite"):
        conn = sqlite3.connect(centre.db.removeprefix("sqlite:///"), timeout=30)
        conn.execute(
            "CREATE TRIGGER IF NOT EXISTS hostile BEFORE INSERT ON submissions "
            "WHEN NEW.kind LIKE 'form.hostile%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
        conn.commit()
        yield
        conn.execute("DROP TRIGGER hostile")
        conn.commit()
        conn.close()
        return
    import psycopg

    url = centre.db.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE OR REPLACE FUNCTION hostile() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'refused row %', NEW.record; END $$ LANGUAGE plpgsql"
        )
        conn.execute(
            "CREATE TRIGGER hostile BEFORE INSERT ON submissions FOR EACH ROW "
            "WHEN (NEW.kind = 'form.hostile') EXECUTE FUNCTION hostile()"
        )
        # "DETAIL: Failing row contains (...)": PostgreSQL's own message quotes the row.
        conn.execute(
            "ALTER TABLE submissions ADD CONSTRAINT hostile_check CHECK (kind <> 'form.hostile2')"
        )
        try:
            yield
        finally:
            conn.execute("DROP TRIGGER hostile ON submissions")
            conn.execute("ALTER TABLE submissions DROP CONSTRAINT hostile_check")


def _sub(kind: str = "form.hukou", **over: object) -> dict:
    return {
        "terminal_id": "T01",
        "kind": kind,
        "created_at": 1_700_000_000.0,
        "record": {"name": NAME, "id_number": ID_NUMBER, "address": "北京市东城区"},
        "blobs": {"photo.jpg": base64.b64encode(ID_NUMBER.encode() * 50).decode()},
        **over,
    }


def test_hostile_submissions_leave_no_personal_data_in_the_log(chatty: Central) -> None:
    url = f"{chatty.url}/v1/submissions"
    s = requests.Session()
    s.trust_env = False

    def post(body: dict | bytes) -> requests.Response:
        headers = {"Idempotency-Key": uuid.uuid4().hex, "Content-Type": "application/json"}
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        return s.post(url, data=data, headers=headers, timeout=60)

    nan = json.dumps(_sub(), ensure_ascii=False).replace("1700000000.0", "NaN").encode()
    assert post(nan).status_code == 422
    inf = json.dumps(_sub(), ensure_ascii=False).replace("1700000000.0", "Infinity").encode()
    assert post(inf).status_code == 422
    in_record = json.dumps(_sub(record={"name": NAME, "x": float("nan")}), ensure_ascii=False)
    assert post(in_record.encode()).status_code == 422
    # NUL where PostgreSQL text cannot hold it: refused by the wire model (422)...
    assert post(_sub(blobs={"photo\x00.jpg": "aGk="})).status_code == 422
    assert post(_sub(kind="form\x00x")).status_code == 422
    # ...and inside the record, where JSON escapes it: stored as sent.
    assert post(_sub(record={"name": NAME + "\x00", "id_number": ID_NUMBER})).status_code == 200
    # A database error whose own message quotes the row.
    gen = _hostile_db(chatty)
    next(gen)
    try:
        failed = post(_sub(kind="form.hostile"))
        assert failed.status_code == 500
        assert NAME not in failed.text and ID_NUMBER not in failed.text
        batch = {"items": [{**_sub(kind="form.hostile"), "idempotency_key": uuid.uuid4().hex}]}
        r = s.post(f"{chatty.url}/v1/submissions/batch", json=batch, timeout=60)
        assert r.status_code == 500
        if "postgresql" in chatty.db:
            assert post(_sub(kind="form.hostile2")).status_code == 500
    finally:
        with contextlib.suppress(StopIteration):
            next(gen)

    log = chatty.log()
    # Each database error is logged, by its type only.
    assert "POST /v1/submissions failed: " in log
    assert "POST /v1/submissions/batch failed: " in log
    escaped = json.dumps(NAME)[1:-1]  # \u738b... as a JSON dump would write it
    photo = base64.b64encode(ID_NUMBER.encode() * 3).decode()[:20]
    for secret in (NAME, ID_NUMBER, escaped, "北京市", photo):
        assert secret not in log, f"{secret!r} in the centre's log"
    assert "Traceback" not in log
