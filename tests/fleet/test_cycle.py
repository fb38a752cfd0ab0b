"""The whole cycle against the real centre on 127.0.0.1 with gen-certs certificates:
publish -> poll -> verify -> validate -> apply -> health -> commit, and a failed health
check that rolls back."""

from __future__ import annotations

import json
import subprocess

import pytest

from kiosk.cli.fleet import run_cycle
from kiosk.config.loader import load_layered
from kiosk.fleet.generation import FleetDir
from tests.fleet.conftest import PIN_HASH, Fleet
from tests.outbox.conftest import KIOSK, clean_env

pytestmark = [pytest.mark.daemon]


def kiosk(*args: str) -> dict:
    out = subprocess.run([KIOSK, *args], capture_output=True, text=True, env=clean_env())
    assert out.stdout, out.stderr
    return dict(json.loads(out.stdout))


def test_publish_poll_apply_commit_with_the_commands_an_admin_and_a_technician_use(
    fleet: Fleet,
) -> None:
    cfg = fleet.terminal_config("T01")
    layer = fleet.toml(
        "all.toml",
        f'[ui]\nidle_timeout_s = 45\n\n[technician]\npin_hash = "{PIN_HASH}"\n',
    )
    version = fleet.publish("--all", "--seal-for", str(fleet.pki.dir), layer)
    assert version == 2  # v1 is the empty repository made by init

    first = kiosk("fleet", "update", "--once", "--config", str(cfg), "--json")
    assert first["applied"] is True, first
    assert first["version"] == version

    shown = kiosk("config", "show", "--config", str(cfg), "--json")
    assert shown["config"]["ui"]["idle_timeout_s"] == 45
    assert shown["origin"]["ui.idle_timeout_s"] == "fleet:all.json v2"
    assert shown["origin"]["ui.language"] == "<defaults>"
    assert shown["origin"]["terminal.id"] == str(cfg)
    # The secret arrived sealed and opened with this terminal's key; never shown.
    assert shown["config"]["technician"]["pin_hash"] == "********"
    assert shown["origin"]["technician.pin_hash"] == "fleet:all.json v2"
    assert load_layered(cfg).config.technician.pin_hash == PIN_HASH

    status = kiosk("fleet", "status", "--config", str(cfg), "--json")
    assert status["applied_versions"] == {"all.json": 2}
    assert status["trusted_version"] == 2
    assert status["last_error"] == ""

    again = kiosk("fleet", "update", "--once", "--config", str(cfg), "--json")
    assert again["applied"] is False
    assert again["outcome"] == "unchanged"
    assert again["bytes_received"] < 1024  # an idle poll is the timestamp only


def test_secrets_never_travel_in_the_clear_and_only_their_terminal_opens_them(
    fleet: Fleet,
) -> None:
    layer = fleet.toml("t1.toml", f'[technician]\npin_hash = "{PIN_HASH}"\n')
    fleet.publish("--terminal", "T01", "--seal-for", str(fleet.pki.cert("T01")), layer)
    served = b"".join(p.read_bytes() for p in (fleet.repo_dir / "targets").rglob("*.json"))
    assert PIN_HASH.encode() not in served
    assert PIN_HASH.split("$")[-1].encode() not in served
    # Without a certificate to seal to, a secret is refused, not published in the clear.
    out = subprocess.run(
        [KIOSK.replace("kiosk", "kiosk-central"), "fleet", "publish", "--repo",
         str(fleet.repo_dir), "--all", layer],
        capture_output=True, text=True, env=clean_env(),
    )  # fmt: skip
    assert out.returncode == 1
    assert "technician.pin_hash" in out.stderr and "--seal-for" in out.stderr


def test_a_bundle_that_breaks_a_device_is_rolled_back_and_reported(fleet: Fleet) -> None:
    fleet.publish("--all", fleet.toml("a.toml", "[ui]\nidle_timeout_s = 50\n"))
    assert run_cycle(fleet.layered("T01"))["applied"] is True
    # A typo in the printer's address: the new config is valid, the kiosk is not healthy.
    bad = fleet.toml("bad.toml", '[devices]\nticket_printer = "escpos+tcp://127.0.0.1:9"\n')
    version = fleet.publish("--terminal", "T01", bad)

    out = run_cycle(fleet.layered("T01"))
    assert out["applied"] is False
    assert out["outcome"] == "rolled_back"
    assert out["version"] == version
    assert "ticket_printer: ok -> fault" in out["reason"]

    after = fleet.layered("T01")
    assert after.config.devices.ticket_printer == "sim://?delay_ms=20"  # previous kept
    assert after.config.ui.idle_timeout_s == 50
    state = FleetDir(after.config.terminal.data_path / "fleet").read_state()
    assert state.attempt is not None
    assert (state.attempt["path"], state.attempt["version"]) == ("terminal/T01.json", version)
    assert state.attempt["outcome"] == "rolled_back"

    # Not tried again and again: it waits for a newer version.
    waiting = run_cycle(fleet.layered("T01"))
    assert waiting["outcome"] == "waiting"
    assert "rolled_back" in waiting["reason"]

    # The fix applies, and the failure is no longer reported.
    fleet.publish("--terminal", "T01", fleet.toml("fix.toml", "[ui]\nlarge_text = true\n"))
    fixed = run_cycle(fleet.layered("T01"))
    assert fixed["applied"] is True, fixed
    final = fleet.layered("T01")
    assert final.config.ui.large_text is True
    assert FleetDir(final.config.terminal.data_path / "fleet").read_state().attempt is None
