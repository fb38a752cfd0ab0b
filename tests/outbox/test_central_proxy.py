"""Reverse-proxy mode: a real nginx terminates mTLS and forwards the verified certificate in
``X-Client-Cert``; the centre listens on loopback and believes that header only with the
proxy's secret, and checks the forwarded certificate against the CA again."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from .conftest import Central, _central_factory, free_port, wait_listening
from .pki import HALL_A, Pki, make_pki

pytestmark = [pytest.mark.daemon, pytest.mark.xdist_group("outbox-postgres")]

SECRET = "proxy-secret-3f9a1c0d5e7b"

NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
user root;
pid {run}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {pki}/server.pem;
        ssl_certificate_key {pki}/server.key;
        ssl_client_certificate {pki}/ca.pem;
        ssl_verify_client optional;
        client_max_body_size 16m;
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # Set here, so whatever a client sends under these names never passes.
            proxy_set_header X-Client-Cert $ssl_client_escaped_cert;
            proxy_set_header X-Proxy-Secret "{secret}";
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("proxy-pki") / "pki")


@pytest.fixture(scope="module")
def behind_proxy(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[Central]:
    base = tmp_path_factory.mktemp("proxied")
    (base / "secret").write_text(SECRET + "\n")
    gen = _central_factory(base)
    make = next(gen)
    c = make("--behind-proxy", "--client-ca", pki.ca, "--proxy-secret-file", str(base / "secret"))
    yield c
    with contextlib.suppress(StopIteration):
        next(gen)


@pytest.fixture(scope="module")
def nginx(
    tmp_path_factory: pytest.TempPathFactory, pki: Pki, behind_proxy: Central
) -> Iterator[str]:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.skip("nginx not installed (scripts/apt-packages.txt: nginx-light)")
    run = tmp_path_factory.mktemp("nginx")
    port = free_port()
    conf = run / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            run=run, port=port, pki=pki.dir, upstream=behind_proxy.port, secret=SECRET
        )
    )
    proc = subprocess.Popen(
        [binary, "-p", str(run), "-c", str(conf), "-e", "stderr"],
        stdout=subprocess.DEVNULL,
        stderr=open(run / "nginx.err", "wb"),  # noqa: SIM115 - the child keeps it
    )
    try:
        wait_listening(port, proc, "nginx")
    except RuntimeError as exc:
        raise RuntimeError(f"{exc}: {(run / 'nginx.err').read_text()}") from None
    yield f"https://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def _session(pki: Pki, tid: str | None) -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    s.verify = pki.ca
    if tid:
        s.cert = pki.terminal(tid)
    return s


def _pem(pki: Pki, tid: str) -> str:
    return Path(pki.terminal(tid)[0]).read_text()


def test_through_the_proxy_a_terminal_acts_only_as_itself(
    nginx: str, behind_proxy: Central, pki: Pki
) -> None:
    t01 = _session(pki, "T01")
    assert t01.post(f"{nginx}/v1/terminals/T01/heartbeat", json={"backlog": 1}).status_code == 200
    # T01 pretends, in the header the proxy sets, to hold T02's certificate: the proxy
    # replaces it with the one it verified, so the centre still sees T01.
    forged = {"X-Client-Cert": quote(_pem(pki, "T02")), "X-Proxy-Secret": "guess"}
    r = t01.post(f"{nginx}/v1/terminals/T02/heartbeat", json={"backlog": 9}, headers=forged)
    assert r.status_code == 403
    assert r.json()["detail"] == "this certificate is terminal T01; the request names T02"
    # No certificate at the proxy, a forged header: the proxy drops the header.
    r = _session(pki, None).post(
        f"{nginx}/v1/terminals/T02/heartbeat", json={"backlog": 9}, headers=forged
    )
    assert (r.status_code, r.json()["detail"]) == (403, "a terminal client certificate is required")
    day = "2026-12-03"
    ticket = {"service_code": "HUJI", "prefix": "A", "terminal_id": "T01", "day": day}
    assert t01.post(f"{nginx}/v1/halls/{HALL_A}/tickets", json=ticket).status_code == 200
    assert t01.post(f"{nginx}/v1/halls/hall-b/tickets", json=ticket).status_code == 403
    beats = behind_proxy.staff_session().get(
        f"{behind_proxy.url}/v1/stats", headers={"X-Proxy-Secret": SECRET}
    )
    assert beats.json()["heartbeats"]["T01"]["hall_id"] == HALL_A
    assert "T02" not in beats.json()["heartbeats"]


def test_the_header_is_believed_only_from_the_proxy(behind_proxy: Central, pki: Pki) -> None:
    """Straight to the centre's port, bypassing nginx: the header alone gets nowhere."""
    url = f"{behind_proxy.url}/v1/terminals/T02/heartbeat"
    header = {"X-Client-Cert": quote(_pem(pki, "T02"))}
    for extra in ({}, {"X-Proxy-Secret": "guess"}):
        r = requests.post(url, json={"backlog": 9}, headers={**header, **extra}, timeout=30)
        assert (r.status_code, r.json()["detail"]) == (403, "reach this centre through its proxy")


def test_a_forwarded_certificate_is_checked_against_the_ca(
    behind_proxy: Central, tmp_path: Path
) -> None:
    """A proxy misconfigured to pass any certificate (``optional_no_ca``) still cannot
    bring in one from another CA."""
    other = make_pki(tmp_path / "other")
    r = requests.post(
        f"{behind_proxy.url}/v1/terminals/T01/heartbeat",
        json={"backlog": 0},
        headers={"X-Client-Cert": quote(_pem(other, "T01")), "X-Proxy-Secret": SECRET},
        timeout=30,
    )
    assert r.status_code == 403
    assert "does not verify" in r.json()["detail"]
