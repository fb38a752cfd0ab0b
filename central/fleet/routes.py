"""Serving the fleet repository under ``/v1/fleet/`` over the centre's mTLS.

- ``GET /v1/fleet/metadata/{N.root|N.targets|N.snapshot|timestamp}.json``: any terminal;
  the timestamp (and snapshot) are re-signed with the online keys before they expire.
- ``GET /v1/fleet/targets/...``: a terminal gets ``all``, its own hall's and its own
  bundle; any other is 403 (it names another hall's or terminal's sealed secrets).
- ``GET /v1/fleet/rollout?path=&version=``: the staged-rollout gate.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import FileResponse

from central.fleet.repo import FleetRepository, open_repository
from central.fleet.rollout import gate
from central.fleet.store import FleetStore
from offline_cache.wire import FLEET_PREFIX, RolloutAnswer

_METADATA = re.compile(r"^(?:[1-9][0-9]{0,9}\.(?:root|targets|snapshot)|timestamp)\.json$")
_TARGET = re.compile(
    r"^(?:(?P<scope>hall|terminal)/)?(?P<sha>[0-9a-f]{64})\.(?P<name>[A-Za-z0-9_.-]{1,64})\.json$"
)
REFRESH_EVERY_S = 60.0


class RepoServer:
    """The repository as the serving centre sees it (online keys only)."""

    def __init__(self, repo_dir: Path) -> None:
        self.repo: FleetRepository = open_repository(repo_dir)
        self._lock = threading.Lock()
        self._checked = 0.0

    def keep_fresh(self) -> None:
        """Renew the timestamp (and snapshot) when due; checked at most once a minute."""
        now = time.monotonic()
        with self._lock:
            if now - self._checked < REFRESH_EVERY_S:
                return
            self._checked = now
            with self.repo.locked():
                self.repo.refresh_online()

    def target_custom(self, path: str) -> dict[str, Any] | None:
        info = self.repo.target_info(path)
        if info is None:
            return None
        custom = info.custom
        return custom if isinstance(custom, dict) else {}


def may_fetch(target: str, terminal_id: str, hall_id: str) -> bool:
    """``all``, the terminal's own hall and itself; nothing else."""
    m = _TARGET.match(target)
    if m is None:
        return False
    scope, name = m.group("scope"), m.group("name")
    if scope is None:
        return name == "all"
    return name == (hall_id if scope == "hall" else terminal_id)


def fleet_router(
    repo_dir: Path, store: FleetStore, identity: Callable[..., Any]
) -> tuple[APIRouter, RepoServer]:
    """``identity`` is the centre's dependency that yields the verified caller with
    ``terminal_id`` and ``hall_id`` attributes (taken from its client certificate)."""
    server = RepoServer(repo_dir)
    router = APIRouter(prefix=FLEET_PREFIX, tags=["fleet"])
    # A default, not Annotated: the alias would be a local name that FastAPI cannot
    # resolve from this module's (postponed) annotations.
    who_dep = Depends(identity)
    no_store = {"Cache-Control": "no-store"}

    @router.get("/metadata/{name}", summary="Signed TUF metadata (consistent snapshots)")
    def metadata(name: str, who: Any = who_dep) -> FileResponse:
        if not _METADATA.match(name):
            raise HTTPException(404, "no such metadata")
        if name == "timestamp.json":
            server.keep_fresh()
        path = server.repo.layout.metadata / name
        if not path.is_file():
            raise HTTPException(404, "no such metadata")
        return FileResponse(path, media_type="application/json", headers=no_store)

    @router.get("/targets/{target:path}", summary="A bundle (only all, own hall, own terminal)")
    def target(target: str, who: Any = who_dep) -> FileResponse:
        if not _TARGET.match(target):
            raise HTTPException(404, "no such bundle")
        if who.verified and not may_fetch(target, who.terminal_id, who.hall_id):
            raise HTTPException(403, "this bundle is not for this terminal")
        path = server.repo.layout.targets / target
        if not path.is_file():
            raise HTTPException(404, "no such bundle")
        return FileResponse(path, media_type="application/json")

    @router.get("/rollout", response_model=RolloutAnswer, summary="May this terminal apply it now?")
    def rollout(
        path: Annotated[str, Query(max_length=120, pattern=r"^[A-Za-z0-9_./-]+\.json$")],
        version: Annotated[int, Query(ge=1)],
        terminal: Annotated[str, Query(max_length=32)] = "",
        hall: Annotated[str, Query(max_length=64)] = "",
        who: Any = who_dep,
    ) -> RolloutAnswer:
        """The terminal names itself; a centre that knows it by certificate refuses (403)
        a name that is not the certificate's."""
        tid = who.act_as(terminal or who.terminal_id)
        hid = who.in_hall(hall or who.hall_id)
        return gate(store, path, version, server.target_custom(path), tid, hid)

    return router, server
