"""The ``/fleet`` page in Debian's headless Chromium: an admin logs in with the
browser's own prompt (name and staff token, no JavaScript), sees faults first, the halted
rollout and the halls; without a token the page is refused."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from kiosk.cli.fleet import run_cycle
from tests.fleet.conftest import Fleet
from tests.fleet.test_centre import beat

pytestmark = [pytest.mark.daemon]

CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def spki_pin(cert_pem: Path) -> str:
    """What ``--ignore-certificate-errors-spki-list`` takes: the centre's own key only."""
    cert = x509.load_pem_x509_certificate(cert_pem.read_bytes())
    der = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def chromium(fleet: Fleet, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = fleet.tmp / f"chromium-{len(list(fleet.tmp.glob('chromium-*')))}"
    return subprocess.run(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--ignore-certificate-errors-spki-list={spki_pin(fleet.pki.dir / 'server.pem')}",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_fleet_page_in_headless_chromium(fleet: Fleet) -> None:
    assert CHROMIUM is not None, "chromium is in scripts/apt-packages.txt: install it"
    for tid in ("T01", "T02", "T03"):
        beat(fleet, tid)
    bad = fleet.toml("bad.toml", '[devices]\nticket_printer = "escpos+tcp://127.0.0.1:9"\n')
    fleet.publish("--all", "--pilot-hall", "hall-b", "--max-failures", "20", "--soak-s", "0", bad)
    assert run_cycle(fleet.layered("T03"))["outcome"] == "rolled_back"
    beat(fleet, "T03")

    page = f"{fleet.centre.url}/fleet"
    refused = requests.get(page, verify=str(fleet.pki.ca), timeout=30)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Basic")

    name, token = f"admin-{fleet.centre.port}", fleet.centre.admin_token
    login = page.replace("https://", f"https://{name}:{token}@")
    dom = chromium(fleet, login, "--dump-dom")
    html = dom.stdout
    assert "<script" not in html.lower()
    assert 'http-equiv="refresh"' in html
    attention = html.index("Needs attention")
    assert html.index("T03", attention) < html.index("Rollouts")  # the fault, first
    assert "halted" in html and "stopped: 1 of 1 terminals failed to apply" in html
    assert "hall-a" in html and "hall-b" in html

    shot = fleet.tmp / "fleet.png"
    done = chromium(fleet, login, f"--screenshot={shot}", "--window-size=1400,1100")
    assert shot.exists(), done.stderr[-2000:]
    assert shot.stat().st_size > 20_000  # a rendered page, not an error screen
