"""Staged rollout decisions on the centre's database, SQLite and PostgreSQL: pilot hall
first, then shares of the terminals, and a stop for good when too many fail."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from central.fleet.rollout import bucket, gate
from central.fleet.status import TerminalState, fleet_status
from central.fleet.store import FleetStore
from central.store import open_database
from offline_cache.wire import DeviceBeat, FleetAttempt, HeartbeatIn
from tests.outbox.conftest import postgres_url  # noqa: F401 (fixture)

PATH = "all.json"
PLAN = {"pilot_hall": "pilot", "stages_pct": [50, 100], "max_failure_pct": 25, "soak_s": 0}
CUSTOM = {"version": 7, "scope": "all", "name": "", "rollout": PLAN}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FleetStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'central.db'}"
    else:
        request.applymarker(pytest.mark.daemon)
        url = request.getfixturevalue("postgres_url")
    db = open_database(url, 2)
    s = FleetStore(db)
    if request.param == "postgresql":  # one server for the session: start clean
        with db.writer.begin() as conn:
            conn.exec_driver_sql("DELETE FROM fleet_terminals")
            conn.exec_driver_sql("DELETE FROM fleet_rollouts")
    yield s
    db.dispose()


def beat(store: FleetStore, tid: str, hall: str, version: int = 6, failed: bool = False) -> None:
    attempt = None
    if failed:
        attempt = FleetAttempt(
            path=PATH, version=7, outcome="rolled_back", reason="printer fault", at=time.time()
        )
    store.record_beat(
        tid,
        hall,
        HeartbeatIn(
            backlog=0,
            software="1.0",
            config_versions={PATH: version},
            devices={"ticket_printer": DeviceBeat(state="fault" if failed else "ok")},
            fleet_attempt=attempt,
        ),
    )


def test_pilot_hall_then_shares_then_a_stop_when_too_many_fail(store: FleetStore) -> None:
    pilots = ["P1", "P2"]
    others = [f"T{n:02d}" for n in range(1, 21)]
    for tid in pilots:
        beat(store, tid, "pilot")
    for tid in others:
        beat(store, tid, "hall-a")

    def ask(tid: str, hall: str) -> bool:
        return gate(store, PATH, 7, CUSTOM, tid, hall).admit

    # Stage 1: the pilot hall only.
    assert all(ask(t, "pilot") for t in pilots)
    assert not any(ask(t, "hall-a") for t in others)
    assert "pilot hall pilot" in gate(store, PATH, 7, CUSTOM, "T01", "hall-a").reason

    # The pilots apply it: the next stage opens to about half of the others.
    for tid in pilots:
        beat(store, tid, "pilot", version=7)
    rid = f"{PATH}@7"
    half = [t for t in others if bucket(rid, t) < 0.5]
    rest = [t for t in others if t not in half]
    assert half and rest
    assert [ask(t, "hall-a") for t in others] == [t in half for t in others]

    # More than 25% of those asked fail to apply: the rollout stops for everyone.
    asked = len(pilots) + len(half)
    failing = half[: asked // 4 + 1]
    for tid in failing:
        beat(store, tid, "hall-a", failed=True)
    answer = gate(store, PATH, 7, CUSTOM, rest[0], "hall-a")
    assert answer.admit is False and answer.halted is True
    assert f"{len(failing)} of {asked} terminals failed" in answer.reason
    assert not any(ask(t, "hall-a") for t in half if t not in failing)

    status = fleet_status(store)
    (progress,) = status.rollouts
    assert progress.state == "halted"
    assert (progress.applied, progress.failed) == (2, len(failing))
    assert status.terminals[0].state is TerminalState.FAULT  # faults first
    assert {t.terminal_id for t in status.terminals[: len(failing)]} == set(failing)


def test_a_rollout_below_the_threshold_reaches_everyone(store: FleetStore) -> None:
    plan = {**PLAN, "pilot_hall": "", "stages_pct": [30, 100], "max_failure_pct": 50}
    custom = {**CUSTOM, "rollout": plan}
    terminals = [f"T{n:02d}" for n in range(1, 11)]
    for tid in terminals:
        beat(store, tid, "hall-a")
    first = [t for t in terminals if gate(store, PATH, 7, custom, t, "hall-a").admit]
    assert 0 < len(first) < len(terminals)
    beat(store, first[0], "hall-a", failed=True)  # one failure, within 50%
    for tid in first[1:]:
        beat(store, tid, "hall-a", version=7)
    assert all(gate(store, PATH, 7, custom, t, "hall-a").admit for t in terminals)
    for tid in terminals:
        if tid != first[0]:
            beat(store, tid, "hall-a", version=7)
    (progress,) = fleet_status(store).rollouts
    assert progress.state == "complete"
    assert progress.applied == len(terminals) - 1


def test_offline_after_three_missed_beats_and_a_clean_shutdown_is_not_a_fault(
    store: FleetStore,
) -> None:
    beat(store, "T01", "hall-a")
    store.record_beat("T02", "hall-a", HeartbeatIn(backlog=3, clean_shutdown=True))
    now = time.time()
    states = {t.terminal_id: t.state for t in fleet_status(store, now=now).terminals}
    assert states == {"T01": TerminalState.OK, "T02": TerminalState.SHUTDOWN}
    later = {t.terminal_id: t.state for t in fleet_status(store, now=now + 181).terminals}
    assert later["T01"] is TerminalState.OFFLINE  # 3 x 60 s without a beat
