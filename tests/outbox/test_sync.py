"""The sync worker against the real centre on loopback, directly, over mTLS and through a
misbehaving network (a proxy that answers 5xx, garbage, slowly, or not at all)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

from offline_cache.client import CentralClient, CentralSettings
from offline_cache.store import Outbox
from offline_cache.sync import Backoff, StepKind, SyncWorker

from .conftest import CENTRAL, Central, FaultProxy, clean_env, free_port, wait_for

pytestmark = pytest.mark.xdist_group("outbox-sync")


def _worker(
    outbox: Outbox, url: str, tid: str, *, batch_size: int = 10, read_timeout: float = 30.0,
    central_url: str = "", **tls: str,
) -> SyncWorker:  # fmt: skip
    settings = CentralSettings(url=url, read_timeout_s=read_timeout, **tls)
    return SyncWorker(
        outbox,
        lambda: CentralClient(settings),
        tid,
        batch_size=batch_size,
        backoff=Backoff(base_s=0.05, cap_s=0.2),
        idle_poll_s=0.05,
        heartbeat_s=0.5,
        central_url=central_url,
    )


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    ob = Outbox(tmp_path / "data", key_path=tmp_path / "key", min_free_bytes=0)
    yield ob
    ob.close()


def _tid() -> str:
    return "T" + uuid.uuid4().hex[:8]


def _fill(outbox: Outbox, n: int, blob: int = 2000) -> list[str]:
    return [
        outbox.submit(
            "form.hukou", {"n": i, "name": "王小明"}, {"photo.jpg": bytes([i % 256]) * blob}
        )
        for i in range(n)
    ]


def test_worker_thread_drains_to_the_centre_and_beats(outbox: Outbox, central: Central) -> None:
    tid = _tid()
    _fill(outbox, 25)
    worker = _worker(outbox, central.url, tid, batch_size=7)
    worker.start()
    try:
        assert wait_for(lambda: outbox.pending_count() == 0)
        assert wait_for(lambda: tid in central.stats()["heartbeats"])
        # new work after the drain is picked up too
        _fill(outbox, 3)
        assert wait_for(lambda: outbox.pending_count() == 0)
    finally:
        worker.stop()
    stats = central.stats()
    assert stats["terminals"][tid] == 28
    assert not outbox.blobs.keys_on_disk(), "acknowledged blobs must leave the disk"
    st = outbox.status()
    assert st.last_success is not None and st.pending == 0


def _gen_certs(pki: Path) -> Path:
    """A CA, a server certificate and terminal T01's, as ``kiosk-central gen-certs``."""
    subprocess.run(
        [CENTRAL, "gen-certs", str(pki), "--terminal", "T01", "--hall", "h1"], check=True,
        capture_output=True, env=clean_env(),
    )  # fmt: skip
    return pki


def test_mtls_with_generated_certificates(
    outbox: Outbox, central_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pki = _gen_certs(tmp_path / "pki")
    c = central_factory(
        "--tls-cert", str(pki / "server.pem"), "--tls-key", str(pki / "server.key"),
        "--client-ca", str(pki / "ca.pem"),
    )  # fmt: skip
    # The environment's CA bundle must not override the pinned CA (trust_env = False).
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/bundle.pem")
    _fill(outbox, 5)
    # without a client certificate the centre refuses terminal requests (403)
    bare = requests.Session()
    bare.trust_env, bare.verify = False, str(pki / "ca.pem")
    assert bare.post(f"{c.url}/v1/terminals/T01/heartbeat", json={"backlog": 0}).status_code == 403
    # an unpinned client (system CAs) does not trust the private CA either
    unpinned = _worker(outbox, c.url, "T01")
    assert unpinned.step().kind is StepKind.RETRY

    def pinned(ca: Path, cert: str) -> SyncWorker:
        return _worker(
            outbox, c.url, "T01", ca_file=str(ca / "ca.pem"),
            client_cert=str(pki / f"{cert}.pem"), client_key=str(pki / f"{cert}.key"),
        )  # fmt: skip

    # nor does a terminal pinned to another CA (the session's one TLS context holds it)
    foreign = pinned(_gen_certs(tmp_path / "other-pki"), "terminal-T01")
    assert foreign.step().kind is StepKind.RETRY
    assert "TLS failed" in (outbox.status().last_error or "")
    # a certificate file gone missing is a retry with a reason, not a crashed worker
    missing = pinned(pki, "gone")
    assert missing.step().kind is StepKind.RETRY
    assert "gone.pem" in (outbox.status().last_error or "")
    assert outbox.pending_count() == 5
    good = pinned(pki, "terminal-T01")
    report = good.drain()
    assert report.acknowledged == 5
    assert outbox.pending_count() == 0
    c.verify, c.cert = (
        str(pki / "ca.pem"),
        (
            str(pki / "terminal-T01.pem"),
            str(pki / "terminal-T01.key"),
        ),
    )
    assert c.stats()["terminals"]["T01"] == 5


def test_centre_down_for_a_while_then_back(outbox: Outbox, central_factory) -> None:
    port = free_port()
    tid = _tid()
    _fill(outbox, 12)
    worker = _worker(outbox, f"http://127.0.0.1:{port}", tid)
    worker.start()
    try:
        assert wait_for(lambda: outbox.status().last_error is not None)
        assert "cannot reach the centre" in (outbox.status().last_error or "")
        assert outbox.pending_count() == 12  # nothing lost while the centre is away
        c = central_factory(port=port)
        assert wait_for(lambda: outbox.pending_count() == 0, timeout=30)
    finally:
        worker.stop()
    assert c.stats()["terminals"][tid] == 12


def test_after_a_start_or_a_failure_batches_start_small_and_grow(
    outbox: Outbox, central: Central, fault_proxy: FaultProxy
) -> None:
    """Slow start: with 200 KB photos queued, the first batch carries one photo and each
    batch that goes through may be twice as large (up to the batch limit); a failure
    without Retry-After starts small again, a 503 with Retry-After (an appointment made
    for that size) does not."""
    tid = _tid()
    _fill(outbox, 24, blob=200_000)
    worker = _worker(outbox, fault_proxy.url, tid, batch_size=50)
    sizes = [worker.step().acknowledged for _ in range(4)]
    assert sizes == [1, 2, 5, 5], sizes  # 256 KiB, 512 KiB, then the 1 MiB limit
    fault_proxy.script = [("status", 503, 1)]
    assert worker.step().kind is StepKind.RETRY
    assert worker.step().acknowledged == 5  # the window kept at 1 MiB
    _fill(outbox, 6, blob=200_000)
    fault_proxy.script = [("drop",)]
    assert worker.step().kind is StepKind.RETRY  # no answer at all: start small
    assert [worker.step().acknowledged for _ in range(4)] == [1, 2, 5, 4]
    assert central.stats()["terminals"][tid] == 30


def test_a_terminal_told_to_wait_sends_no_heartbeat_until_its_appointment(
    outbox: Outbox, central: Central, fault_proxy: FaultProxy
) -> None:
    """A busy centre (503 with Retry-After) is not sent heartbeats by the terminals it
    turned away; the heartbeat follows once the centre takes the batch."""
    tid = _tid()
    _fill(outbox, 2)
    fault_proxy.script = [("status", 503, 2)]
    worker = _worker(outbox, fault_proxy.url, tid)
    worker.start()
    try:
        assert wait_for(lambda: not fault_proxy.script, timeout=10)  # the 503 was given
        time.sleep(1.0)  # within the appointment
        assert tid not in central.stats()["heartbeats"]
        assert outbox.pending_count() == 2
        assert wait_for(lambda: outbox.pending_count() == 0, timeout=15)
        assert wait_for(lambda: tid in central.stats()["heartbeats"], timeout=15)
    finally:
        worker.stop()


def test_retry_after_is_honoured_and_5xx_backs_off(
    outbox: Outbox, central: Central, fault_proxy: FaultProxy
) -> None:
    tid = _tid()
    _fill(outbox, 4)
    fault_proxy.script = [("status", 503, 2), ("status", 500, None), ("status", 429, 3600)]
    worker = _worker(outbox, fault_proxy.url, tid)
    s1 = worker.step()
    assert (s1.kind, s1.delay_s) == (StepKind.RETRY, 2.0)
    assert "503" in s1.error
    s2 = worker.step()
    assert s2.kind is StepKind.RETRY and 0.0 <= s2.delay_s <= 0.1  # jitter within 2 * base
    s3 = worker.step()
    assert s3.kind is StepKind.RETRY and s3.delay_s == 300.0  # Retry-After capped
    assert outbox.pending_count() == 4
    s4 = worker.step()
    assert s4.kind is StepKind.SENT and s4.acknowledged == 4  # (small: all in one)
    assert worker.backoff.failures == 0
    assert central.stats()["terminals"][tid] == 4


def test_garbage_dropped_and_lost_replies_neither_lose_nor_duplicate(
    outbox: Outbox, central: Central, fault_proxy: FaultProxy
) -> None:
    tid = _tid()
    _fill(outbox, 6)
    before = central.stats()["duplicates_refused"]
    fault_proxy.script = [("garbage",), ("drop",), ("stored_garbage",)]
    worker = _worker(outbox, fault_proxy.url, tid)
    errors = [worker.step().error for _ in range(3)]
    assert "garbage reply" in errors[0]
    assert errors[1]  # connection closed unanswered
    assert "garbage reply" in errors[2]
    assert outbox.pending_count() == 6  # the centre stored them, but we never heard so
    assert worker.step().acknowledged == 6
    stats = central.stats()
    assert stats["terminals"][tid] == 6
    assert stats["duplicates_refused"] - before == 6  # the replay was answered, not stored


def test_slow_centre_times_out_then_replay_is_acknowledged(
    outbox: Outbox, central: Central, fault_proxy: FaultProxy
) -> None:
    tid = _tid()
    _fill(outbox, 3)
    fault_proxy.script = [("slow", 1.5)]
    worker = _worker(outbox, fault_proxy.url, tid, read_timeout=0.5)
    step = worker.step()
    assert step.kind is StepKind.RETRY and "in time" in step.error
    # the slow request still reaches the centre; the next send is a replay
    assert wait_for(lambda: central.stats()["terminals"].get(tid) == 3, timeout=10)
    assert worker.step().acknowledged == 3
    assert central.stats()["terminals"][tid] == 3


def test_only_the_centres_422_for_an_item_dead_letters_it_and_keeps_its_data(
    outbox: Outbox, central: Central, fault_proxy: FaultProxy
) -> None:
    tid = _tid()
    keys = _fill(outbox, 4)
    # the centre already holds a different payload under the first key
    s = requests.Session()
    s.trust_env = False
    body = {"terminal_id": tid, "kind": "x", "created_at": 1.0, "record": {"other": 1}}
    assert s.post(f"{central.url}/v1/submissions", json=body,
                  headers={"Idempotency-Key": keys[0]}).status_code == 200  # fmt: skip
    # the centre refuses the batch whole (422); one by one, the first conflicts at the
    # centre and the second is refused (422): the two behind them still go through
    fault_proxy.script = [("status", 422, None), ("pass",), ("status", 422, None)]
    worker = _worker(outbox, fault_proxy.url, tid)
    step = worker.step()
    assert step.kind is StepKind.SENT
    assert (step.acknowledged, step.dead) == (2, 2)
    dead = {d.key: d for d in outbox.dead_letters()}
    assert set(dead) == {keys[0], keys[1]}
    assert "different payload" in dead[keys[0]].reason
    assert "422" in dead[keys[1]].reason
    assert all(d.has_data for d in dead.values())
    assert central.stats()["terminals"][tid] == 3  # the conflicting one, plus keys 2 and 3
    assert outbox.pending_count() == 0
    assert outbox.status().dead_letter == 2
    # the technician fixes the centre and sends the refused one again: it arrives whole
    outbox.retry(keys[1])
    assert worker.step().acknowledged == 1
    assert central.stats()["terminals"][tid] == 4
    # 409 and 408 are "try again", not "invalid"
    _fill(outbox, 1)
    fault_proxy.script = [("status", 409, None), ("status", 408, None)]
    assert worker.step().kind is StepKind.RETRY
    assert worker.step().kind is StepKind.RETRY
    assert worker.step().acknowledged == 1


def _readable(outbox: Outbox, keys: list[str]) -> None:
    """Every key is still pending, decrypts, and has its photo."""
    items = outbox.next_batch(limit=1000, max_bytes=10**9)
    assert sorted(i.key for i in items) == sorted(keys)
    assert all(len(i.blobs["photo.jpg"]) == 2000 for i in items)


def test_wrong_centre_url_keeps_the_queue_and_says_so_everywhere(
    outbox: Outbox, central: Central, tmp_path: Path
) -> None:
    """A ``central.url`` with one extra path segment: the real centre answers 404."""
    tid = _tid()
    keys = _fill(outbox, 3)
    wrong = central.url + "/hall-kiosk"
    worker = _worker(outbox, wrong, tid, central_url=wrong)
    step = worker.step()
    assert step.kind is StepKind.HALTED
    assert step.dead == 0 and outbox.dead_letters() == []
    _readable(outbox, keys)
    st = outbox.status()
    state, reason = st.health()
    assert state == "fault"
    assert "HTTP 404" in reason and "[central] url" in reason and wrong in reason
    assert "3 submission(s) kept" in reason
    beat = worker.heartbeat()
    assert "HTTP 404" in beat.detail["config_fault"] and beat.detail["outbox"] == "fault"
    assert beat.backlog == 3
    # a drain stops at once instead of waiting for a fault that waiting cannot fix
    report = worker.drain(give_up_after=10)
    assert report.halted and report.acknowledged == 0 and "HTTP 404" in report.errors[-1]
    _readable(outbox, keys)
    # the URL fixed: everything arrives, and the fault is cleared by the first success
    assert _worker(outbox, central.url, tid).drain().acknowledged == 3
    assert central.stats()["terminals"][tid] == 3
    assert outbox.status().config_fault is None
    assert outbox.status().health() == ("ok", "")


@pytest.mark.parametrize("code", [301, 308, 400, 401, 403, 404, 405, 413, 415])
def test_proxy_refusals_stop_sending_and_delete_nothing(
    outbox: Outbox, central: Central, fault_proxy: FaultProxy, code: int
) -> None:
    """ "Wrong place" or "not allowed" from whatever stands in front of the centre."""
    tid = _tid()
    keys = _fill(outbox, 3)
    for path in ("/v1/submissions/batch", "/v1/submissions"):
        fault_proxy.by_path[path] = ("status", code, None)
    worker = _worker(outbox, fault_proxy.url, tid)
    for _ in range(3):
        step = worker.step()
        assert step.kind is StepKind.HALTED, step
        assert f"HTTP {code}" in step.error
    assert outbox.dead_letters() == []
    _readable(outbox, keys)
    assert outbox.status().health()[0] == "fault"
    fault_proxy.by_path.clear()
    assert worker.drain().acknowledged == 3
    assert central.stats()["terminals"][tid] == 3


def test_heartbeat_carries_the_configuration_fault_to_the_centre(
    outbox: Outbox, central: Central, fault_proxy: FaultProxy
) -> None:
    """A proxy's body limit (413) refuses every submission; the small heartbeat passes."""
    tid = _tid()
    _fill(outbox, 2)
    for path in ("/v1/submissions/batch", "/v1/submissions"):
        fault_proxy.by_path[path] = ("status", 413, None)
    worker = _worker(outbox, fault_proxy.url, tid)
    worker.start()
    try:
        assert wait_for(lambda: tid in central.stats()["heartbeats"])
    finally:
        worker.stop()
    db_path = central.db.removeprefix("sqlite:///")
    with sqlite3.connect(db_path) as conn:
        (detail,) = conn.execute(
            "SELECT detail FROM heartbeats WHERE terminal_id = ?", [tid]
        ).fetchone()
    detail = json.loads(detail)
    assert detail["outbox"] == "fault"
    assert "HTTP 413" in detail["config_fault"]
    assert central.stats()["heartbeats"][tid]["backlog"] == 2
    assert outbox.pending_count() == 2


def test_an_item_the_centre_fails_on_alone_is_quarantined_not_deleted(
    outbox: Outbox, central: Central, fault_proxy: FaultProxy
) -> None:
    tid = _tid()
    keys = _fill(outbox, 3)
    fault_proxy.poison = {keys[1]}  # the centre answers 500 whenever this key is in a body
    worker = _worker(outbox, fault_proxy.url, tid)
    first = worker.step()  # the batch holds the poison: 500, nothing known yet
    assert first.kind is StepKind.RETRY and first.acknowledged == 0
    second = worker.step()  # one by one: the others go through, the poison gets a strike
    assert second.acknowledged == 2 and outbox.strikes(keys[1]) == 1
    steps = [worker.step() for _ in range(worker.quarantine_after - 1)]
    assert steps[-1].quarantined == 1
    assert outbox.pending_count() == 0
    [parked] = outbox.dead_letters()
    assert parked.key == keys[1] and parked.state == "quarantined" and parked.has_data
    assert "500" in parked.reason
    assert outbox.status().health()[0] == "degraded"
    assert "1 quarantined" in outbox.status().health()[1]
    assert worker.step().kind is StepKind.IDLE  # not retried forever
    # not deleted: once the centre is fixed, a technician's retry delivers it
    fault_proxy.poison = set()
    outbox.retry(keys[1])
    assert worker.step().acknowledged == 1
    assert central.stats()["terminals"][tid] == 3


def test_a_centre_failing_on_everything_quarantines_nothing(
    outbox: Outbox, central: Central, fault_proxy: FaultProxy
) -> None:
    """The centre is down (5xx for submissions and heartbeats alike): only backoff."""
    tid = _tid()
    keys = _fill(outbox, 3)
    for path in ("/v1/submissions/batch", "/v1/submissions", f"/v1/terminals/{tid}/heartbeat"):
        fault_proxy.by_path[path] = ("status", 500, None)
    worker = _worker(outbox, fault_proxy.url, tid)
    for _ in range(3 * worker.quarantine_after):
        assert worker.step().kind is StepKind.RETRY
    assert outbox.dead_letters() == []
    assert all(outbox.strikes(k) == 0 for k in keys)
    fault_proxy.by_path.clear()
    assert worker.drain().acknowledged == 3


def test_local_item_invalid_for_the_wire_is_dead_lettered(outbox: Outbox, central: Central) -> None:
    bad = outbox.submit("Form With Spaces", {"n": 1})
    good = outbox.submit("form.ok", {"n": 2})
    worker = _worker(outbox, central.url, _tid())
    step = worker.step()
    assert (step.acknowledged, step.dead) == (1, 1)
    assert [d.key for d in outbox.dead_letters()] == [bad]
    assert good not in {d.key for d in outbox.dead_letters()}


def test_refusal_reasons_never_keep_the_echoed_personal_data() -> None:
    from offline_cache.client import _detail

    resp = requests.Response()
    resp.status_code = 422
    resp._content = (
        b'{"detail":[{"type":"string_too_long","loc":["body","record","name"],'
        b'"msg":"String should have at most 4 characters","input":"' + "王小明".encode() + b'"}]}'
    )
    reason = _detail(resp)
    assert reason == "body.record.name: String should have at most 4 characters"
    assert "王小明" not in reason
