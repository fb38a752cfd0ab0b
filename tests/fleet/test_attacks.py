"""Each attack python-tuf exists for, played against a terminal that has a good set
applied: the update is refused, the last good config is kept, and the reason is recorded
for the heartbeat. The attacker is a static mirror with the centre's own TLS certificate
(someone who took over the centre's host but not the offline keys)."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from securesystemslib.signer import CryptoSigner

from central.fleet.repo import FleetRepository, init_repository
from kiosk.cli.fleet import run_cycle
from kiosk.config.loader import load_layered
from kiosk.fleet.generation import FleetDir
from tests.fleet.conftest import Fleet, Mirror, short_lived_timestamp

pytestmark = [pytest.mark.daemon]


def applied_good_set(fleet: Fleet) -> None:
    fleet.publish("--all", fleet.toml("good.toml", "[ui]\nidle_timeout_s = 45\n"))
    assert run_cycle(fleet.layered("T01"))["applied"] is True


def assert_refused_and_kept(fleet: Fleet, url: str, words: str) -> dict:
    out = run_cycle(fleet.layered("T01", url=url))
    assert out["applied"] is False
    assert out["outcome"] == "refused", out
    assert words in out["reason"]
    layered = fleet.layered("T01")
    assert layered.config.ui.idle_timeout_s == 45  # the last good set
    assert layered.fleet_versions == {"all.json": 2}
    state = FleetDir(layered.config.terminal.data_path / "fleet").read_state()
    assert words in state.last_error  # what the heartbeat reports
    return out


def test_tampered_bundle_is_refused(fleet: Fleet, mirror: Mirror) -> None:
    applied_good_set(fleet)
    fleet.publish("--all", fleet.toml("next.toml", "[ui]\nidle_timeout_s = 90\n"))
    copy = fleet.snapshot("tampered")
    sha = FleetRepository(copy).target_info("all.json").hashes["sha256"]  # type: ignore[union-attr]
    bundle = copy / "targets" / f"{sha}.all.json"
    doc = json.loads(bundle.read_bytes())
    doc["config"] = "[central]\nheartbeat_s = 5\n[ui]\nidle_timeout_s = 600\n"
    bundle.write_bytes(json.dumps(doc).encode())  # same name, other bytes
    mirror.serve(copy)
    assert_refused_and_kept(fleet, mirror.url, "tampered")


def test_metadata_rolled_back_to_an_older_version_is_refused(fleet: Fleet, mirror: Mirror) -> None:
    old = fleet.snapshot("v2")  # before the terminal saw anything newer
    applied_good_set(fleet)
    fleet.publish("--terminal", "T01", fleet.toml("t.toml", "[ui]\nlarge_text = true\n"))
    assert run_cycle(fleet.layered("T01"))["applied"] is True
    mirror.serve(old)  # replays yesterday's repository, still within its expiry
    out = run_cycle(fleet.layered("T01", url=mirror.url))
    assert out["outcome"] == "refused"
    assert "rolled back" in out["reason"]
    assert fleet.layered("T01").config.ui.large_text is True  # nothing undone


def test_expired_metadata_freeze_is_refused(fleet: Fleet, mirror: Mirror) -> None:
    applied_good_set(fleet)
    short_lived_timestamp(fleet.repo_dir, 3)
    frozen = fleet.snapshot("frozen")
    mirror.serve(frozen)
    # The terminal trusts the short-lived timestamp while it is valid...
    assert run_cycle(fleet.layered("T01", url=mirror.url))["outcome"] == "unchanged"
    # ...the admin publishes, but the attacker keeps serving the old state past its expiry.
    fleet.publish("--all", fleet.toml("newer.toml", "[ui]\nidle_timeout_s = 90\n"))
    stale = json.loads((frozen / "metadata" / "timestamp.json").read_bytes())
    expires = dt.datetime.fromisoformat(stale["signed"]["expires"].replace("Z", "+00:00"))
    time.sleep(max(0.0, (expires - dt.datetime.now(dt.UTC)).total_seconds()) + 1.0)
    assert_refused_and_kept(fleet, mirror.url, "expired metadata")


def test_metadata_signed_with_another_key_is_refused(
    fleet: Fleet, mirror: Mirror, tmp_path: Path
) -> None:
    applied_good_set(fleet)
    rogue_dir = tmp_path / "rogue"
    rogue = init_repository(rogue_dir)
    for _ in range(3):  # newer versions than the real ones, under the rogue keys
        with rogue.locked():
            rogue.do_timestamp(force=True)
    mirror.serve(rogue_dir)
    assert_refused_and_kept(fleet, mirror.url, "wrong key")


def test_targets_signed_with_a_stolen_online_key_is_refused(fleet: Fleet, mirror: Mirror) -> None:
    """The online (snapshot) key is on the server; the targets key is not. Signing
    targets with the snapshot key must not work."""
    applied_good_set(fleet)
    copy = fleet.snapshot("stolen")
    repo = FleetRepository(copy, keys=copy / "online")
    stolen = repo.signer("snapshot")
    repo._signers["targets"] = CryptoSigner(stolen._private_key)  # type: ignore[attr-defined]
    repo._check_signed = lambda role, md: None  # type: ignore[method-assign]
    repo.add_target("all.json", b"{}", {"version": 99})
    mirror.serve(copy)
    assert_refused_and_kept(fleet, mirror.url, "wrong key")


def test_config_failing_validation_is_refused_with_file_and_key(fleet: Fleet) -> None:
    applied_good_set(fleet)
    version = fleet.publish("--all", fleet.toml("bad.toml", "[ui]\nidle_timeout_s = 5\n"))
    out = assert_refused_and_kept(fleet, fleet.centre.url, "config fails validation")
    assert f"fleet:all.json v{version}" in out["reason"]
    assert "ui.idle_timeout_s" in out["reason"]
    assert "greater than or equal to 10" in out["reason"]


def test_a_bundle_edited_on_the_terminals_disk_is_not_loaded(fleet: Fleet) -> None:
    """The old fleet layer was a file the kiosk user could write (audit S17). Now the
    loader re-verifies every bundle at each start; an edit is ignored and reported."""
    applied_good_set(fleet)
    layered = fleet.layered("T01")
    gen = layered.config.terminal.data_path / "fleet" / "current" / "bundles" / "all.json"
    doc = json.loads(gen.read_bytes())
    doc["config"] = '[ui]\nidle_timeout_s = 45\n[devices]\nid_card = "sam:///x?wlt_lib=/tmp/x.so"\n'
    gen.write_text(json.dumps(doc))
    after = load_layered(fleet.terminal_config("T01"))
    assert after.config.devices.id_card == "sim://?read_ms=20"
    assert after.fleet_versions == {}
    assert "generation 1" in after.fleet_error and "all.json" in after.fleet_error
