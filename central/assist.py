"""Calls for staff ("呼叫工作人员"): terminals raise them, the counter side answers.

- ``POST /v1/halls/{hall}/assist``: a terminal calls (201, the call as stored);
- ``GET /v1/halls/{hall}/assist/{id}``: the terminal polls its call (status ``coming``
  once someone answered);
- ``GET /v1/halls/{hall}/assist?status=open``: what a counter display polls: the hall's
  calls, oldest first;
- ``POST /v1/halls/{hall}/assist/{id}/answer`` and ``.../done``: staff take a call and
  close it.

A call holds no personal data: terminal, screen, language and times. Calls live in
their own table on the centre's database; :class:`AssistStore` is what the fleet page
reads too.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, select, update
from sqlalchemy import Table as SqlTable

from offline_cache.wire import API_PREFIX, AssistIn, AssistOut, AssistStatus

HALL_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"
MAX_LISTED = 200

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
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    def call(self, hall_id: str, call: AssistIn) -> AssistOut:
        """A new call; a terminal with a call still open gets that one back (one tap or
        five, staff see one call per terminal)."""
        now = time.time()
        with self.engine.begin() as conn:
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
        with self.engine.connect() as conn:
            row = conn.execute(
                select(assist_calls)
                .where(assist_calls.c.id == call_id)
                .where(assist_calls.c.hall_id == hall_id)
            ).first()
        return None if row is None else _out(row._mapping)

    def listed(self, hall_id: str, statuses: list[AssistStatus]) -> list[AssistOut]:
        """The hall's calls in these states, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(assist_calls)
                .where(assist_calls.c.hall_id == hall_id)
                .where(assist_calls.c.status.in_([s.value for s in statuses]))
                .order_by(assist_calls.c.id)
                .limit(MAX_LISTED)
            ).all()
        return [_out(r._mapping) for r in rows]

    def move(self, hall_id: str, call_id: int, to: AssistStatus, by: str = "") -> AssistOut | None:
        values: dict[str, object] = {"status": to.value, "updated_at": time.time()}
        if by:
            values["answered_by"] = by
        with self.engine.begin() as conn:
            done = conn.execute(
                update(assist_calls)
                .where(assist_calls.c.id == call_id)
                .where(assist_calls.c.hall_id == hall_id)
                .values(**values)
            )
        return self.get(hall_id, call_id) if done.rowcount else None


def _out(row: object) -> AssistOut:
    return AssistOut.model_validate(dict(row))  # type: ignore[call-overload]


def assist_router(engine: Engine) -> APIRouter:
    """The routes above, on the centre's database (registered by central/app.py)."""
    store = AssistStore(engine)
    router = APIRouter(prefix=API_PREFIX + "/halls/{hall_id}/assist", tags=["assist"])
    Hall = Annotated[str, Path(pattern=HALL_PATTERN)]

    def found(call: AssistOut | None) -> AssistOut:
        if call is None:
            raise HTTPException(404, "no such call in this hall")
        return call

    @router.post("", response_model=AssistOut, status_code=201, summary="A terminal calls staff")
    def call_staff(hall_id: Hall, call: AssistIn) -> AssistOut:
        return store.call(hall_id, call)

    @router.get("", response_model=list[AssistOut], summary="Calls a counter display shows")
    def list_calls(
        hall_id: Hall,
        status: Annotated[list[AssistStatus] | None, Query()] = None,
    ) -> list[AssistOut]:
        """Default: calls not yet done (open and coming), oldest first."""
        return store.listed(hall_id, status or [AssistStatus.OPEN, AssistStatus.COMING])

    @router.get("/{call_id}", response_model=AssistOut, summary="One call (the terminal polls)")
    def get_call(hall_id: Hall, call_id: int) -> AssistOut:
        return found(store.get(hall_id, call_id))

    @router.post("/{call_id}/answer", response_model=AssistOut, summary="Staff are on the way")
    def answer(hall_id: Hall, call_id: int, answer: AssistAnswer | None = None) -> AssistOut:
        return found(store.move(hall_id, call_id, AssistStatus.COMING, answer.by if answer else ""))

    @router.post("/{call_id}/done", response_model=AssistOut, summary="Staff closed the call")
    def close(hall_id: Hall, call_id: int) -> AssistOut:
        return found(store.move(hall_id, call_id, AssistStatus.DONE))

    return router
