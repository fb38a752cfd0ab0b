"""Calls for staff ("呼叫工作人员"): terminals raise them, the counter side answers.

- ``POST /v1/halls/{hall}/assist`` (terminal certificate): a terminal calls; 201 with
  the call as stored. The hall and terminal are the certificate's.
- ``GET /v1/halls/{hall}/assist/{id}`` (terminal certificate): the terminal polls its
  own call (``coming`` once someone answered).
- ``GET /v1/halls/{hall}/assist?status=open`` (staff token: that hall's counter, or an
  admin): what a counter display polls, oldest first.
- ``POST /v1/halls/{hall}/assist/{id}/answer`` and ``.../done`` (staff token): staff
  take a call ("someone is coming") and close it.

A call holds no personal data: terminal, screen, language and times. Calls live in
their own table on the centre's database; :class:`AssistStore` is what the fleet page
reads too (``AssistStore.of(app)``).
"""

from __future__ import annotations

import threading
import time
from typing import Annotated

from fastapi import APIRouter, FastAPI, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Column, Float, Integer, MetaData, String, select, update
from sqlalchemy import Table as SqlTable

from central.auth import CounterStaff, Forbidden, Terminal
from central.credentials import StaffMember
from central.schema import create_tables as create_locked_tables
from central.store import Database
from offline_cache.wire import API_PREFIX, HALL_PATTERN, AssistIn, AssistOut, AssistStatus

MAX_LISTED = 200
# Module level: FastAPI resolves the (postponed) annotations against module globals.
Hall = Annotated[str, Path(pattern=HALL_PATTERN)]
Statuses = Annotated[list[AssistStatus] | None, Query()]

metadata = MetaData()
assist_calls = SqlTable(
    "assist_calls",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall_id", String(64), nullable=False, index=True),
    Column("terminal_id", String(32), nullable=False),
    Column("screen", String(64), nullable=False),
    Column("language", String(8), nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("answered_by", String(64), nullable=False, default=""),
)


class AssistAnswer(BaseModel):
    by: str = Field("", max_length=64, description="who answers, as the counter shows it")


class AssistStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        create_locked_tables(db.writer, metadata)

    _lock = threading.Lock()

    @classmethod
    def of(cls, app: FastAPI) -> AssistStore:
        """The store of this centre app, made (and its table created) on first use."""
        with cls._lock:
            store = getattr(app.state, "assist", None)
            if store is None:
                store = cls(app.state.store.db)
                app.state.assist = store
            return store

    def call(self, hall_id: str, call: AssistIn) -> AssistOut:
        """A new call; a terminal with a call still open gets that one back (one tap or
        five, staff see one call per terminal)."""
        now = time.time()
        with self.db.writer.begin() as conn:
            row = conn.execute(
                select(assist_calls)
                .where(assist_calls.c.hall_id == hall_id)
                .where(assist_calls.c.terminal_id == call.terminal_id)
                .where(assist_calls.c.status != AssistStatus.DONE.value)
                .order_by(assist_calls.c.id.desc())
            ).first()
            if row is not None:
                return _out(row._mapping)
            new_id = conn.execute(
                assist_calls.insert().values(
                    hall_id=hall_id,
                    terminal_id=call.terminal_id,
                    screen=call.screen,
                    language=call.language,
                    status=AssistStatus.OPEN.value,
                    created_at=now,
                    updated_at=now,
                    answered_by="",
                )
            ).inserted_primary_key
            assert new_id is not None
            stored = conn.execute(select(assist_calls).where(assist_calls.c.id == new_id[0])).one()
            return _out(stored._mapping)

    def get(self, hall_id: str, call_id: int) -> AssistOut | None:
        with self.db.reader.connect() as conn:
            row = conn.execute(
                select(assist_calls)
                .where(assist_calls.c.id == call_id)
                .where(assist_calls.c.hall_id == hall_id)
            ).first()
        return None if row is None else _out(row._mapping)

    def listed(self, hall_id: str, statuses: list[AssistStatus]) -> list[AssistOut]:
        """The hall's calls in these states, oldest first."""
        with self.db.reader.connect() as conn:
            rows = conn.execute(
                select(assist_calls)
                .where(assist_calls.c.hall_id == hall_id)
                .where(assist_calls.c.status.in_([s.value for s in statuses]))
                .order_by(assist_calls.c.id)
                .limit(MAX_LISTED)
            ).all()
        return [_out(r._mapping) for r in rows]

    def waiting(self) -> list[dict[str, object]]:
        """Every hall's calls nobody has closed yet, oldest first, as the fleet page lists
        them (terminal, hall, seconds waiting, the screen the citizen was on)."""
        open_ = [AssistStatus.OPEN.value, AssistStatus.COMING.value]
        with self.db.reader.connect() as conn:
            rows = conn.execute(
                select(assist_calls)
                .where(assist_calls.c.status.in_(open_))
                .order_by(assist_calls.c.id)
                .limit(MAX_LISTED)
            ).all()
        now = time.time()
        return [
            {
                "terminal_id": r.terminal_id,
                "hall_id": r.hall_id,
                "age_s": now - r.created_at,
                "reason": r.screen if r.status == AssistStatus.OPEN.value else "coming",
            }
            for r in rows
        ]

    def move(self, hall_id: str, call_id: int, to: AssistStatus, by: str = "") -> AssistOut | None:
        values: dict[str, object] = {"status": to.value, "updated_at": time.time()}
        if by:
            values["answered_by"] = by
        with self.db.writer.begin() as conn:
            done = conn.execute(
                update(assist_calls)
                .where(assist_calls.c.id == call_id)
                .where(assist_calls.c.hall_id == hall_id)
                .values(**values)
            )
        return self.get(hall_id, call_id) if done.rowcount else None


def _out(row: object) -> AssistOut:
    return AssistOut.model_validate(dict(row))  # type: ignore[call-overload]


def assist_api() -> APIRouter:
    """The routes above (registered by central/app.py with one line)."""
    router = APIRouter(prefix=API_PREFIX + "/halls/{hall_id}/assist", tags=["assist"])

    def found(call: AssistOut | None) -> AssistOut:
        if call is None:
            raise HTTPException(404, "no such call in this hall")
        return call

    def staff_in(member: StaffMember, hall_id: str) -> None:
        if not member.may_act_in(hall_id):
            raise Forbidden(f"not staff of hall {hall_id}")

    @router.post("", response_model=AssistOut, status_code=201, summary="A terminal calls staff")
    def call_staff(
        request: Request, hall_id: Hall, call: AssistIn, terminal: Terminal
    ) -> AssistOut:
        hall = terminal.in_hall(hall_id)
        body = call.model_copy(update={"terminal_id": terminal.act_as(call.terminal_id)})
        return AssistStore.of(request.app).call(hall, body)

    @router.get("/{call_id}", response_model=AssistOut, summary="A terminal polls its call")
    def get_call(request: Request, hall_id: Hall, call_id: int, terminal: Terminal) -> AssistOut:
        call = found(AssistStore.of(request.app).get(terminal.in_hall(hall_id), call_id))
        terminal.act_as(call.terminal_id)  # 403: another terminal's call
        return call

    @router.get("", response_model=list[AssistOut], summary="Calls a counter display shows")
    def list_calls(
        request: Request,
        hall_id: Hall,
        member: CounterStaff,
        status: Statuses = None,
    ) -> list[AssistOut]:
        """Default: calls not yet done (open and coming), oldest first."""
        staff_in(member, hall_id)
        wanted = status or [AssistStatus.OPEN, AssistStatus.COMING]
        return AssistStore.of(request.app).listed(hall_id, wanted)

    @router.post("/{call_id}/answer", response_model=AssistOut, summary="Staff are on the way")
    def answer(
        request: Request,
        hall_id: Hall,
        call_id: int,
        member: CounterStaff,
        answer: AssistAnswer | None = None,
    ) -> AssistOut:
        staff_in(member, hall_id)
        by = (answer.by if answer and answer.by else member.name)[:64]
        return found(AssistStore.of(request.app).move(hall_id, call_id, AssistStatus.COMING, by))

    @router.post("/{call_id}/done", response_model=AssistOut, summary="Staff closed the call")
    def close(request: Request, hall_id: Hall, call_id: int, member: CounterStaff) -> AssistOut:
        staff_in(member, hall_id)
        return found(AssistStore.of(request.app).move(hall_id, call_id, AssistStatus.DONE))

    return router
