"""``kiosk support-bundle --out F.tar.gz``: what a support engineer needs, never personal data.

The bundle holds versions, ``kiosk doctor --json``, the effective config with secrets
masked, the last hours of the kiosk's journal and the outbox's status (counts only; the
outbox's sealed records are never read). The journal holds no personal data by design
(kiosk/logs.py); ID-number-shaped strings are masked as a second line of defence.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kiosk import __version__
from kiosk.cli.common import CliError, add_config_arg
from kiosk.config import KioskConfig

UNIT = "hall-kiosk.service"
MASK = "***"
# Values that are secrets wherever they appear (a key name ending so).
SECRET_KEYS = re.compile(r"(secret|password|passwd|token|pin_hash)$")
# An 18-character PRC ID number (or 15 digits), or a run of digits that long.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
PACKAGES = ("PySide6-Essentials", "mediapipe", "opencv-contrib-python-headless", "numpy",
            "pydantic", "cryptography", "sqlite-utils", "pyscard", "pycups", "tuf")  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "support-bundle",
        help="write versions, doctor, masked config, recent journal and outbox status to a tar.gz",
    )
    add_config_arg(p)
    p.add_argument("--out", type=Path, required=True, help="the .tar.gz to write (mode 0600)")
    p.add_argument("--hours", type=float, default=6, help="journal hours to include (6)")
    p.set_defaults(func=_bundle)


def masked(node: Any, key: str = "") -> Any:
    """``node`` (JSON-like) with secrets replaced by *** and passwords cut out of URLs."""
    if isinstance(node, dict):
        return {k: masked(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [masked(v, key) for v in node]
    if isinstance(node, str) and node and SECRET_KEYS.search(key):
        return MASK
    if isinstance(node, str) and "://" in node and "@" in node:
        return _url_without_password(node)
    return node


def masked_config(config: KioskConfig) -> dict[str, Any]:
    """The effective config, secrets masked."""
    config_json: dict[str, Any] = masked(config.model_dump(mode="json"))
    return config_json


def _url_without_password(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:{MASK}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def versions() -> dict[str, Any]:
    found: dict[str, str] = {}
    for name in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    os_release = Path("/etc/os-release")
    pretty = ""
    if os_release.is_file():
        for line in os_release.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip('"')
    return {
        "kiosk": __version__,
        "python": sys.version.split()[0],
        "os": pretty,
        "kernel": platform.release(),
        "machine": platform.machine(),
        "packages": found,
    }


def journal(hours: float) -> str:
    """The kiosk unit's journal for the last ``hours``, ID-number-shaped strings masked."""
    journalctl = shutil.which("journalctl")
    if journalctl is None:
        return "(no journalctl on this machine)\n"
    cmd = [journalctl, "--unit", UNIT, "--since", f"-{int(hours * 3600)}s", "--no-pager",
           "--output", "short-iso", "--lines", "20000"]  # fmt: skip
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, errors="replace")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"(journalctl failed: {exc})\n"
    text = done.stdout if done.returncode == 0 else f"(journalctl: {done.stderr.strip()})\n"
    return ID_NUMBER.sub("[number]", text)


def _doctor_json(config_path: Path | None) -> dict[str, Any]:
    """``kiosk doctor --json`` as the technician would run it (in this process)."""
    from kiosk.cli import doctor

    out = io.StringIO()
    args = argparse.Namespace(config=config_path, json=True, strict=False)
    with contextlib.redirect_stdout(out):
        code = doctor._doctor(args)
    report: dict[str, Any] = json.loads(out.getvalue())
    report["exit_code"] = code
    return report


def _outbox_status(config: KioskConfig) -> dict[str, Any]:
    from kiosk.outbox import open_outbox, setup_from

    try:
        outbox = open_outbox(setup_from(config))
    except OSError as exc:
        return {"error": f"cannot open: {exc.strerror}"}
    try:
        status: dict[str, Any] = outbox.status().as_dict()
    finally:
        outbox.close()
    return status


def build_bundle(config: KioskConfig, config_path: Path | None, out: Path, hours: float) -> None:
    """Write the bundle to ``out`` (0600), member by member, all in memory first."""
    members = {
        "versions.json": _json(versions()),
        "doctor.json": _json(masked(_doctor_json(config_path))),
        "config.json": _json(masked_config(config)),
        "outbox-status.json": _json(_outbox_status(config)),
        "journal.txt": journal(hours).encode("utf-8"),
    }
    stamp = time.time()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    with tmp.open("wb") as raw:
        tmp.chmod(0o600)
        with tarfile.open(fileobj=raw, mode="w:gz") as tar:
            for name, data in members.items():
                info = tarfile.TarInfo(f"support-bundle/{name}")
                info.size, info.mtime, info.mode = len(data), int(stamp), 0o600
                tar.addfile(info, io.BytesIO(data))
    tmp.replace(out)


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def _bundle(args: argparse.Namespace) -> int:
    from kiosk.config.device_uris import load_checked

    config, _problems = load_checked(args.config)  # doctor.json names the problems
    if not args.out.name.endswith((".tar.gz", ".tgz")):
        raise CliError(f"--out {args.out}: give a .tar.gz file name")
    try:
        build_bundle(config, args.config, args.out, args.hours)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"support bundle: {args.out}")
    return 0
