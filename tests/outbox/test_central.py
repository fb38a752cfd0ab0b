"""The centre as terminals and staff meet it: a real ``kiosk-central serve`` on loopback with
mutual TLS and certificates from ``kiosk-central gen-certs``, over SQLite and over a real
PostgreSQL server. Every impersonation is refused; a terminal's own requests go through."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_cache.client import parse_retry_after

from .conftest import CENTRAL, KIOSK, Central, _central_factory, add_staff, clean_env
from .pki import HALL_A, HALL_B, Pki, gen_certs, make_pki, terminal_session

pytestmark = pytest.mark.xdist_group("outbox-postgres")


def _sub(n: int = 0, *, test: bool = False, terminal: str = "T01") -> dict:
    return {
        "terminal_id": terminal,
        "kind": "form.hukou",
        "created_at": 1_700_000_000.0 + n,
        "is_test": test,
        "record": {"n": n, "name": "王小明"},
        "blobs": {"photo.jpg": base64.b64encode(b"jpeg-%d" % n).decode()},
    }


def _key() -> str:
    return uuid.uuid4().hex


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki") / "pki")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def centre(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pki: Pki
) -> Iterator[Central]:
    """An mTLS centre (SQLite, then PostgreSQL) shared by this module's tests."""
    gen = _central_factory(tmp_path_factory.mktemp("mtls-central"))
    make = next(gen)
    args = [*pki.server_args(), "--max-body-mb", "1", "--log-level", "info"]
    db = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    c = make(*args, db=db)
    c.verify = pki.ca
    yield c
    with contextlib.suppress(StopIteration):
        next(gen)


def T(centre: Central, pki: Pki, tid: str = "T01") -> requests.Session:
    return terminal_session(centre, pki, tid)


def test_every_impersonation_is_refused_and_own_requests_accepted(
    centre: Central, pki: Pki
) -> None:
    t01, url = T(centre, pki), centre.url
    before = centre.stats()
    day = datetime.now(UTC).date().isoformat()
    ticket = {"service_code": "HUJI", "prefix": "A", "terminal_id": "T01", "day": day}

    # As itself, in its own hall: accepted.
    own = t01.post(f"{url}/v1/submissions", json=_sub(1), headers={"Idempotency-Key": _key()})
    assert own.status_code == 200, own.text
    batch = {"items": [{**_sub(2), "idempotency_key": _key()}]}
    assert t01.post(f"{url}/v1/submissions/batch", json=batch).status_code == 200
    assert t01.post(f"{url}/v1/terminals/T01/heartbeat", json={"backlog": 0}).status_code == 200
    assert t01.post(f"{url}/v1/halls/{HALL_A}/tickets", json=ticket).status_code == 200

    # As another terminal, or in another hall: 403, whatever the body or path says.
    mixed = [
        {**_sub(4), "idempotency_key": _key()},
        {**_sub(5, terminal="T02"), "idempotency_key": _key()},
    ]
    refused = [
        t01.post(
            f"{url}/v1/submissions",
            json=_sub(3, terminal="T02"),
            headers={"Idempotency-Key": _key()},
        ),
        t01.post(f"{url}/v1/submissions/batch", json={"items": mixed}),
        t01.post(f"{url}/v1/terminals/T02/heartbeat", json={"backlog": 99}),
        t01.post(f"{url}/v1/halls/{HALL_B}/tickets", json=ticket),
        t01.post(f"{url}/v1/halls/{HALL_A}/tickets", json={**ticket, "terminal_id": "T02"}),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    assert "certificate is terminal T01" in refused[0].json()["detail"]
    assert "belongs to hall hall-a, not hall-b" in refused[3].json()["detail"]

    # Counter actions and counts are for staff, not terminals.
    call = f"{url}/v1/halls/{HALL_A}/services/HUJI/days/{day}/call"
    assert t01.post(call).status_code == 401
    assert t01.get(f"{url}/v1/stats").status_code == 401

    # Without any certificate, terminal routes are closed.
    anon = requests.Session()
    anon.trust_env, anon.verify = False, pki.ca
    r = anon.post(f"{url}/v1/terminals/T01/heartbeat", json={"backlog": 0})
    assert (r.status_code, r.json()["detail"]) == (403, "a terminal client certificate is required")

    after = centre.stats()
    assert after["terminals"].get("T01", 0) - before["terminals"].get("T01", 0) == 2
    assert after["terminals"].get("T02", 0) == before["terminals"].get("T02", 0)
    assert after["heartbeats"]["T01"]["hall_id"] == HALL_A
    assert after["heartbeats"].get("T02", {}).get("backlog") != 99


def test_staff_roles_call_numbers_in_their_own_hall_only(centre: Central, pki: Pki) -> None:
    hall_a_desk = add_staff(centre.db, f"desk-a-{_key()[:6]}", "counter", HALL_A)
    hall_b_desk = add_staff(centre.db, f"desk-b-{_key()[:6]}", "counter", HALL_B)
    t01, day = T(centre, pki), "2026-12-02"
    service = f"S{uuid.uuid4().hex[:8].upper()}"
    body = {"service_code": service, "prefix": "A", "terminal_id": "T01", "day": day}
    for _ in range(3):
        assert t01.post(f"{centre.url}/v1/halls/{HALL_A}/tickets", json=body).status_code == 200
    call = f"{centre.url}/v1/halls/{HALL_A}/services/{service}/days/{day}/call"
    assert centre.staff_session(hall_a_desk).post(call).json() == {"sequence": 1}
    other = centre.staff_session(hall_b_desk).post(call)
    assert (other.status_code, "another hall" in other.json()["detail"]) == (403, True)
    assert centre.staff_session().post(call).json() == {"sequence": 2}  # admin: any hall
    assert centre.staff_session(hall_a_desk).get(f"{centre.url}/v1/stats").status_code == 403
    forged = centre.staff_session("hks_" + "x" * 43).post(call)
    assert forged.status_code == 401
    # people_ahead counts numbers not yet called
    assert t01.post(f"{centre.url}/v1/halls/{HALL_A}/tickets", json=body).json() == {
        "number": "A004",
        "sequence": 4,
        "people_ahead": 1,
        "day": day,
    }


def test_idempotency_keys_belong_to_their_terminal(centre: Central, pki: Pki) -> None:
    """T02 reusing a key T01 used gets its own item stored, not T01's `conflict`."""
    key, url = _key(), f"{centre.url}/v1/submissions"
    first = T(centre, pki, "T01").post(url, json=_sub(7), headers={"Idempotency-Key": key})
    assert first.json()["status"] == "stored"
    other = T(centre, pki, "T02").post(
        url, json=_sub(8, terminal="T02"), headers={"Idempotency-Key": key}
    )
    assert (other.status_code, other.json()["status"]) == (200, "stored")
    again = T(centre, pki, "T01").post(url, json=_sub(7), headers={"Idempotency-Key": key})
    assert again.json()["status"] == "replayed"


def test_key_is_stored_once_and_replay_returns_the_stored_result(centre: Central, pki: Pki) -> None:
    s, url, key = T(centre, pki), f"{centre.url}/v1/submissions", _key()
    before = centre.stats()
    first = s.post(url, json=_sub(1), headers={"Idempotency-Key": key})
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "stored"
    again = s.post(url, json=_sub(1), headers={"Idempotency-Key": key})
    assert again.status_code == 200
    assert again.json()["status"] == "replayed"
    assert again.json()["received_at"] == first.json()["received_at"]
    other = s.post(url, json=_sub(2), headers={"Idempotency-Key": key})
    assert other.status_code == 422
    assert "different payload" in other.json()["detail"]
    after = centre.stats()
    assert after["submissions"] - before["submissions"] == 1
    assert after["duplicates_refused"] - before["duplicates_refused"] == 1
    assert after["conflicts"] - before["conflicts"] == 1
    cli = centre.cli_stats()  # the admin CLI reads the same database
    assert cli["terminals"]["T01"] == after["terminals"]["T01"]


def test_test_submissions_are_counted_apart(centre: Central, pki: Pki) -> None:
    items = [{**_sub(n, test=n % 2 == 1), "idempotency_key": _key()} for n in range(6)]
    before = centre.stats()
    r = T(centre, pki).post(f"{centre.url}/v1/submissions/batch", json={"items": items})
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["stored"] * 6
    after = centre.stats()
    assert after["submissions"] - before["submissions"] == 3
    assert after["test_submissions"] - before["test_submissions"] == 3


def test_ticket_numbers_are_unique_and_consecutive_under_concurrency(
    centre: Central, pki: Pki
) -> None:
    url = f"{centre.url}/v1/halls/{HALL_A}/tickets"
    service = f"S{uuid.uuid4().hex[:8].upper()}"

    def take(i: int) -> dict:
        tid = ("T01", "T02", "T03")[i % 3]
        body = {"service_code": service, "prefix": "A", "terminal_id": tid, "day": "2026-11-27"}
        r = T(centre, pki, tid).post(url, json=body, timeout=60)
        assert r.status_code == 200, r.text
        return dict(r.json())

    with ThreadPoolExecutor(6) as pool:
        got = list(pool.map(take, range(30)))
    assert sorted(t["sequence"] for t in got) == list(range(1, 31))
    assert {t["number"] for t in got} == {f"A{n:03d}" for n in range(1, 31)}
    tomorrow = T(centre, pki).post(
        url,
        json={"service_code": service, "prefix": "A", "terminal_id": "T01", "day": "2026-11-28"},
    )
    assert tomorrow.json()["sequence"] == 1


def test_racing_replays_of_one_key_store_it_once(centre: Central, pki: Pki) -> None:
    key, url = _key(), f"{centre.url}/v1/submissions"
    before = centre.stats()["terminals"].get("T01", 0)

    def send(_i: int) -> str:
        r = T(centre, pki).post(url, json=_sub(5), headers={"Idempotency-Key": key}, timeout=60)
        assert r.status_code == 200, r.text
        return str(r.json()["status"])

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(send, range(12)))
    assert statuses == ["replayed"] * 11 + ["stored"]
    assert centre.stats()["terminals"]["T01"] == before + 1


@pytest.mark.parametrize(
    "body",
    [
        {"service_code": "HUJI", "prefix": "A", "terminal_id": "T01", "day": "27/11/2026"},
        {"service_code": "HUJI", "prefix": "A", "terminal_id": "T 01", "day": "2026-11-27"},
        {"service_code": "HU\x00JI", "prefix": "A", "terminal_id": "T01", "day": "2026-11-27"},
        {"service_code": "HUJI", "prefix": "A", "day": "2026-11-27"},
        {"service_code": "HUJI", "prefix": "A", "terminal_id": "T01", "day": "2026-11-27", "x": 1},
    ],
)
def test_bad_ticket_requests_are_refused_with_422(centre: Central, pki: Pki, body: dict) -> None:
    r = T(centre, pki).post(f"{centre.url}/v1/halls/{HALL_A}/tickets", json=body)
    assert r.status_code == 422


def test_bad_submissions_are_refused_not_stored(centre: Central, pki: Pki) -> None:
    s, url = T(centre, pki), f"{centre.url}/v1/submissions"
    before = centre.stats()["submissions"]
    bad_blob = {**_sub(1), "blobs": {"p.jpg": "not base64!!"}}
    bad_name = {**_sub(1), "blobs": {"p\x00.jpg": "aGk="}}
    for body in (bad_blob, bad_name):
        assert s.post(url, json=body, headers={"Idempotency-Key": _key()}).status_code == 422
    assert s.post(url, json=_sub(1)).status_code == 422  # no Idempotency-Key
    assert s.post(url, json=_sub(1), headers={"Idempotency-Key": "short"}).status_code == 422
    headers = {"Idempotency-Key": _key(), "Content-Type": "application/json"}
    assert s.post(url, data=b"{garbage", headers=headers).status_code == 422
    nan = json.dumps(_sub(1)).replace("1700000001.0", "NaN").encode()
    refused = s.post(url, data=nan, headers=headers)
    assert refused.status_code == 422
    assert "王小明" not in refused.text  # the refusal says where, not what
    assert centre.stats()["submissions"] == before


def test_a_body_over_the_limit_is_refused_before_it_is_read(centre: Central, pki: Pki) -> None:
    big = {**_sub(1), "blobs": {"photo.jpg": base64.b64encode(b"\xff" * 1_200_000).decode()}}
    before = centre.stats()["submissions"]
    r = T(centre, pki).post(
        f"{centre.url}/v1/submissions", json=big, headers={"Idempotency-Key": _key()}
    )
    assert r.status_code == 413
    assert centre.stats()["submissions"] == before


def test_blobs_are_stored_once_by_their_hash_outside_the_database(
    centre: Central, pki: Pki
) -> None:
    photo = uuid.uuid4().bytes * 1000
    body = {**_sub(1), "blobs": {"photo.jpg": base64.b64encode(photo).decode()}}
    s = T(centre, pki)
    for _ in range(2):  # two submissions, same photo: one blob
        r = s.post(f"{centre.url}/v1/submissions", json=body, headers={"Idempotency-Key": _key()})
        assert r.json()["status"] == "stored"
    sha = hashlib.sha256(photo).hexdigest()
    if "--blobs" in centre.args:
        blob_dir = Path(centre.args[centre.args.index("--blobs") + 1])
    else:  # beside the SQLite file: central-PORT.db -> central-PORT-blobs
        db_file = Path(centre.db.removeprefix("sqlite:///"))
        blob_dir = db_file.with_name(f"{db_file.stem}-blobs")
    path = blob_dir / sha[:2] / sha[2:4] / sha
    assert path.read_bytes() == photo
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert blob_dir.stat().st_mode & 0o777 == 0o700


def test_revoked_certificate_is_refused_at_the_next_request_and_reissue_works(
    centre: Central, pki: Pki
) -> None:
    """T03 is revoked while it holds a keep-alive connection: refused from its next
    request, on that connection and on a new one; a certificate issued afterwards works."""
    url = f"{centre.url}/v1/terminals/T03/heartbeat"
    time.sleep(1.1)  # T03's certificate is strictly older than the revocation below
    live = T(centre, pki, "T03")
    assert live.post(url, json={"backlog": 1}).status_code == 200
    revoke = subprocess.run(
        [CENTRAL, "revoke", "T03", "--db", centre.db, "--reason", "terminal stolen"],
        capture_output=True, text=True, env=clean_env(), timeout=120,
    )  # fmt: skip
    assert revoke.returncode == 0, revoke.stderr
    assert "T03" in revoke.stdout
    again = live.post(url, json={"backlog": 2})
    assert again.status_code == 403
    assert again.json()["detail"] == "the certificate of terminal T03 is revoked"
    assert again.headers.get("connection") == "close"
    assert T(centre, pki, "T03").post(url, json={"backlog": 3}).status_code == 403
    assert (
        T(centre, pki, "T01")
        .post(f"{centre.url}/v1/terminals/T01/heartbeat", json={"backlog": 0})
        .status_code
        == 200
    )  # the others carry on
    assert "refused revoked certificate of T03@hall-a" in centre.log()

    time.sleep(1.1)  # a certificate issued strictly after the revocation
    assert gen_certs(pki.dir, HALL_A, "T03").returncode == 0
    assert T(centre, pki, "T03").post(url, json={"backlog": 4}).status_code == 200
    listing = subprocess.run(
        [CENTRAL, "revoke", "--list", "--db", centre.db], capture_output=True, text=True,
        env=clean_env(), timeout=120,
    )  # fmt: skip
    assert "terminal T03  terminal stolen" in listing.stdout


def test_ticket_numbers_come_from_the_centre_under_mtls(
    centre: Central, pki: Pki, tmp_path: Path
) -> None:
    """The kiosk's own ticket service, configured with one [central] section, gets its
    numbers from the mTLS centre; a terminal configured for another hall than its
    certificate says gets refused and falls back to its offline block."""
    import tomllib

    from devices.ticket_printer.sim import SimTicketPrinter
    from devices.uri import DeviceUri
    from kiosk.config.loader import Layer, default_layer, load_layers
    from kiosk.tickets.service import TicketService, build_allocator

    cert, key = pki.terminal("T01")

    def service(hall: str, data: Path) -> TicketService:
        text = (
            f'[terminal]\nid = "T01"\nhall_id = "{hall}"\ndata_dir = "{data}"\n'
            f'[central]\nurl = "{centre.url}"\nca_file = "{pki.ca}"\n'
            f'client_cert = "{cert}"\nclient_key = "{key}"\n'
            '[ticket]\ncentral_timeout_s = 5\noffline_tag = "K"\n'
        )
        config = load_layers([default_layer(), Layer("t.toml", text, tomllib.loads(text))])
        printer = SimTicketPrinter(DeviceUri.parse("sim://?delay_ms=0"))
        return TicketService(config, printer, build_allocator(config))

    now = datetime(2031, 1, 2, 2, 0, tzinfo=UTC)
    desk = service(HALL_A, tmp_path / "a")
    got = [desk.issue("SHEBAO", now) for _ in range(2)]
    assert [(t.number, t.source) for t in got] == [("C001", "central"), ("C002", "central")]
    wrong = service(HALL_B, tmp_path / "b").issue("SHEBAO", now)
    assert (wrong.number, wrong.source) == ("CK001", "offline")


def test_the_terminals_outbox_drains_to_the_mtls_centre(
    centre: Central, pki: Pki, tmp_path: Path
) -> None:
    """``kiosk outbox test`` then ``sync --once``, with the certificate from the config."""
    cert, key = pki.terminal("T02")
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[terminal]\nid = "T02"\nhall_id = "{HALL_A}"\ndata_dir = "{tmp_path / "data"}"\n'
        f'[central]\nurl = "{centre.url}"\nca_file = "{pki.ca}"\nclient_cert = "{cert}"\n'
        f'client_key = "{key}"\nkey_file = "{tmp_path / "outbox.key"}"\n'
    )
    env = {**clean_env(), "KIOSK_CONFIG": str(config)}
    before = centre.stats()["test_submissions"]
    for args in (["test", "--count", "3"], ["sync", "--once"]):
        out = subprocess.run(
            [KIOSK, "outbox", *args], capture_output=True, text=True, env=env, timeout=120
        )
        assert out.returncode == 0, out.stderr
    assert centre.stats()["test_submissions"] - before == 3


def test_stats_and_heartbeats(centre: Central, pki: Pki) -> None:
    r = T(centre, pki, "T02").post(
        f"{centre.url}/v1/terminals/T02/heartbeat", json={"backlog": 3, "dead_letter": 1}
    )
    assert r.status_code == 200 and r.json()["terminal_id"] == "T02"
    beat = centre.stats()["heartbeats"]["T02"]
    assert (beat["backlog"], beat["dead_letter"], beat["hall_id"]) == (3, 1, HALL_A)
    stats = centre.stats()
    assert {"purged_submissions", "purged_blobs", "blobs", "blob_bytes"} <= set(stats)


def test_api_docs_are_off_unless_asked(centre: Central, pki: Pki, central_factory) -> None:  # type: ignore[no-untyped-def]
    s = T(centre, pki)
    assert s.get(f"{centre.url}/v1/openapi.json").status_code == 404
    assert s.get(f"{centre.url}/v1/docs").status_code == 404
    if "postgresql" in centre.db:
        return
    with_docs = central_factory("--docs")
    spec = requests.get(f"{with_docs.url}/v1/openapi.json", timeout=30).json()
    paths = spec["paths"]
    for path in ("/v1/submissions", "/v1/submissions/batch", "/v1/halls/{hall_id}/tickets",
                 "/v1/terminals/{terminal_id}/heartbeat", "/v1/stats"):  # fmt: skip
        assert path in paths
    assert set(spec["components"]["schemas"]["TicketOut"]["properties"]) == {
        "number",
        "sequence",
        "people_ahead",
        "day",
    }


def test_gen_certs_names_terminal_and_hall_and_reuses_the_ca(tmp_path: Path) -> None:
    from cryptography import x509

    from central.certs import identity_of

    out = tmp_path / "pki"
    assert gen_certs(out, "hall-x", "T01", "T02").returncode == 0
    ca_before = (out / "ca.pem").read_bytes()
    assert gen_certs(out, "hall-x", "T05").returncode == 0
    assert (out / "ca.pem").read_bytes() == ca_before  # the CA is reused
    ca = x509.load_pem_x509_certificate(ca_before)
    cert = x509.load_pem_x509_certificate((out / "terminal-T05.pem").read_bytes())
    assert cert.issuer == ca.subject
    ident = identity_of(cert)
    assert (ident.terminal_id, ident.hall_id) == ("T05", "hall-x")
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.UniformResourceIdentifier) == [
        "urn:hall-kiosk:terminal:T05",
        "urn:hall-kiosk:hall:hall-x",
    ]
    for name in ("ca.key", "server.key", "terminal-T05.key"):
        assert (out / name).stat().st_mode & 0o077 == 0
    lines = (out / "issued.jsonl").read_text().splitlines()
    assert [json.loads(x)["terminal_id"] for x in lines] == ["T01", "T02", "T05"]
    clash = gen_certs(out, "hall-y", "T01")
    assert clash.returncode == 1
    assert "T01 already has a certificate for hall hall-x" in clash.stderr
    no_hall = subprocess.run(
        [CENTRAL, "gen-certs", str(out), "--terminal", "T07"], capture_output=True, text=True,
        env=clean_env(), timeout=120,
    )  # fmt: skip
    assert no_hall.returncode == 1 and "--hall" in no_hall.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--host", "0.0.0.0"], "without --client-ca the centre serves loopback only"),
        (["--host", "0.0.0.0", "--tls-cert", "{pki}/server.pem", "--tls-key",
          "{pki}/server.key"], "without --client-ca"),
        (["--host", "0.0.0.0", "--insecure-claimed-identity"], "loopback only"),
        (["--insecure-claimed-identity", "--tls-cert", "{pki}/server.pem", "--tls-key",
          "{pki}/server.key", "--client-ca", "{pki}/ca.pem"], "exclude each other"),
        (["--workers", "2"], "--workers above 1 needs PostgreSQL"),
        (["--behind-proxy", "--client-ca", "{pki}/ca.pem"], "--uds"),
    ],
)  # fmt: skip
def test_unsafe_ways_to_serve_are_refused(
    tmp_path: Path, pki: Pki, args: list[str], says: str
) -> None:
    args = [a.replace("{pki}", str(pki.dir)) for a in args]
    out = subprocess.run(
        [CENTRAL, "serve", "--db", str(tmp_path / "x.db"), *args],
        capture_output=True, text=True, env=clean_env(), timeout=120,
    )  # fmt: skip
    assert out.returncode == 1
    assert says in out.stderr
    assert "Traceback" not in out.stderr


def test_staff_tokens_are_shown_once_kept_hashed_and_removable(centre: Central, pki: Pki) -> None:
    if "postgresql" in centre.db:
        pytest.skip("the CLI is the same for both databases")
    name = f"ops-{_key()[:6]}"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([CENTRAL, "staff", *args, "--db", centre.db], capture_output=True,
                              text=True, env=clean_env(), timeout=120)  # fmt: skip

    added = cli("add", name, "--role", "admin")
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()
    assert token.startswith("hks_") and "shown only now" in added.stderr
    assert centre.staff_session(token).get(f"{centre.url}/v1/stats").status_code == 200
    listing = cli("list").stdout
    assert name in listing and token not in listing
    db_bytes = Path(centre.db.removeprefix("sqlite:///")).read_bytes()
    assert token.encode() not in db_bytes
    assert cli("add", name, "--role", "admin").returncode == 1  # no second token silently
    assert cli("add", "desk", "--role", "counter").returncode == 1  # a counter needs --hall
    assert cli("remove", name).returncode == 0
    assert centre.staff_session(token).get(f"{centre.url}/v1/stats").status_code == 401


def test_central_db_and_blobs_are_private(tmp_path: Path) -> None:
    from central.blobstore import FileBlobStore
    from central.store import open_database

    db = open_database(f"sqlite:///{tmp_path / 'c.db'}", 1)
    db.dispose()
    assert (tmp_path / "c.db").stat().st_mode & 0o777 == 0o600
    store = FileBlobStore(tmp_path / "blobs")
    store.put_many({"ab" * 32: b"x"})
    assert (tmp_path / "blobs").stat().st_mode & 0o777 == 0o700


def test_an_older_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE submissions (idempotency_key TEXT PRIMARY KEY)")
    out = subprocess.run(
        [CENTRAL, "stats", "--db", str(path)], capture_output=True, text=True, env=clean_env(),
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 1
    assert "older centre" in out.stderr and "Traceback" not in out.stderr


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
        "import sys, central.app, central.cli, central.store, central.certs, central.auth\n"
        "import central.tls, central.retention, central.credentials\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('kiosk', 'devices', 'ui')"
        " or (m.startswith('offline_cache.') and m != 'offline_cache.wire'))\n"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
