"""Certificates for centre tests, made by ``kiosk-central gen-certs`` as a fleet admin would."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import requests

from .conftest import CENTRAL, Central, clean_env

HALL_A, HALL_B = "hall-a", "hall-b"


@dataclass(frozen=True)
class Pki:
    dir: Path

    @property
    def ca(self) -> str:
        return str(self.dir / "ca.pem")

    def terminal(self, tid: str) -> tuple[str, str]:
        return str(self.dir / f"terminal-{tid}.pem"), str(self.dir / f"terminal-{tid}.key")

    def server_args(self) -> list[str]:
        return [
            "--tls-cert", str(self.dir / "server.pem"),
            "--tls-key", str(self.dir / "server.key"),
            "--client-ca", self.ca,
        ]  # fmt: skip


def gen_certs(out: Path, hall: str, *terminals: str) -> subprocess.CompletedProcess[str]:
    args = [CENTRAL, "gen-certs", str(out), "--hall", hall]
    for tid in terminals:
        args += ["--terminal", tid]
    return subprocess.run(args, capture_output=True, text=True, env=clean_env(), timeout=120)


def make_pki(out: Path) -> Pki:
    """T01, T02, T03 in hall-a; T09 in hall-b; one CA."""
    for hall, tids in ((HALL_A, ("T01", "T02", "T03")), (HALL_B, ("T09",))):
        done = gen_certs(out, hall, *tids)
        assert done.returncode == 0, done.stderr
    return Pki(out)


def terminal_session(central: Central, pki: Pki, tid: str) -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    s.verify = pki.ca
    s.cert = pki.terminal(tid)
    return s
