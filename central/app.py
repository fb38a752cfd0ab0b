"""The centre's HTTP API, version 1.

Who may call what (``central.auth``):

========================================================  ================================
``POST /v1/submissions``, ``/v1/submissions/batch``        a terminal, as itself only
``POST /v1/terminals/{terminal_id}/heartbeat``             that terminal only
``POST /v1/halls/{hall_id}/tickets``                       a terminal of that hall
``POST /v1/halls/{hall_id}/services/{code}/days/{d}/call``  counter staff of that hall, admin
``GET /v1/stats``                                          admin staff
``GET /v1/health``                                         anyone
========================================================  ================================

Other routers (fleet, identity review, assistance calls) are added in :func:`create_app`
and use the same dependencies. ``/v1/openapi.json`` and ``/v1/docs`` exist only when the
centre runs with ``--docs``.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Header, HTTPException, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from central.admission import SubmissionAdmission
from central.assist import AssistStore, assist_api
from central.auth import (
    PROXY_SECRET_HEADER,
    AdminStaff,
    CounterStaff,
    Terminal,
    TerminalGate,
    TerminalIdentity,
)
from central.blobstore import open_blob_store
from central.credentials import Credentials
from central.fleet.web import mount_fleet, record_heartbeat
from central.identity.api import identity_router
from central.identity.desk import IdentityDesk
from central.retention import Purger
from central.settings import CentreSettings, IdentityMode
from central.store import CentralStore, InvalidSubmission, open_database, prepare
from central.tls import PROTOCOL_STATE_KEY
from offline_cache.wire import (
    API_PREFIX,
    DAY_PATTERN,
    HALL_PATTERN,
    IDEMPOTENCY_HEADER,
    KEY_PATTERN,
    SERVICE_PATTERN,
    TERMINAL_PATTERN,
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

log = logging.getLogger("central")


async def _send_json(send: Send, status: int, body: dict[str, Any], close: bool = True) -> None:
    raw = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": raw})


class QuietErrors:
    """Outermost: an unexpected exception is logged by its type only, never its message
    or traceback (a database error quotes the row it failed on, i.e. a citizen's record),
    and answered 500. Starlette's own error middleware re-raises for the server to log;
    this stops it here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log.error(
                "%s %s failed: %s", scope.get("method"), scope.get("path"), type(exc).__name__
            )
            if not started:
                await _send_json(send, 500, {"detail": "internal error (see the centre's log)"})


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over {limit} bytes")


# A client sends its whole body before it reads the answer: a body a little over the
# limit is read and thrown away first, so the client sees 413 (a terminal then knows the
# item will never fit) rather than a connection closed under its upload. Anything
# larger is answered at once, unread.
DRAIN_FACTOR = 4
DRAIN_TIMEOUT_S = 10.0


async def _discard_body(receive: Receive) -> None:
    with anyio.move_on_after(DRAIN_TIMEOUT_S):
        while True:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                return


class BodyLimit:
    """Refuses a body over ``max_bytes``: at once when Content-Length says so (before
    reading a byte of it), else when the streamed body passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > self.max_bytes:
                    if 0 <= declared <= DRAIN_FACTOR * self.max_bytes:
                        await _discard_body(receive)
                    detail = f"request body over {self.max_bytes} bytes"
                    await _send_json(send, 413 if declared >= 0 else 400, {"detail": detail})
                    return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)


class ProxyOnly:
    """Proxy mode with a shared secret: every request must carry it (set by the proxy,
    which drops whatever the client sent), or it did not come through the proxy."""

    def __init__(self, app: ASGIApp, secret: bytes) -> None:
        self.app = app
        self.secret = secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope["headers"]).get(PROXY_SECRET_HEADER.encode(), b"")
            if not hmac.compare_digest(given, self.secret):
                await _send_json(send, 403, {"detail": "reach this centre through its proxy"})
                return
        await self.app(scope, receive, send)


class CentreApp(FastAPI):
    """FastAPI with :class:`QuietErrors` outside everything else."""

    def build_middleware_stack(self) -> ASGIApp:
        return QuietErrors(super().build_middleware_stack())


def create_app(settings: CentreSettings) -> CentreApp:
    """The centre for ``settings``: database, blob store, identity gate, routes."""
    db = open_database(settings.db_url, settings.threads)
    store = CentralStore(db, open_blob_store(settings.blob_store))
    credentials = Credentials(db)
    gate = TerminalGate(
        settings.identity,
        credentials,
        client_ca=settings.client_ca,
        proxy_secret_file=settings.proxy_secret_file,
    )
    purger = Purger(store, settings.retention)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        # Request threads and database connections in step: the pool holds one per thread.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        stop = threading.Event()
        worker = None
        if settings.purge_every_s > 0:
            worker = threading.Thread(
                target=purger.run_every,
                args=(settings.purge_every_s, stop),
                name="centre-purge",
                daemon=True,
            )
            worker.start()
        try:
            yield {PROTOCOL_STATE_KEY: {"request_timeout_s": settings.request_timeout_s}}
        finally:
            stop.set()
            if worker is not None:
                worker.join(10)
            db.dispose()

    docs = settings.docs
    app = CentreApp(
        title="Hall kiosk centre",
        version="1",
        description=(
            "Receives what terminals queue offline (each Idempotency-Key stored once per "
            "terminal), hands out queue ticket numbers, and records terminal heartbeats. "
            "Terminals are known by their client certificate; staff by a bearer token."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json" if docs else None,
        docs_url=f"{API_PREFIX}/docs" if docs else None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.credentials = credentials
    app.state.gate = gate
    app.state.purger = purger
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.max_inflight_bytes > 0 or settings.max_inflight_requests > 0:
        app.add_middleware(
            SubmissionAdmission,
            max_inflight_bytes=settings.max_inflight_bytes,
            max_inflight_requests=settings.max_inflight_requests,
        )
    if settings.identity is IdentityMode.PROXY and settings.proxy_secret_file:
        app.add_middleware(ProxyOnly, secret=gate.proxy_secret or b"")
    app.include_router(terminal_api())
    app.include_router(staff_api())
    mount_fleet(app, db, settings.fleet_repo)
    app.include_router(identity_router(IdentityDesk(db, client_ca=settings.client_ca)))
    app.include_router(assist_api())
    # The fleet page lists the calls nobody has closed (issue 15 item 9).
    app.state.open_assist_calls = lambda: AssistStore.of(app).waiting()

    @app.exception_handler(RequestValidationError)
    async def _unprocessable(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Where and what only, never the input: it may be a citizen's record, or a NaN
        # that JSON cannot even carry back.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(InvalidSubmission)
    async def _invalid(_request: Request, exc: InvalidSubmission) -> JSONResponse:
        return JSONResponse({"detail": f"invalid request: {exc}"}, status_code=422)

    return app


M = TypeVar("M", bound=BaseModel)


def parse_body(model: type[M], raw: bytes) -> M:
    """A JSON request body as ``model``; a 422 saying where, as FastAPI's own would."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e.get("loc", ()))} for e in exc.errors()]
        ) from None


def json_body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a route that parses ``model`` itself (the schema
    whole, its parts under ``$defs``, as OpenAPI 3.1's JSON Schema allows)."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


_errors: dict[int | str, dict[str, Any]] = {
    403: {"model": Problem, "description": "not this terminal's, or certificate revoked"},
    422: {"model": Problem, "description": "invalid request or key reused"},
}


def terminal_api() -> APIRouter:
    """What terminals call; each route takes the terminal from its certificate."""
    v1 = APIRouter(prefix=API_PREFIX, tags=["terminals"])

    @v1.post(
        "/submissions",
        response_model=SubmissionResult,
        responses=_errors,
        summary="Store one submission under its Idempotency-Key",
    )
    def submit_one(
        request: Request,
        sub: SubmissionIn,
        key: Annotated[str, Header(alias=IDEMPOTENCY_HEADER, pattern=KEY_PATTERN)],
        terminal: Terminal,
    ) -> SubmissionResult:
        """A key is stored once per terminal. A replay with the same payload returns the
        stored result (status ``replayed``); the same key with a different payload is
        refused (422). ``terminal_id`` must be the certificate's (403 otherwise)."""
        store: CentralStore = request.app.state.store
        tid = terminal.act_as(sub.terminal_id)
        result = store.ingest(tid, terminal.hall_id, prepare(key, sub))
        if result.status is ItemStatus.CONFLICT:
            raise HTTPException(422, result.detail)
        return result

    @v1.post(
        "/submissions/batch",
        response_model=BatchOut,
        responses=_errors,
        summary="Store many submissions; one result per item",
        openapi_extra=json_body_schema(BatchIn),
    )
    async def submit_batch(request: Request, terminal: Terminal) -> BatchOut:
        """Each item carries its own ``idempotency_key``; all items must be the calling
        terminal's (403 otherwise). Stored in one transaction, so a lost reply costs only
        a replay. A key reused for a different payload comes back as ``conflict`` for that
        item; a malformed batch is refused whole (422)."""
        raw = await request.body()
        return await anyio.to_thread.run_sync(store_batch, request, raw, terminal)

    def store_batch(request: Request, raw: bytes, terminal: TerminalIdentity) -> BatchOut:
        # Parsed here by pydantic's own JSON parser, in one pass: FastAPI's json.loads
        # and validation of a batch of base64 photos cost eight times as much.
        batch = parse_body(BatchIn, raw)
        store: CentralStore = request.app.state.store
        tids = {terminal.act_as(item.terminal_id) for item in batch.items}
        prepared = [prepare(item.idempotency_key, item) for item in batch.items]
        if len(tids) != 1:
            # Only a development centre (unverified ids) can get here: keep terminals apart.
            results = [
                store.ingest(item.terminal_id, terminal.hall_id, p)
                for item, p in zip(batch.items, prepared, strict=True)
            ]
            return BatchOut(results=results)
        return BatchOut(results=store.ingest_many(tids.pop(), terminal.hall_id, prepared))

    @v1.post(
        "/terminals/{terminal_id}/heartbeat",
        response_model=HeartbeatOut,
        responses=_errors,
        summary="A terminal reports it is alive, with its outbox backlog",
    )
    def heartbeat(
        request: Request,
        terminal_id: Annotated[str, Path(pattern=TERMINAL_PATTERN)],
        beat: HeartbeatIn,
        terminal: Terminal,
    ) -> HeartbeatOut:
        store: CentralStore = request.app.state.store
        tid = terminal.act_as(terminal_id)
        at = store.heartbeat(tid, terminal.hall_id, beat)
        record_heartbeat(request.app, tid, terminal.hall_id, beat)
        return HeartbeatOut(terminal_id=tid, received_at=at)

    @v1.post(
        "/halls/{hall_id}/tickets",
        response_model=TicketOut,
        responses=_errors,
        summary="Allocate the next queue number for a service today",
    )
    def allocate_ticket(
        request: Request,
        hall_id: Annotated[str, Path(pattern=HALL_PATTERN)],
        req: TicketRequest,
        terminal: Terminal,
    ) -> TicketOut:
        """The sequence counts per hall + service + day from 1, atomically across all
        terminals of the hall; ``people_ahead`` is how many issued numbers are not yet
        called. Only a terminal of ``hall_id`` may take a number there (403)."""
        store: CentralStore = request.app.state.store
        hall = terminal.in_hall(hall_id)
        return store.allocate_ticket(hall, terminal.act_as(req.terminal_id), req)

    return v1


def staff_api() -> APIRouter:
    """What people call, with a bearer token from ``kiosk-central staff add``."""
    v1 = APIRouter(prefix=API_PREFIX, tags=["staff"])

    @v1.post(
        "/halls/{hall_id}/services/{service_code}/days/{day}/call",
        responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}},
        summary="A counter calls the next waiting number",
    )
    def call_next(
        request: Request,
        hall_id: Annotated[str, Path(pattern=HALL_PATTERN)],
        service_code: Annotated[str, Path(pattern=SERVICE_PATTERN)],
        day: Annotated[str, Path(pattern=DAY_PATTERN)],
        member: CounterStaff,
    ) -> dict[str, int]:
        if not member.may_act_in(hall_id):
            raise HTTPException(403, f"staff member {member.name} works in another hall")
        seq = request.app.state.store.call_next(hall_id, service_code, day)
        if seq is None:
            raise HTTPException(404, "nobody is waiting")
        return {"sequence": seq}

    @v1.get(
        "/stats",
        responses={401: {"model": Problem}, 403: {"model": Problem}},
        summary="Counts for the fleet admin (no personal data)",
    )
    def stats(request: Request, _admin: AdminStaff) -> dict[str, object]:
        result: dict[str, object] = request.app.state.store.stats().as_dict()
        return result

    @v1.get("/health", summary="Liveness")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return v1


def app_from_environment() -> CentreApp:
    """The uvicorn factory for ``kiosk-central serve`` (each worker process calls it)."""
    return create_app(CentreSettings.from_environment())
