"""The outbox on disk: one transaction with the caller's rows, encryption at rest, the key,
the disk budget, many threads."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest

from offline_cache.crypto import (
    CREDENTIAL_NAME,
    KeyState,
    create_terminal_key,
    key_location,
    seal,
)
from offline_cache.store import MiB, Outbox, OutboxError, OutboxFull, UnknownEntry

NAME = "王小明"
ID_NUMBER = "420106199001011234"


def _open(tmp_path: Path, **kw: object) -> Outbox:
    return Outbox(tmp_path / "data", key_path=tmp_path / "key", **kw)  # type: ignore[arg-type]


def _all_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_submission_and_callers_row_commit_together(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    with ob.transaction() as tx:
        key = tx.submit("form.hukou", {"name": NAME}, {"photo.jpg": b"\xff\xd8jpeg"})
        tx.record("prints", {"submission": key, "pages": 2})
    assert ob.pending_count() == 1
    assert list(ob.db.query("SELECT submission, pages FROM prints")) == [
        {"submission": key, "pages": 2}
    ]
    [item] = ob.next_batch()
    assert item.key == key
    assert item.record == {"name": NAME}
    assert item.blobs == {"photo.jpg": b"\xff\xd8jpeg"}


def test_failed_print_rolls_back_the_submission_and_its_files(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    ob.db.table("prints").create({"submission": str, "pages": int})
    with pytest.raises(RuntimeError), ob.transaction() as tx:
        tx.submit("form.hukou", {"name": NAME}, {"photo.jpg": b"x" * 1000})
        tx.record("prints", {"submission": "k", "pages": 1})
        raise RuntimeError("printer jammed")
    assert ob.pending_count() == 0
    assert ob.db.execute("SELECT COUNT(*) FROM prints").fetchone()[0] == 0
    assert not ob.blobs.keys_on_disk(), "rolled-back blob files must not stay on disk"


def test_personal_data_is_not_on_disk_in_clear(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    photo = b"FACE-PIXELS-" * 100
    ob.submit("form.hukou", {"name": NAME, "id": ID_NUMBER}, {"photo.jpg": photo})
    ob.close()
    on_disk = _all_bytes(tmp_path / "data")
    for secret in (NAME.encode(), ID_NUMBER.encode(), b"FACE-PIXELS-"):
        assert secret not in on_disk
    assert (tmp_path / "key").stat().st_mode & 0o077 == 0


def test_non_personal_submission_is_stored_plain(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    ob.submit("counter.stats", {"tickets": 12}, pii=False)
    [item] = ob.next_batch()
    assert item.record == {"tickets": 12}


def test_lost_key_makes_data_unreadable_and_health_says_so(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    ob.submit("form.hukou", {"name": NAME})
    ob.submit("counter.stats", {"tickets": 1}, pii=False)
    ob.close()
    (tmp_path / "key").unlink()

    ob2 = _open(tmp_path)  # does not crash, does not make a new key over sealed data
    assert ob2.key.state is KeyState.MISSING
    assert not (tmp_path / "key").exists()
    st = ob2.status()
    state, reason = st.health()
    assert state == "fault"
    assert "missing" in reason and "1 stored submission(s) unreadable" in reason
    # the plain submission still flows; the sealed one waits for the key
    assert [i.record for i in ob2.next_batch()] == [{"tickets": 1}]
    admission = ob2.can_accept(1000, pii=True)
    assert not admission.ok and "terminal key missing" in admission.reason
    with pytest.raises(OutboxFull):
        ob2.submit("form.hukou", {"name": NAME})
    assert ob2.can_accept(1000, pii=False).ok


def test_a_different_key_cannot_read_and_is_reported(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    ob.submit("form.hukou", {"name": NAME})
    ob.close()
    (tmp_path / "key").write_bytes(os.urandom(32))
    ob2 = _open(tmp_path)
    assert ob2.next_batch() == []
    assert ob2.status().unreadable == 1
    assert ob2.status().health()[0] == "fault"


def test_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_bytes(os.urandom(32))
    key.chmod(0o644)
    ob = _open(tmp_path)
    assert ob.key.state is KeyState.INSECURE
    assert "insecure" in ob.status().health()[1]


def test_systemd_credential_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / CREDENTIAL_NAME).write_bytes(os.urandom(32))
    (creds / CREDENTIAL_NAME).chmod(0o440)  # systemd's own mode for credentials
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    path = key_location(None)
    assert path == creds / CREDENTIAL_NAME
    ob = Outbox(tmp_path / "data", key_path=path)
    assert ob.key.state is KeyState.OK
    ob.submit("form.hukou", {"name": NAME})
    assert ob.next_batch()[0].record == {"name": NAME}


def test_disk_budget_refuses_journeys_before_it_is_full(tmp_path: Path) -> None:
    ob = _open(tmp_path, disk_budget_bytes=1 * MiB, min_free_bytes=0)
    assert ob.can_accept(100_000).ok
    for _ in range(9):
        ob.submit("photo", {"n": 1}, {"p": os.urandom(100_000)})
    admission = ob.can_accept(200_000)
    assert not admission.ok
    assert "outbox nearly full" in admission.reason
    with pytest.raises(OutboxFull, match="nearly full"):
        ob.submit("photo", {"n": 2}, {"p": os.urandom(200_000)})
    assert ob.pending_count() == 9
    assert ob.status().health()[0] == "degraded"
    # the centre acknowledges: space comes back
    ob.acknowledge([i.key for i in ob.next_batch()])
    assert ob.can_accept(200_000).ok


def test_free_disk_reserve_is_kept(tmp_path: Path) -> None:
    ob = _open(tmp_path, min_free_bytes=10**15)  # more than any disk has
    admission = ob.can_accept(10)
    assert not admission.ok and "disk nearly full" in admission.reason


def test_acknowledge_removes_rows_and_files_and_orphans_are_swept(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    keys = [ob.submit("photo", {"n": n}, {"p": b"x" * 100}) for n in range(3)]
    assert ob.acknowledge(keys[:2]) == 2
    assert sorted(ob.blobs.keys_on_disk()) == [keys[2]]
    # a crash after prepare() but before commit leaves files nobody references
    prepared = ob.prepare("photo", {"n": 9}, {"p": b"y"})
    assert ob.sweep_orphans(min_age_s=3600) == 0  # too young: maybe still being written
    assert ob.sweep_orphans(min_age_s=0) == 1
    assert not ob.blobs.path_for(prepared.key).exists()
    assert ob.pending_count() == 1


def test_dead_letter_keeps_its_sealed_data_until_a_technician_decides(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    key = ob.submit("form.hukou", {"name": NAME}, {"photo.jpg": b"face"})
    other = ob.submit("form.hukou", {"name": NAME}, {"photo.jpg": b"face2"})
    ob.dead_letter(key, "HTTP 422: field id_number invalid")
    ob.dead_letter(other, "HTTP 422: field name invalid")
    assert ob.pending_count() == 0
    assert ob.next_batch() == []
    dead = {d.key: d for d in ob.dead_letters()}
    assert "422" in dead[key].reason and dead[key].has_data and dead[key].bytes > 0
    assert ob.blobs.path_for(key).exists(), "a dead letter keeps its (sealed) files"
    assert ob.status().dead_letter == 2
    assert ob.status().health() == (
        "degraded",
        "2 refused by the centre: kept for a technician (kiosk outbox dead)",
    )
    # retry: back in the queue, readable as it was
    ob.retry(key)
    [item] = ob.next_batch()
    assert item.key == key and item.record == {"name": NAME}
    assert item.blobs == {"photo.jpg": b"face"}
    # discard: row and files gone for good
    ob.discard(other)
    assert not ob.blobs.path_for(other).exists()
    assert ob.dead_letters() == []
    with pytest.raises(UnknownEntry):
        ob.discard(other)
    with pytest.raises(UnknownEntry):
        ob.retry(key)  # pending now: nothing to retry
    assert ob.recounted_totals() == ob.totals()


def test_threads_submit_while_another_acknowledges(tmp_path: Path) -> None:
    """One connection per thread, BEGIN IMMEDIATE: no "database is locked" under load."""
    ob = _open(tmp_path)
    errors: list[BaseException] = []
    done = threading.Event()
    acked: list[int] = []

    def writer(w: int) -> None:
        try:
            for n in range(40):
                with ob.transaction() as tx:
                    key = tx.submit("photo", {"w": w, "n": n}, {"p": b"z" * 2000})
                    tx.record("prints", {"submission": key})
        except BaseException as exc:  # pragma: no cover - the assertion shows it
            errors.append(exc)
        finally:
            ob.close_thread()

    def drainer() -> None:
        try:
            while not done.is_set() or ob.pending_count():
                acked.append(ob.acknowledge([i.key for i in ob.next_batch(limit=7)]))
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            ob.close_thread()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(3)]
    d = threading.Thread(target=drainer)
    d.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    d.join(60)
    assert not errors, errors
    assert sum(acked) == 120
    assert ob.pending_count() == 0
    assert ob.db.execute("SELECT COUNT(*) FROM prints").fetchone()[0] == 120


def test_damaged_blob_goes_to_dead_letters_not_a_crash(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    bad = ob.submit("photo", {"n": 1}, {"p": b"a" * 100})
    good = ob.submit("photo", {"n": 2}, {"p": b"b" * 100})
    blob = ob.blobs.path_for(bad)
    blob.write_bytes(blob.read_bytes()[:-1] + b"\x00")  # flipped byte: GCM tag fails
    assert [i.key for i in ob.next_batch()] == [good]
    [dead] = ob.dead_letters()
    assert dead.key == bad and "damaged" in dead.reason


def test_closed_transaction_refuses_more_work(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    with ob.transaction() as tx:
        pass
    with pytest.raises(OutboxError):
        tx.add(ob.prepare("photo", {"n": 1}))


class _LockWatch:
    """Wraps ``BlobStore.write``: at each blob write, can another process's connection
    take the database write lock right now? (It cannot while a transaction holds it.)"""

    def __init__(self, ob: Outbox) -> None:
        self.ob = ob
        self.under_lock = 0
        self.writes = 0
        original = ob.blobs.write

        def write(key: str, blobs: list[bytes]) -> Path:
            self.writes += 1
            probe = sqlite3.connect(ob.db_path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
            except sqlite3.OperationalError:
                self.under_lock += 1
            finally:
                probe.close()
            return original(key, blobs)

        ob.blobs.write = write  # type: ignore[method-assign]


def test_blob_files_are_written_before_the_write_lock_on_every_path(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    watch = _LockWatch(ob)
    ob.submit("photo", {"n": 0}, {"p": b"a"})
    with ob.transaction() as tx:
        key = tx.submit("form.hukou", {"name": NAME}, {"photo.jpg": b"b"})
        tx.record("receipts", {"submission": key})
        tx.submit("form.hukou", {"name": NAME}, {"photo.jpg": b"c"})  # a second one
    with ob.transaction() as tx:
        tx.record("receipts", {"submission": "first"})  # the caller's row first
        tx.submit("photo", {"n": 1}, {"p": b"d"})
    prepared = ob.prepare("photo", {"n": 2}, {"p": b"e"})
    with ob.transaction() as tx:
        tx.add(prepared)
        tx.execute("UPDATE receipts SET submission = submission")  # raw SQL: lock taken now
        # a file write now would happen under the lock: refused, loudly
        with pytest.raises(OutboxError, match="under the write lock"):
            tx.submit("photo", {"n": 3}, {"p": b"f"})
    assert watch.writes == 5
    assert watch.under_lock == 0
    assert ob.pending_count() == 5
    assert ob.db.execute("SELECT COUNT(*) FROM receipts").fetchone()[0] == 2


def test_running_totals_match_the_rows_after_every_kind_of_change(tmp_path: Path) -> None:
    ob = _open(tmp_path, min_free_bytes=0)
    rng = random.Random(5)
    keys: list[str] = []
    for step in range(120):
        action = rng.choice(["submit", "submit", "plain", "ack", "dead", "quarantine",
                             "retry", "discard", "rollback"])  # fmt: skip
        pending = [i.key for i in ob.next_batch(limit=1000, max_bytes=10**9)]
        parked = [d.key for d in ob.dead_letters()]
        if action == "submit":
            keys.append(ob.submit("photo", {"n": step}, {"p": os.urandom(rng.randrange(1, 5000))}))
        elif action == "plain":
            keys.append(ob.submit("counter.stats", {"n": step}, pii=False))
        elif action == "ack" and pending:
            ob.acknowledge(rng.sample(pending, rng.randint(1, len(pending))))
        elif action == "dead" and pending:
            ob.dead_letter(rng.choice(pending), "HTTP 422: test")
        elif action == "quarantine" and pending:
            ob.quarantine(rng.choice(pending), "HTTP 500 five times")
        elif action == "retry" and parked:
            ob.retry(rng.choice(parked))
        elif action == "discard" and parked:
            ob.discard(rng.choice(parked))
        elif action == "rollback":
            with pytest.raises(RuntimeError), ob.transaction() as tx:
                tx.submit("photo", {"n": step}, {"p": b"x" * 100})
                raise RuntimeError("the journey failed before commit")
        assert ob.totals() == ob.recounted_totals(), (step, action)
    totals = ob.totals()
    assert totals.stored_bytes == ob.stored_bytes() > 0
    assert ob.status().pending == totals.pending == ob.pending_count()


def test_an_outbox_written_by_the_previous_version_opens_counts_and_sends(
    tmp_path: Path,
) -> None:
    """Rows of format 1 (associated data = the key alone, blobs in <key>/<index>), and
    no totals table: the new code counts once, reads them, and removes their files."""
    key_path = tmp_path / "key"
    terminal = create_terminal_key(key_path)
    folder = tmp_path / "data" / "outbox"
    (folder / "blobs").mkdir(parents=True)
    conn = sqlite3.connect(folder / "outbox.db")
    conn.executescript(OLD_SCHEMA)
    old_keys = []
    for n in range(3):
        key = os.urandom(16).hex()
        aad = key.encode()
        env = terminal.new_envelope(aad)
        photo = f"photo {n}".encode()
        (folder / "blobs" / key).mkdir()
        (folder / "blobs" / key / "0").write_bytes(seal(env.data_key, photo, aad + b"/p.jpg"))
        record = seal(env.data_key, json.dumps({"n": n}).encode(), aad)
        conn.execute(
            "INSERT INTO outbox (key, kind, created_at, pii, key_id, wrapped_key, record,"
            " blob_names, bytes) VALUES (?, 'form.x', ?, 1, ?, ?, ?, '[\"p.jpg\"]', ?)",
            [key, time.time(), env.key_id, env.wrapped_key, record, 100],
        )
        old_keys.append(key)
    conn.commit()
    conn.close()

    ob = Outbox(tmp_path / "data", key_path=key_path)
    assert ob.totals() == ob.recounted_totals()
    assert ob.status().pending == 3 and ob.status().bytes == 300
    new = ob.submit("form.x", {"n": 3}, {"p.jpg": b"photo 3"})
    items = ob.next_batch()
    assert [i.record["n"] for i in items] == [0, 1, 2, 3]
    assert [i.blobs["p.jpg"] for i in items] == [f"photo {n}".encode() for n in range(4)]
    ob.acknowledge([i.key for i in items])
    assert ob.blobs.keys_on_disk() == set()
    assert ob.totals() == ob.recounted_totals() and ob.pending_count() == 0
    assert new not in old_keys


OLD_SCHEMA = """
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    created_at REAL NOT NULL, is_test INTEGER NOT NULL DEFAULT 0,
    pii INTEGER NOT NULL DEFAULT 1, key_id TEXT, wrapped_key BLOB, record BLOB NOT NULL,
    blob_names TEXT NOT NULL DEFAULT '[]', bytes INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, dead_reason TEXT, dead_at REAL
);
CREATE INDEX outbox_state_seq ON outbox(state, seq);
CREATE TABLE outbox_meta (name TEXT PRIMARY KEY, value TEXT);
"""


@pytest.mark.parametrize("column, value", [("is_test", 1), ("kind", "form.other")])
def test_a_row_edited_on_disk_does_not_open(tmp_path: Path, column: str, value: object) -> None:
    """The seal binds kind and is_test: a technician's test passed off as a citizen's
    form (or a form relabelled) fails authentication and is parked, not sent."""
    ob = _open(tmp_path)
    key = ob.submit("form.hukou", {"name": NAME}, {"photo.jpg": b"face"})
    ob.db.execute(f"UPDATE outbox SET {column} = ? WHERE key = ?", [value, key])
    assert ob.next_batch() == []
    [dead] = ob.dead_letters()
    assert dead.key == key and "damaged" in dead.reason


def test_files_and_folders_are_private_whatever_the_umask(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    old = os.umask(0o022)
    try:
        ob = Outbox(data, key_path=tmp_path / "key")
        ob.submit("form.hukou", {"name": NAME}, {"photo.jpg": b"face"})
        kiosk_outbox_setup_makes_data_private(data)
    finally:
        os.umask(old)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700  # tightened, not left 0755
    for folder in (ob.dir, ob.blobs.root, *ob.blobs.root.iterdir()):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for name in ("outbox.db", "outbox.db-wal", "outbox.db-shm"):
        assert stat.S_IMODE((ob.dir / name).stat().st_mode) == 0o600, name
    [blob] = [ob.blobs.path_for(k) for k in ob.blobs.keys_on_disk()]
    assert stat.S_IMODE(blob.stat().st_mode) == 0o600


def kiosk_outbox_setup_makes_data_private(data: Path) -> None:
    from kiosk.outbox import open_outbox, setup_from
    from tests.support import make_config

    open_outbox(setup_from(make_config(data))).close()


def test_deleted_rows_are_overwritten_not_left_in_free_pages(tmp_path: Path) -> None:
    ob = _open(tmp_path)
    assert ob.db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    key = ob.submit("form.hukou", {"name": NAME})
    wrapped = ob.db.execute("SELECT wrapped_key FROM outbox WHERE key = ?", [key]).fetchone()[0]
    ob.acknowledge([key])
    ob.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ob.close()
    assert wrapped not in (ob.dir / "outbox.db").read_bytes()
