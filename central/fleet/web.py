"""Wiring the fleet into the centre's app: the repository routes, the heartbeat hook
and the ``/fleet`` page."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine

from central.fleet.page import render
from central.fleet.routes import fleet_router
from central.fleet.status import fleet_status
from central.fleet.store import FleetStore
from offline_cache.wire import HeartbeatIn


@dataclass(frozen=True)
class ClaimedTerminal:
    """Stand-in identity until the centre knows terminals by certificate: nothing is
    verified, so nothing is refused."""

    terminal_id: str = ""
    hall_id: str = ""
    verified: bool = False

    def act_as(self, claimed: str) -> str:
        return claimed

    def in_hall(self, claimed: str) -> str:
        return claimed


def claimed_terminal(request: Request) -> ClaimedTerminal:
    q = request.query_params
    return ClaimedTerminal(q.get("terminal", ""), q.get("hall", ""))


def mount_fleet(
    app: FastAPI,
    repo_dir: Path,
    engine: Engine,
    identity: Callable[..., Any] = claimed_terminal,
) -> FleetStore:
    store = FleetStore(engine)
    router, server = fleet_router(repo_dir, store, identity)
    app.include_router(router)
    app.state.fleet_store = store
    app.state.fleet_repo = server

    @app.get("/fleet", response_class=HTMLResponse, include_in_schema=False)
    def fleet_page() -> HTMLResponse:
        status = fleet_status(store, repo_dir=repo_dir)
        return HTMLResponse(render(status), headers={"Cache-Control": "no-store"})

    return store


def record_heartbeat(app: FastAPI, terminal_id: str, hall_id: str, beat: HeartbeatIn) -> float:
    """Called by the centre's heartbeat route; a centre without a fleet repo keeps the
    fleet table too, so ``fleet status`` works either way."""
    store: FleetStore | None = getattr(app.state, "fleet_store", None)
    if store is None:
        return time.time()
    return store.record_beat(terminal_id, hall_id, beat)
