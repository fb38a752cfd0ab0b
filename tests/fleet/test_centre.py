"""The centre's side of the fleet with real certificates: each terminal gets only its own
bundles, heartbeats become fleet status (SQLite and PostgreSQL), and a staged rollout
goes pilot hall first and stops when too many fail."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from central.fleet.repo import FleetRepository
from central.fleet.store import create_fleet_schema
from central.store import open_database
from kiosk.cli.fleet import run_cycle
from kiosk.config.loader import load_layered
from kiosk.terminal import build_terminal
from tests.fleet.conftest import Fleet, Pki, running_fleet
from tests.outbox.conftest import (
    CENTRAL,
    clean_env,
    postgres_url,  # noqa: F401 (fixture)
)

pytestmark = [pytest.mark.daemon]


def terminal_session(pki: Pki, tid: str) -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    s.verify = str(pki.ca)
    s.cert = (str(pki.cert(tid)), str(pki.key(tid)))
    return s


def target_url(fleet: Fleet, path: str) -> str:
    info = FleetRepository(fleet.repo_dir).target_info(path)
    assert info is not None
    parent, sep, name = path.rpartition("/")
    return f"{fleet.centre.url}/v1/fleet/targets/{parent}{sep}{info.hashes['sha256']}.{name}"


def test_a_terminal_fetches_all_its_hall_and_its_own_bundle_nothing_else(fleet: Fleet) -> None:
    layer = fleet.toml("x.toml", "[ui]\nidle_timeout_s = 45\n")
    for scope in (["--all"], ["--hall", "hall-a"], ["--hall", "hall-b"], ["--terminal", "T01"],
                  ["--terminal", "T02"]):  # fmt: skip
        fleet.publish(*scope, layer)
    t1 = terminal_session(fleet.pki, "T01")
    ok = ["all.json", "hall/hall-a.json", "terminal/T01.json"]
    refused = ["hall/hall-b.json", "terminal/T02.json"]
    assert [t1.get(target_url(fleet, p), timeout=30).status_code for p in ok] == [200] * 3
    assert [t1.get(target_url(fleet, p), timeout=30).status_code for p in refused] == [403] * 2
    # Metadata needs a terminal certificate too (a browser or a stranger gets 403).
    anonymous = requests.Session()
    anonymous.trust_env = False
    anonymous.verify = str(fleet.pki.ca)
    url = f"{fleet.centre.url}/v1/fleet/metadata/timestamp.json"
    assert anonymous.get(url, timeout=30).status_code == 403
    assert t1.get(url, timeout=30).status_code == 200
    # The rollout gate answers for the certificate's terminal only.
    gate = f"{fleet.centre.url}/v1/fleet/rollout"
    params = {"path": "all.json", "version": "2", "terminal": "T02", "hall": "hall-a"}
    assert t1.get(gate, params=params, timeout=30).status_code == 403


def beat(fleet: Fleet, tid: str) -> None:
    """One heartbeat as the terminal's own sync worker sends it."""
    terminal = build_terminal(load_layered(fleet.terminal_config(tid)).config)
    try:
        assert terminal.sync is not None
        assert terminal.sync.send_beat() is True
    finally:
        terminal.close()


def fleet_status(fleet: Fleet) -> dict:
    out = subprocess.run(
        [CENTRAL, "fleet", "status", "--db", fleet.centre.db, "--json"],
        capture_output=True, text=True, env=clean_env(), check=True,
    )  # fmt: skip
    return dict(json.loads(out.stdout))


@pytest.fixture(params=["sqlite", "postgresql"])
def fleet_db(request: pytest.FixtureRequest, tmp_path: Path, pki: Pki) -> Iterator[Fleet]:
    """The fleet on each database the centre supports."""
    if request.param == "sqlite":
        with running_fleet(tmp_path, pki) as fleet:
            yield fleet
        return
    db = request.getfixturevalue("postgres_url")
    database = open_database(db, 1)  # one server per test session: start clean
    create_fleet_schema(database.writer)
    with database.writer.begin() as conn:
        conn.exec_driver_sql("DELETE FROM fleet_terminals")
        conn.exec_driver_sql("DELETE FROM fleet_rollouts")
    database.dispose()
    with running_fleet(tmp_path, pki, db, ("--blobs", str(tmp_path / "b"))) as fleet:
        yield fleet


def test_heartbeats_become_the_fleet_status(fleet_db: Fleet) -> None:
    fleet = fleet_db
    fleet.publish("--all", fleet.toml("a.toml", "[ui]\nidle_timeout_s = 45\n"))
    assert run_cycle(fleet.layered("T01"))["applied"] is True
    beat(fleet, "T01")
    bad = '[devices]\nticket_printer = "escpos+tcp://127.0.0.1:9"\n'
    fleet.publish("--terminal", "T03", fleet.toml("bad.toml", bad))
    assert run_cycle(fleet.layered("T03"))["outcome"] == "rolled_back"
    beat(fleet, "T03")

    status = fleet_status(fleet)
    rows = {t["terminal_id"]: t for t in status["terminals"] if t["terminal_id"] in TIDS}
    t1, t3 = rows["T01"], rows["T03"]
    assert (t1["hall_id"], t3["hall_id"]) == ("hall-a", "hall-b")  # from the certificates
    assert t1["state"] == "ok" and t1["online"] is True
    assert t1["config_versions"] == {"all.json": 2}
    assert t1["software"]
    assert t1["device_faults"] == {}
    assert t1["backlog"] == 0 and time.time() - t1["last_seen"] < 600
    assert t3["state"] == "fault"  # its update failed: it needs someone
    assert t3["last_failed_update"]["outcome"] == "rolled_back"
    assert "ticket_printer" in t3["last_failed_update"]["reason"]
    names = [t["terminal_id"] for t in status["terminals"]]
    assert names.index("T03") < names.index("T01")  # faults first

    # An orderly stop says so: "shut down", not a fault and not offline.
    terminal = build_terminal(load_layered(fleet.terminal_config("T02")).config)
    terminal.start()
    time.sleep(1.0)
    terminal.close()
    rows = {t["terminal_id"]: t for t in fleet_status(fleet)["terminals"]}
    assert rows["T02"]["state"] == "shutdown"

    # The same as JSON for an admin over HTTPS; a terminal's certificate is not an admin.
    admin = fleet.centre.staff_session()
    assert admin.get(f"{fleet.centre.url}/v1/fleet/status", timeout=30).status_code == 200
    t1_session = terminal_session(fleet.pki, "T01")
    assert t1_session.get(f"{fleet.centre.url}/v1/fleet/status", timeout=30).status_code == 401


TIDS = ("T01", "T02", "T03")


def test_staged_rollout_pilot_hall_first_then_the_rest(fleet: Fleet) -> None:
    for tid in TIDS:
        beat(fleet, tid)  # the centre knows the fleet
    layer = fleet.toml("good.toml", "[ui]\nidle_timeout_s = 45\n")
    fleet.publish("--all", "--pilot-hall", "hall-b", "--stages", "100", "--soak-s", "0", layer)
    waiting = run_cycle(fleet.layered("T01"))
    assert waiting["outcome"] == "waiting"
    assert "pilot hall hall-b" in waiting["reason"]
    assert run_cycle(fleet.layered("T03"))["applied"] is True  # the pilot
    beat(fleet, "T03")
    assert run_cycle(fleet.layered("T01"))["applied"] is True  # the next stage opened
    beat(fleet, "T01")
    out = subprocess.run(
        [CENTRAL, "fleet", "rollout", "--db", fleet.centre.db, "--json"],
        capture_output=True, text=True, env=clean_env(), check=True,
    )  # fmt: skip
    (rollout,) = json.loads(out.stdout)
    assert rollout["state"] == "rolling out"
    assert (rollout["applied"], rollout["failed"], rollout["pending"]) == (2, 0, 1)


def test_staged_rollout_stops_when_the_pilot_fails(fleet: Fleet) -> None:
    for tid in TIDS:
        beat(fleet, tid)
    bad = fleet.toml("bad.toml", '[devices]\nticket_printer = "escpos+tcp://127.0.0.1:9"\n')
    version = fleet.publish(
        "--all", "--pilot-hall", "hall-b", "--stages", "50,100", "--max-failures", "40",
        "--soak-s", "0", bad,
    )  # fmt: skip
    assert run_cycle(fleet.layered("T03"))["outcome"] == "rolled_back"
    beat(fleet, "T03")  # the pilot reports its failure
    for tid in ("T01", "T02"):
        out = run_cycle(fleet.layered(tid))
        assert out["outcome"] == "waiting"
        assert "stopped: 1 of 1 terminals failed to apply" in out["reason"]
        assert load_layered(fleet.terminal_config(tid)).fleet_versions.get("all.json") is None
    done = subprocess.run(
        [CENTRAL, "fleet", "rollout", "--db", fleet.centre.db, "--json"],
        capture_output=True, text=True, env=clean_env(), check=True,
    )  # fmt: skip
    (rollout,) = json.loads(done.stdout)
    assert rollout["id"] == f"all.json@{version}"
    assert rollout["state"] == "halted"
    assert rollout["failed_terminals"] == ["T03"]
