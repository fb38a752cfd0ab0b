"""Retention: each submission kind is kept as long as the centre's config says, then the
purge deletes its record and every blob nothing else names; and a purge running while
terminals submit never takes away a blob a new submission names."""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from central.blobstore import FileBlobStore, sha256_hex
from central.retention import Purger
from central.schema import submission_blobs
from central.settings import RetentionPolicy
from central.store import CentralStore, open_database, prepare
from offline_cache.wire import SubmissionIn

from .conftest import CENTRAL, Central, _central_factory, clean_env

pytestmark = [pytest.mark.daemon, pytest.mark.xdist_group("outbox-postgres")]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'c.db'}"
    return str(request.getfixturevalue("postgres_url"))


def _item(kind: str, photo: bytes, n: int = 0) -> dict:
    return {
        "terminal_id": "T01",
        "kind": kind,
        "created_at": 1_700_000_000.0 + n,
        "record": {"n": n},
        "blobs": {"photo.jpg": base64.b64encode(photo).decode()},
    }


@pytest.fixture
def short_lived(tmp_path: Path) -> Iterator[tuple[Central, Path, Path]]:
    """A centre whose photos live about two seconds and whose forms live for years."""
    config = tmp_path / "centre.toml"
    config.write_text(
        "[retention]\ndefault_days = 3650\nblob_grace_s = 1\n"
        "[retention.kinds]\nphoto = 0.00002\n"  # 1.7 s
    )
    gen = _central_factory(tmp_path)
    make = next(gen)
    blobs = tmp_path / "blobs"
    c = make("--config", str(config), "--blobs", str(blobs), "--purge-every", "0")
    yield c, config, blobs
    with contextlib.suppress(StopIteration):
        next(gen)


def test_purge_deletes_what_is_past_retention_and_counts_it(
    short_lived: tuple[Central, Path, Path],
) -> None:
    c, config, blobs = short_lived
    photo_only, shared = uuid.uuid4().bytes * 500, uuid.uuid4().bytes * 500
    items = [
        _item("photo.id", photo_only, 1),
        _item("photo.id", shared, 2),
        _item("form.hukou", shared, 3),  # the same bytes, kept by the form
    ]
    s = requests.Session()
    s.trust_env = False
    batch = {"items": [{**i, "idempotency_key": uuid.uuid4().hex} for i in items]}
    assert s.post(f"{c.url}/v1/submissions/batch", json=batch, timeout=60).status_code == 200

    def path(data: bytes) -> Path:
        sha = sha256_hex(data)
        return blobs / sha[:2] / sha[2:4] / sha

    assert path(photo_only).exists() and path(shared).exists()
    time.sleep(2.5)  # past the photos' retention and the blobs' grace

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([CENTRAL, *args, "--db", c.db], capture_output=True, text=True,
                              env=clean_env(), timeout=120)  # fmt: skip

    dry = cli("purge", "--config", str(config), "--blobs", str(blobs), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would purge        2 photo.id" in dry.stdout
    assert path(photo_only).exists()  # a dry run deletes nothing
    done = cli("purge", "--config", str(config), "--blobs", str(blobs))
    assert done.returncode == 0, done.stderr
    assert "purged 2 submission(s), 1 blob(s)" in done.stdout
    assert not path(photo_only).exists()
    assert path(shared).read_bytes() == shared  # still named by the form
    stats = json.loads(cli("stats", "--json").stdout)
    assert (stats["submissions"], stats["purged_submissions"], stats["purged_blobs"]) == (1, 2, 1)
    assert stats["blobs"] == 1
    assert "purged (retention) 2 submissions, 1 blobs" in cli("stats").stdout


def test_a_bad_retention_config_names_the_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "centre.toml"
    config.write_text("[retention.kinds]\nphoto = -1\n")
    out = subprocess.run(
        [CENTRAL, "purge", "--db", str(tmp_path / "c.db"), "--config", str(config)],
        capture_output=True, text=True, env=clean_env(), timeout=120,
    )  # fmt: skip
    assert out.returncode == 1
    assert f"{config}: retention.kinds.photo: a number of days" in out.stderr


def test_a_purge_racing_new_submissions_never_takes_their_blobs(
    db_url: str, tmp_path: Path
) -> None:
    """Threads keep submitting a few photos over and over (new keys, same bytes) while a
    purge with retention ~0 deletes every older submission and its unnamed blobs. At the
    end every blob a stored submission names is in the store, intact."""
    db = open_database(db_url, 8)
    store = CentralStore(db, FileBlobStore(tmp_path / "blobs"))
    purger = Purger(store, RetentionPolicy(default_days=1e-9, blob_grace_s=1.0))
    photos = [uuid.uuid4().bytes * 300 for _ in range(3)]
    stop = threading.Event()
    errors: list[BaseException] = []
    tid = "R" + uuid.uuid4().hex[:8]

    def submit(n: int) -> None:
        i = 0
        while not stop.is_set():
            try:
                sub = SubmissionIn.model_validate(
                    {**_item("photo.id", photos[i % 3], i), "terminal_id": tid}
                )
                store.ingest(tid, "h", prepare(uuid.uuid4().hex, sub))
            except BaseException as exc:
                errors.append(exc)
                return
            i += 1

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    purged = 0
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        purged += purger.purge().total_submissions
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(30)
    assert errors == []
    assert purged > 0
    with db.reader.connect() as conn:
        named = {str(s) for s in conn.execute(select(submission_blobs.c.sha256)).scalars()}
    assert named  # the last submissions are still there
    for sha in named:
        assert sha256_hex(store.blobs.get(sha)) == sha
    db.dispose()
