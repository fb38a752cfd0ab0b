"""Wiring the fleet into the centre's app: the fleet store (every centre keeps the
terminals' heartbeats), the repository routes (with ``--fleet-repo``), and the fleet
pages for admins (``/fleet`` in a browser, ``/v1/fleet/status`` as JSON)."""

from __future__ import annotations

import base64
import binascii
import hmac
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse

from central.auth import Forbidden, terminal_identity
from central.credentials import Credentials, Role, StaffMember
from central.fleet.page import render
from central.fleet.routes import fleet_router
from central.fleet.status import fleet_status
from central.fleet.store import FleetStore
from central.store import Database
from offline_cache.wire import FLEET_PREFIX, HeartbeatIn

REALM = 'Basic realm="hall kiosk fleet", charset="UTF-8"'


def fleet_admin(request: Request) -> StaffMember:
    """An admin, by ``Authorization: Bearer TOKEN`` (scripts) or ``Basic NAME:TOKEN``
    (a browser's own login prompt, so the page needs no JavaScript and no cookie)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    credentials: Credentials = request.app.state.credentials
    member: StaffMember | None = None
    if scheme.lower() == "bearer" and value.strip():
        member = credentials.staff_by_token(value.strip())
    elif scheme.lower() == "basic" and value.strip():
        try:
            name, _, token = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            name, token = "", ""
        found = credentials.staff_by_token(token) if token else None
        if found is not None and hmac.compare_digest(found.name.encode(), name.encode()):
            member = found
    if member is None:
        raise HTTPException(
            401, "an admin's name and staff token are required", {"WWW-Authenticate": REALM}
        )
    if member.role is not Role.ADMIN:
        raise Forbidden(f"staff member {member.name} is {member.role.value}: not allowed here")
    return member


FleetAdmin = Annotated[StaffMember, Depends(fleet_admin)]


def mount_fleet(app: FastAPI, db: Database, repo_dir: str | None) -> FleetStore:
    store = FleetStore(db)
    app.state.fleet_store = store
    repo = Path(repo_dir) if repo_dir else None
    if repo is not None:
        router, server = fleet_router(repo, store, terminal_identity)
        app.include_router(router)
        app.state.fleet_repo = server

    @app.get("/fleet", response_class=HTMLResponse, include_in_schema=False)
    def fleet_page(request: Request, _admin: FleetAdmin) -> HTMLResponse:
        status = fleet_status(store, repo_dir=repo)
        return HTMLResponse(
            render(status, assist_calls(request)), headers={"Cache-Control": "no-store"}
        )

    @app.get(f"{FLEET_PREFIX}/status", tags=["fleet"], summary="The fleet (admins)")
    def fleet_json(_admin: FleetAdmin) -> dict[str, Any]:
        return fleet_status(store, repo_dir=repo).as_dict()

    return store


def assist_calls(request: Request) -> list[dict[str, Any]] | None:
    """Open staff calls from the terminals, when this centre has them (None: it has not)."""
    source = getattr(request.app.state, "open_assist_calls", None)
    return list(source()) if callable(source) else None


def record_heartbeat(app: FastAPI, terminal_id: str, hall_id: str, beat: HeartbeatIn) -> float:
    """Called by the centre's heartbeat route with the certificate's terminal and hall."""
    store: FleetStore = app.state.fleet_store
    return store.record_beat(terminal_id, hall_id, beat)
