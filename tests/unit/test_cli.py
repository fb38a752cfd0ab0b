"""The ``kiosk`` command as a technician uses it over SSH."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

KIOSK = [sys.executable, "-m", "kiosk"]


def run(*args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command with only defaults, or ``config``; data stays in a throw-away folder."""
    if config is None:
        config = Path(tempfile.mkdtemp(prefix="kiosk-cli-")) / "kiosk.toml"
        config.write_text(f'[terminal]\ndata_dir = "{config.parent}"\n', encoding="utf-8")
    elif "data_dir" not in config.read_text(encoding="utf-8"):
        text = config.read_text(encoding="utf-8")
        config.write_text(f'[terminal]\ndata_dir = "{config.parent}"\n' + text, encoding="utf-8")
    env = dict(os.environ, KIOSK_CONFIG=str(config))
    return subprocess.run([*KIOSK, *args], capture_output=True, text=True, env=env, timeout=60)


def test_version_and_help() -> None:
    out = run("--version")
    assert out.returncode == 0 and out.stdout.startswith("kiosk ")
    helped = run("--help")
    for command in ("run", "tour", "doctor", "ticket"):
        assert command in helped.stdout


def test_doctor_lists_every_device_and_exits_zero_when_healthy(tmp_path: Path) -> None:
    cfg = tmp_path / "k.toml"
    cfg.write_text(f'[ticket]\nverification_secret = "{"c4" * 32}"\n', encoding="utf-8")
    out = run("doctor", "--json", config=cfg)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["errors"] == []
    kinds = {row["device"]: row for row in report["devices"]}
    devices = {"id_card", "camera", "form_printer", "ticket_printer", "voice"}
    assert set(kinds) == devices | {"outbox"}
    assert all(kinds[d]["state"] == "ok" and kinds[d]["uri"] == "sim://" for d in devices)
    assert kinds["outbox"]["state"] == "ok"


def test_doctor_exits_non_zero_on_a_fault(tmp_path: Path) -> None:
    cfg = tmp_path / "k.toml"
    cfg.write_text('[devices]\nticket_printer = "nosuch://printer"\n', encoding="utf-8")
    out = run("doctor", config=cfg)
    assert out.returncode == 1
    line = next(x for x in out.stdout.splitlines() if x.startswith("ticket_printer"))
    assert "fault" in line and "no ticket_printer driver for nosuch://" in line


def test_bad_config_is_one_clear_line_not_a_traceback(tmp_path: Path) -> None:
    cfg = tmp_path / "k.toml"
    cfg.write_text("[ui]\nidle_timeout_s = 2\n", encoding="utf-8")
    out = run("doctor", "--config", str(cfg))
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0
    assert f"{cfg}:2: ui.idle_timeout_s:" in out.stderr


def test_ticket_services_lists_categories_as_json() -> None:
    out = run("ticket", "services", "--json")
    assert out.returncode == 0
    rows = json.loads(out.stdout)
    assert rows[0] == {
        "code": "HUJI",
        "name": "户籍业务",
        "name_en": "Household registration",
        "prefix": "A",
    }
