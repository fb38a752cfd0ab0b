"""The updater inside the running kiosk: it polls on its own, applies only between
citizen sessions, restarts, and the restarted kiosk commits or rolls back."""

from __future__ import annotations

import time

import pytest

from kiosk.config.loader import load_layered
from kiosk.fleet.agent import FleetAgent
from kiosk.fleet.generation import FleetDir
from kiosk.flows.kiosk import KioskController
from kiosk.outbox import central_session
from kiosk.terminal import build_terminal
from tests.fleet.conftest import Fleet
from tests.outbox.conftest import wait_for

pytestmark = [pytest.mark.daemon]


def test_a_verified_bundle_waits_for_the_citizen_then_applies_and_commits(
    fleet: Fleet,
) -> None:
    cfg = fleet.terminal_config("T01", extra="poll_s = 5\n", probation_s=120)
    layered = load_layered(cfg)
    terminal = build_terminal(layered.config)
    terminal.start()
    controller = KioskController(layered.config, [], time.monotonic())
    restarts: list[float] = []
    agent = FleetAgent(
        layered,
        {k.value: d for k, d in terminal.devices.items()},
        lambda: central_session(layered.config.central),
        lambda: restarts.append(time.monotonic()),
    )
    fd = FleetDir(layered.config.terminal.data_path / "fleet")
    try:
        assert agent.boot() is False
        agent.start()
        controller.start(time.monotonic())  # a citizen is at the screen
        fleet.publish("--all", fleet.toml("a.toml", "[ui]\nidle_timeout_s = 45\n"))
        agent.poll_now()
        assert wait_for(lambda: agent.pending is not None, timeout=60)

        for _ in range(5):  # the UI timer keeps ticking during the journey
            assert agent.tick(session_open=controller.session is not None) is False
        assert fd.pointer("current") is None  # nothing applied mid-session
        assert restarts == []

        controller.finish(time.monotonic())
        assert agent.tick(session_open=controller.session is not None) is True
        assert len(restarts) == 1
        assert fd.pointer("current") is not None
        state = fd.read_state()
        assert state.probation is not None
        assert state.probation.baseline["ticket_printer"] == "ok"
    finally:
        agent.stop()
        terminal.close()

    # The restarted kiosk: new config, ready point, health check, commit.
    restarted = load_layered(cfg)
    assert restarted.config.ui.idle_timeout_s == 45
    terminal = build_terminal(restarted.config)
    terminal.start()
    agent = FleetAgent(
        restarted,
        {k.value: d for k, d in terminal.devices.items()},
        lambda: central_session(restarted.config.central),
        lambda: restarts.append(time.monotonic()),
    )
    try:
        assert agent.boot() is False
        agent.ready(wait=True)
        assert fd.read_state().probation is None  # committed
        assert len(restarts) == 1
    finally:
        agent.stop()
        terminal.close()


def test_a_kiosk_that_keeps_crashing_on_a_new_bundle_goes_back(fleet: Fleet) -> None:
    from kiosk.cli.fleet import run_cycle

    fleet.publish("--all", fleet.toml("a.toml", "[ui]\nidle_timeout_s = 45\n"))
    assert run_cycle(fleet.layered("T01"))["applied"] is True
    fleet.publish("--all", fleet.toml("b.toml", "[ui]\nidle_timeout_s = 90\n"))
    layered = fleet.layered("T01")
    agent = FleetAgent(layered, {}, lambda: central_session(layered.config.central), list)
    from kiosk.fleet.updater import CheckKind, FleetContext, apply, check

    result = check(FleetContext.from_layered(layered), central_session(layered.config.central))
    assert result.kind is CheckKind.CANDIDATE and result.candidate is not None
    apply(agent.ctx, result.candidate, {})
    assert fleet.layered("T01").config.ui.idle_timeout_s == 90
    # It dies before ever reaching ready, again and again (systemd restarts it).
    outcomes = []
    for _ in range(4):
        boot_agent = FleetAgent(fleet.layered("T01"), {}, lambda: None, list)  # type: ignore[arg-type,return-value]
        outcomes.append(boot_agent.boot())
        boot_agent.stop()
    assert outcomes == [False, False, False, True]  # the fourth start rolls back
    after = fleet.layered("T01")
    assert after.config.ui.idle_timeout_s == 45
    state = FleetDir(after.config.terminal.data_path / "fleet").read_state()
    assert state.attempt is not None and state.attempt["outcome"] == "rolled_back"
    assert "restarted 3 times" in state.attempt["reason"]
