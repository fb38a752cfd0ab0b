"""The centre's HTTP API, version 1. ``GET /v1/openapi.json`` documents it; ``/v1/docs``
renders that document for people."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, HTTPException, Path, Request
from fastapi.responses import JSONResponse

from central.store import CentralStore, make_engine
from offline_cache.wire import (
    API_PREFIX,
    IDEMPOTENCY_HEADER,
    KEY_PATTERN,
    BatchIn,
    BatchOut,
    HeartbeatIn,
    HeartbeatOut,
    ItemStatus,
    Problem,
    SubmissionIn,
    SubmissionResult,
    TicketOut,
    TicketRequest,
)

HALL_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"


def _decode_blobs(sub: SubmissionIn) -> dict[str, bytes]:
    try:
        return {n: base64.b64decode(d, validate=True) for n, d in sub.blobs.items()}
    except (binascii.Error, ValueError):
        raise HTTPException(422, "a blob is not valid base64") from None


def create_app(db_url: str, fleet_repo: str | None = None) -> FastAPI:
    engine = make_engine(db_url)
    store = CentralStore(engine)
    app = FastAPI(
        title="Hall kiosk centre",
        version="1",
        description=(
            "Receives what terminals queue offline (each Idempotency-Key stored once), "
            "hands out queue ticket numbers, and records terminal heartbeats."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.store = store
    v1 = APIRouter(prefix=API_PREFIX)
    errors: dict[int | str, dict[str, Any]] = {
        422: {"model": Problem, "description": "invalid request or key reused"}
    }

    @v1.post(
        "/submissions",
        response_model=SubmissionResult,
        status_code=200,
        responses=errors,
        summary="Store one submission under its Idempotency-Key",
    )
    def submit_one(
        sub: SubmissionIn,
        key: Annotated[str, Header(alias=IDEMPOTENCY_HEADER, pattern=KEY_PATTERN)],
    ) -> SubmissionResult:
        """A key is stored once. A replay with the same payload returns the stored result
        (status ``replayed``); the same key with a different payload is refused (422)."""
        result = store.ingest(key, sub, _decode_blobs(sub))
        if result.status is ItemStatus.CONFLICT:
            raise HTTPException(422, result.detail)
        return result

    @v1.post(
        "/submissions/batch",
        response_model=BatchOut,
        responses=errors,
        summary="Store many submissions; one result per item",
    )
    def submit_batch(batch: BatchIn) -> BatchOut:
        """Each item carries its own ``idempotency_key``. Items are stored one by one, so a
        lost reply costs only a replay. A key reused for a different payload comes back as
        ``conflict`` for that item; a malformed batch is refused whole (422)."""
        results = store.ingest_many(
            [(item.idempotency_key, item, _decode_blobs(item)) for item in batch.items]
        )
        return BatchOut(results=results)

    @v1.post(
        "/terminals/{terminal_id}/heartbeat",
        response_model=HeartbeatOut,
        responses=errors,
        summary="A terminal reports it is alive, with its outbox backlog",
    )
    def heartbeat(
        terminal_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,32}$")], beat: HeartbeatIn
    ) -> HeartbeatOut:
        at = store.heartbeat(
            terminal_id,
            beat.backlog,
            beat.dead_letter,
            beat.oldest_age_s,
            json.dumps(beat.detail, ensure_ascii=False)[:2000],
        )
        return HeartbeatOut(terminal_id=terminal_id, received_at=at)

    @v1.post(
        "/halls/{hall_id}/tickets",
        response_model=TicketOut,
        responses=errors,
        summary="Allocate the next queue number for a service today",
    )
    def allocate_ticket(
        hall_id: Annotated[str, Path(pattern=HALL_PATTERN)], req: TicketRequest
    ) -> TicketOut:
        """The sequence counts per hall + service + day from 1, atomically across all
        terminals of the hall; ``people_ahead`` is how many issued numbers are not yet called."""
        return store.allocate_ticket(hall_id, req)

    @v1.post(
        "/halls/{hall_id}/services/{service_code}/days/{day}/call",
        responses={404: {"model": Problem}},
        summary="A counter calls the next waiting number",
    )
    def call_next(
        hall_id: Annotated[str, Path(pattern=HALL_PATTERN)],
        service_code: Annotated[str, Path(max_length=16)],
        day: Annotated[str, Path(pattern=r"^\d{4}-\d{2}-\d{2}$")],
    ) -> dict[str, int]:
        seq = store.call_next(hall_id, service_code, day)
        if seq is None:
            raise HTTPException(404, "nobody is waiting")
        return {"sequence": seq}

    @v1.get("/stats", summary="Counts for the fleet admin (no personal data)")
    def stats() -> dict[str, object]:
        return store.stats().as_dict()

    @v1.get("/health", summary="Liveness")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(v1)
    if fleet_repo:
        from pathlib import Path as FsPath

        from central.fleet.web import mount_fleet

        mount_fleet(app, FsPath(fleet_repo), engine)

    @app.exception_handler(ValueError)
    async def _value_error(_request: Request, exc: ValueError) -> JSONResponse:
        # e.g. a blob that is not base64 reached the digest: the request is bad, not us.
        return JSONResponse({"detail": f"invalid request: {exc}"}, status_code=422)

    return app
