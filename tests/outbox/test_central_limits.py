"""Slow clients cannot hold the centre's connections: a request that does not arrive whole
within ``--request-timeout`` is closed, while an idle keep-alive connection between
requests is not (that is the keep-alive's business, 75 s)."""

from __future__ import annotations

import socket
import time

import pytest

from .conftest import Central

pytestmark = [pytest.mark.daemon, pytest.mark.xdist_group("outbox-sync")]

REQUEST = (
    b"POST /v1/terminals/T01/heartbeat HTTP/1.1\r\nHost: centre\r\n"
    b"Content-Type: application/json\r\nContent-Length: 13\r\n\r\n"
)
BODY = b'{"backlog":0}'


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """True when the centre closes the connection within ``seconds`` (nothing answered)."""
    sock.settimeout(seconds)
    try:
        return sock.recv(4096) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def _response(sock: socket.socket) -> bytes:
    """One whole HTTP response (status line, headers, Content-Length body)."""
    sock.settimeout(30)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(4096)
    return head + b"\r\n\r\n" + body


def _connect(c: Central) -> socket.socket:
    return socket.create_connection(("127.0.0.1", c.port), timeout=10)


def test_half_sent_requests_are_closed_and_whole_ones_kept(central_factory) -> None:  # type: ignore[no-untyped-def]
    c = central_factory("--request-timeout", "2")
    # Twenty connections that send part of a request and stop (headers, or half a body).
    stalled = []
    for n in range(20):
        s = _connect(c)
        s.sendall(REQUEST[:30] if n % 2 else REQUEST + BODY[:5])
        stalled.append(s)
    # One that trickles a byte now and then: still not a whole request in time.
    trickle = _connect(c)
    started = time.monotonic()
    closed = False
    for byte in REQUEST:
        try:
            trickle.sendall(bytes([byte]))
        except OSError:
            closed = True
            break
        if _closed_within(trickle, 0.25):
            closed = True
            break
    assert closed and time.monotonic() - started < 10
    assert all(_closed_within(s, 10) for s in stalled)
    for s in [*stalled, trickle]:
        s.close()

    # A whole request is answered; the connection then idles longer than the request
    # timeout and still serves the next request.
    live = _connect(c)
    live.sendall(REQUEST + BODY)
    first = _response(live)
    assert first.startswith(b"HTTP/1.1 200"), first[:80]
    time.sleep(3)
    live.sendall(REQUEST + BODY)
    assert _response(live).startswith(b"HTTP/1.1 200")
    live.close()


ITEM = {"terminal_id": "T01", "kind": "form.x", "created_at": 1.0, "record": {"p": "x" * 6000}}


def _raw_batch() -> tuple[bytes, bytes]:
    """Head and body of a one-item batch request (about 6 KB), to send by hand."""
    import json
    import uuid

    body = json.dumps({"items": [{**ITEM, "idempotency_key": uuid.uuid4().hex}]}).encode()
    head = (
        b"POST /v1/submissions/batch HTTP/1.1\r\nHost: centre\r\n"
        b"Content-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
    )
    return head, body


def test_submissions_beyond_the_work_in_flight_wait_with_retry_after(central_factory) -> None:  # type: ignore[no-untyped-def]
    """While one batch is being received, another that would pass the in-flight limit is
    told to come back later (503, Retry-After) before its body is read; heartbeats and
    tickets are never held back; once the first is done the second goes through."""
    import uuid

    import requests

    c = central_factory("--max-inflight-mb", "0.01")  # 10 KB of submissions at once
    item = ITEM
    head_a, body_a = _raw_batch()
    first = _connect(c)
    first.sendall(head_a + body_a[:100])  # admitted, and still arriving
    time.sleep(0.5)
    s = requests.Session()
    s.trust_env = False
    batch_b = {"items": [{**item, "idempotency_key": uuid.uuid4().hex}]}
    busy = s.post(f"{c.url}/v1/submissions/batch", json=batch_b, timeout=30)
    assert busy.status_code == 503
    assert 1 <= int(busy.headers["Retry-After"]) <= 120
    beat = s.post(f"{c.url}/v1/terminals/T01/heartbeat", json={"backlog": 1}, timeout=30)
    assert beat.status_code == 200
    first.sendall(body_a[100:])
    assert _response(first).startswith(b"HTTP/1.1 200")
    first.close()
    again = s.post(f"{c.url}/v1/submissions/batch", json=batch_b, timeout=30)
    assert again.status_code == 200
    assert c.stats()["terminals"]["T01"] == 2


def test_a_submission_waits_at_the_door_for_work_about_to_finish(central_factory) -> None:  # type: ignore[no-untyped-def]
    """A batch that arrives while the room is full, with the work ahead almost done, waits
    its turn (its body unread) and goes through without a 503 and a come-back; the answer
    says how long the centre wants when it refuses one (``retry_after_s``)."""
    import threading
    import uuid

    import requests

    c = central_factory("--max-inflight-mb", "0.01")  # 10 KB of submissions at once
    item = ITEM
    head_a, body_a = _raw_batch()
    first = _connect(c)
    first.sendall(head_a + body_a[:100])  # admitted, still arriving
    time.sleep(0.3)
    s = requests.Session()
    s.trust_env = False
    answers: list[requests.Response] = []
    batch_b = {"items": [{**item, "idempotency_key": uuid.uuid4().hex}]}
    second = threading.Thread(
        target=lambda: answers.append(
            s.post(f"{c.url}/v1/submissions/batch", json=batch_b, timeout=30)
        )
    )
    started = time.monotonic()
    second.start()
    time.sleep(0.2)  # B is at the door now
    first.sendall(body_a[100:])  # A finishes within B's hold
    assert _response(first).startswith(b"HTTP/1.1 200")
    first.close()
    second.join(30)
    assert answers and answers[0].status_code == 200, answers[0].text if answers else None
    assert time.monotonic() - started >= 0.2  # it waited for A, then went in
    assert c.stats()["terminals"]["T01"] == 2

    # A refusal names the wait to the millisecond as well as in whole seconds.
    stuck = _connect(c)
    stuck.sendall(head_a.replace(b"Content-Length", b"X-A: 1\r\nContent-Length") + b"{")
    time.sleep(0.3)
    busy = s.post(f"{c.url}/v1/submissions/batch", json=batch_b | {"items": [
        {**item, "idempotency_key": uuid.uuid4().hex}]}, timeout=30)  # fmt: skip
    assert busy.status_code == 503
    wait = busy.json()["retry_after_s"]
    assert 0 < wait <= int(busy.headers["Retry-After"]) <= wait + 1
    stuck.close()
