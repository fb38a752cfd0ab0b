"""The centre as a terminal meets it: a real ``kiosk-central serve`` on loopback, over
SQLite and over a real PostgreSQL server."""

from __future__ import annotations

import base64
import contextlib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_cache.client import parse_retry_after

from .conftest import CENTRAL, Central, _central_factory, clean_env


def _sub(n: int = 0, *, test: bool = False, terminal: str = "T01") -> dict:
    return {
        "terminal_id": terminal,
        "kind": "form.hukou",
        "created_at": 1_700_000_000.0 + n,
        "is_test": test,
        "record": {"n": n, "name": "王小明"},
        "blobs": {"photo.jpg": base64.b64encode(b"jpeg-%d" % n).decode()},
    }


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def any_central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    """The same tests against a SQLite centre and a PostgreSQL centre."""
    gen = _central_factory(tmp_path_factory.mktemp("any-central"))
    make = next(gen)
    if request.param == "sqlite":
        yield make()
    else:
        yield make(db=request.getfixturevalue("postgres_url"))
    with contextlib.suppress(StopIteration):
        next(gen)


def _tid() -> str:
    return "T" + uuid.uuid4().hex[:8]


pytestmark = pytest.mark.xdist_group("outbox-postgres")


def test_key_is_stored_once_and_replay_returns_the_stored_result(any_central: Central) -> None:
    s = any_central.session()
    url = f"{any_central.url}/v1/submissions"
    tid, key = _tid(), uuid.uuid4().hex
    before = any_central.stats()
    first = s.post(url, json=_sub(1, terminal=tid), headers={"Idempotency-Key": key})
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "stored"
    again = s.post(url, json=_sub(1, terminal=tid), headers={"Idempotency-Key": key})
    assert again.status_code == 200
    assert again.json()["status"] == "replayed"
    assert again.json()["received_at"] == first.json()["received_at"]
    other = s.post(url, json=_sub(2, terminal=tid), headers={"Idempotency-Key": key})
    assert other.status_code == 422
    assert "different payload" in other.json()["detail"]
    after = any_central.stats()
    assert after["submissions"] - before["submissions"] == 1
    assert after["duplicates_refused"] - before["duplicates_refused"] == 1
    assert after["conflicts"] - before["conflicts"] == 1
    assert after["terminals"][tid] == 1
    assert any_central.cli_stats()["terminals"][tid] == 1  # the admin CLI reads the same


def test_test_submissions_are_counted_apart(any_central: Central) -> None:
    s = any_central.session()
    tid = _tid()
    items = [
        {**_sub(n, test=n % 2 == 1, terminal=tid), "idempotency_key": uuid.uuid4().hex}
        for n in range(6)
    ]
    before = any_central.stats()
    r = s.post(f"{any_central.url}/v1/submissions/batch", json={"items": items})
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["stored"] * 6
    after = any_central.stats()
    assert after["submissions"] - before["submissions"] == 3
    assert after["test_submissions"] - before["test_submissions"] == 3
    assert after["terminals"][tid] == 6


def test_ticket_numbers_are_unique_and_consecutive_under_concurrency(any_central: Central) -> None:
    url = f"{any_central.url}/v1/halls/{_tid()}/tickets"

    def take(i: int) -> dict:
        body = {
            "service_code": "HUJI",
            "prefix": "A",
            "terminal_id": f"T{i % 4}",
            "day": "2026-11-27",
        }
        r = any_central.session().post(url, json=body, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(take, range(40)))
    assert sorted(t["sequence"] for t in got) == list(range(1, 41))
    assert {t["number"] for t in got} == {f"A{n:03d}" for n in range(1, 41)}
    assert all(t["day"] == "2026-11-27" for t in got)
    # another service and another day count on their own
    other = any_central.session().post(
        url, json={"service_code": "CRJ", "prefix": "B", "terminal_id": "T1", "day": "2026-11-27"}
    )
    assert other.json() == {"number": "B001", "sequence": 1, "people_ahead": 0, "day": "2026-11-27"}
    tomorrow = any_central.session().post(
        url, json={"service_code": "HUJI", "prefix": "A", "terminal_id": "T1", "day": "2026-11-28"}
    )
    assert tomorrow.json()["sequence"] == 1


def test_people_ahead_counts_numbers_not_yet_called(central: Central) -> None:
    s = central.session()
    hall = _tid()
    url = f"{central.url}/v1/halls/{hall}/tickets"
    body = {"service_code": "HUJI", "prefix": "A", "terminal_id": "T01", "day": "2026-11-27"}
    assert [s.post(url, json=body).json()["people_ahead"] for _ in range(3)] == [0, 1, 2]
    call = f"{central.url}/v1/halls/{hall}/services/HUJI/days/2026-11-27/call"
    assert s.post(call).json() == {"sequence": 1}
    assert s.post(url, json=body).json() == {
        "number": "A004",
        "sequence": 4,
        "people_ahead": 2,
        "day": "2026-11-27",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"service_code": "HUJI", "prefix": "A", "terminal_id": "T01", "day": "27/11/2026"},
        {"service_code": "HUJI", "prefix": "A", "terminal_id": "T 01", "day": "2026-11-27"},
        {"service_code": "HUJI", "prefix": "A", "day": "2026-11-27"},
        {"service_code": "HUJI", "prefix": "A", "terminal_id": "T01", "day": "2026-11-27", "x": 1},
    ],
)
def test_bad_ticket_requests_are_refused_with_422(central: Central, body: dict) -> None:
    r = central.session().post(f"{central.url}/v1/halls/h1/tickets", json=body)
    assert r.status_code == 422


def test_bad_submissions_are_refused_not_stored(central: Central) -> None:
    s = central.session()
    url = f"{central.url}/v1/submissions"
    before = central.stats()["submissions"]
    bad_blob = {**_sub(1), "blobs": {"p": "not base64!!"}}
    assert (
        s.post(url, json=bad_blob, headers={"Idempotency-Key": uuid.uuid4().hex}).status_code == 422
    )
    assert s.post(url, json=_sub(1)).status_code == 422  # no Idempotency-Key
    assert s.post(url, json=_sub(1), headers={"Idempotency-Key": "short"}).status_code == 422
    headers = {"Idempotency-Key": uuid.uuid4().hex, "Content-Type": "application/json"}
    assert s.post(url, data=b"{garbage", headers=headers).status_code == 422
    assert central.stats()["submissions"] == before


def test_heartbeats_and_openapi(central: Central) -> None:
    s = central.session()
    tid = _tid()
    r = s.post(f"{central.url}/v1/terminals/{tid}/heartbeat", json={"backlog": 3, "dead_letter": 1})
    assert r.status_code == 200 and r.json()["terminal_id"] == tid
    assert central.stats()["heartbeats"][tid]["backlog"] == 3
    spec = s.get(f"{central.url}/v1/openapi.json").json()
    assert spec["info"]["version"] == "1"
    paths = spec["paths"]
    for path in ("/v1/submissions", "/v1/submissions/batch", "/v1/halls/{hall_id}/tickets",
                 "/v1/terminals/{terminal_id}/heartbeat"):  # fmt: skip
        assert path in paths
    ticket = spec["components"]["schemas"]["TicketOut"]["properties"]
    assert set(ticket) == {"number", "sequence", "people_ahead", "day"}


def test_gen_certs_and_cli_errors(tmp_path: Path) -> None:
    out = subprocess.run(
        [CENTRAL, "gen-certs", str(tmp_path / "pki"), "--terminal", "T01", "--terminal", "T02"],
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in (tmp_path / "pki").iterdir())
    assert "terminal-T02.pem" in names and "server.key" in names and "ca.pem" in names
    assert (tmp_path / "pki" / "ca.key").stat().st_mode & 0o077 == 0
    bad = subprocess.run(
        [CENTRAL, "serve", "--host", "0.0.0.0", "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    assert bad.returncode == 1
    assert "plain HTTP only on loopback" in bad.stderr
    assert "Traceback" not in bad.stderr


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_retry_after_parser_never_raises(value: str) -> None:
    got = parse_retry_after(value)
    assert got is None or got >= 0


def test_retry_after_forms() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_bad_database_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    for db in ("postgresql+psycopg://nobody@127.0.0.1:9/x", "nosuchdialect://x"):
        out = subprocess.run(
            [CENTRAL, "stats", "--db", db, "--json"], capture_output=True, text=True,
            env=clean_env(), timeout=60,
        )  # fmt: skip
        assert out.returncode == 1
        assert out.stderr.startswith("kiosk-central: ")
        assert "Traceback" not in out.stderr


def test_central_shares_only_the_wire_module_with_the_terminal() -> None:
    code = (
        "import sys, central.app, central.cli, central.store, central.certs\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('kiosk', 'devices', 'ui')"
        " or (m.startswith('offline_cache.') and m != 'offline_cache.wire'))\n"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_racing_replays_of_one_key_store_it_once(any_central: Central) -> None:
    """Eight terminals' worth of retries hit the same key at once: one is stored."""
    tid, key = _tid(), uuid.uuid4().hex
    url = f"{any_central.url}/v1/submissions"

    def send(_i: int) -> str:
        r = any_central.session().post(
            url, json=_sub(5, terminal=tid), headers={"Idempotency-Key": key}, timeout=30
        )
        assert r.status_code == 200, r.text
        return str(r.json()["status"])

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(send, range(16)))
    assert statuses == ["replayed"] * 15 + ["stored"]
    assert any_central.stats()["terminals"][tid] == 1
