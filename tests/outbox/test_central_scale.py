"""A centre that scales out: several processes on one PostgreSQL database keep every
guarantee; ``--workers N`` runs N processes behind one port."""

from __future__ import annotations

import base64
import contextlib
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from .conftest import Central, _central_factory

pytestmark = [pytest.mark.daemon, pytest.mark.xdist_group("outbox-postgres")]


@pytest.fixture(scope="module")
def two_centres(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str
) -> Iterator[tuple[Central, Central]]:
    """Two centre processes, one database, one blob folder: as behind a load balancer."""
    base = tmp_path_factory.mktemp("scale")
    gen = _central_factory(base)
    make = next(gen)
    blobs = str(base / "shared-blobs")
    a = make("--blobs", blobs, "--threads", "4", db=postgres_url)
    b = make("--blobs", blobs, "--threads", "4", db=postgres_url)
    yield a, b
    with contextlib.suppress(StopIteration):
        next(gen)


def _sub(tid: str, n: int) -> dict:
    return {
        "terminal_id": tid,
        "kind": "form.hukou",
        "created_at": 1_700_000_000.0 + n,
        "record": {"n": n},
        "blobs": {"photo.jpg": base64.b64encode(b"jpeg-%d" % n * 100).decode()},
    }


def test_the_same_key_raced_through_two_processes_is_stored_once(
    two_centres: tuple[Central, Central],
) -> None:
    tid, key = "S" + uuid.uuid4().hex[:8], uuid.uuid4().hex

    def send(i: int) -> str:
        centre = two_centres[i % 2]
        r = requests.post(
            f"{centre.url}/v1/submissions",
            json=_sub(tid, 1),
            headers={"Idempotency-Key": key},
            timeout=60,
        )
        assert r.status_code == 200, r.text
        return str(r.json()["status"])

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(send, range(16)))
    assert statuses == ["replayed"] * 15 + ["stored"]
    a, b = two_centres
    assert a.stats()["terminals"][tid] == 1 == b.stats()["terminals"][tid]


def test_ticket_numbers_across_processes_have_no_gap_and_no_repeat(
    two_centres: tuple[Central, Central],
) -> None:
    hall = "H" + uuid.uuid4().hex[:8]

    def take(i: int) -> int:
        centre = two_centres[i % 2]
        body = {"service_code": "HUJI", "prefix": "A", "terminal_id": "T1", "day": "2026-12-02"}
        r = requests.post(f"{centre.url}/v1/halls/{hall}/tickets", json=body, timeout=60)
        assert r.status_code == 200, r.text
        return int(r.json()["sequence"])

    with ThreadPoolExecutor(8) as pool:
        assert sorted(pool.map(take, range(30))) == list(range(1, 31))


def test_workers_serve_one_port(central_factory, postgres_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = central_factory(
        "--workers", "2", "--threads", "2", "--blobs", str(tmp_path / "b"), db=postgres_url
    )
    tid = "W" + uuid.uuid4().hex[:8]
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(
                lambda n: (
                    requests.post(
                        f"{c.url}/v1/submissions",
                        json=_sub(tid, n),
                        headers={"Idempotency-Key": uuid.uuid4().hex},
                        timeout=60,
                    ).status_code
                ),
                range(12),
            )
        )
    assert results == [200] * 12
    assert c.stats()["terminals"][tid] == 12


def test_centres_starting_together_on_an_empty_database_all_come_up(postgres_url: str) -> None:
    """Four processes' worth of centres creating the schema of the same empty PostgreSQL
    database at once: none fails (unserialised, one died on the catalogue's unique index
    and uvicorn restarted it in the middle of the catch-up), and the version is one row."""
    import threading
    import uuid

    from sqlalchemy import create_engine, func, select, text

    from central import assist
    from central.fleet.store import create_fleet_schema
    from central.identity.store import create_tables as create_identity_tables
    from central.schema import create_schema, create_tables, schema_meta

    name = "fresh_" + uuid.uuid4().hex[:8]
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = postgres_url.rsplit("/", 1)[0] + "/" + name
    engines = [create_engine(url) for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def create(engine) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        try:
            # What each worker does as it starts (central/app.py).
            create_schema(engine)
            create_identity_tables(engine)
            create_tables(engine, assist.metadata)
            create_fleet_schema(engine)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with engines[0].connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema_meta)).scalar() == 1
    for e in engines:
        e.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name}"))
    admin.dispose()
