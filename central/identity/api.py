"""``/v1/identity/...``: the reviewers' queue and the reference photo port.

===========================================  ==========================================
``GET  /v1/identity/checks?state=review``     staff of the hall, admin: checks by state
``GET  /v1/identity/checks/{check_id}``       staff of the hall, admin: the best frame, steps
``POST /v1/identity/checks/{check_id}/decision``  staff of the hall, admin
``POST /v1/identity/reference``               admin: a reference photo for an ID number
===========================================  ==========================================

Evidence records themselves arrive as outbox submissions (``/v1/submissions``) and are
judged when read (:meth:`IdentityDesk.catch_up`).
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from central.auth import AdminStaff, CounterStaff
from central.credentials import Role, StaffMember
from central.identity.desk import IdentityDesk
from offline_cache.wire import API_PREFIX

CHECK_ID = r"^[0-9a-f]{32}$"


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["verified", "not_verified"]
    note: str = Field("", max_length=1000)


class ReferenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document_type: str = Field("resident_id", min_length=1, max_length=40)
    id_number: str = Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z<]+$")
    photo_jpeg_b64: str = Field(min_length=1, max_length=2_000_000)


def identity_router(desk: IdentityDesk) -> APIRouter:
    """The reviewers' and operators' routes. Counter staff see and decide the checks of
    their own hall's terminals; admins every hall's, and only admins register reference
    photos (``central.auth``: 401 without a staff token, 403 for the wrong role)."""
    router = APIRouter(prefix=f"{API_PREFIX}/identity", tags=["identity"])

    def hall_of(member: StaffMember) -> str | None:
        return None if member.role is Role.ADMIN else member.hall_id

    def visible(member: StaffMember, check_id: str) -> dict[str, Any]:
        found = desk.check(check_id)
        if found is None or not member.may_act_in(found["hall_id"]):
            raise HTTPException(404, "no such identity check")
        return found

    @router.get("/checks", summary="Identity checks by state (the reviewers' queue)")
    def list_checks(
        member: CounterStaff,
        state: Annotated[
            Literal["review", "verified", "not_verified", "rejected", "decided"] | None,
            Query(),
        ] = None,
    ) -> dict[str, Any]:
        return {"checks": desk.checks(state, hall_of(member))}

    @router.get("/checks/{check_id}", summary="One check with its best frame and steps")
    def get_check(
        member: CounterStaff, check_id: Annotated[str, Path(pattern=CHECK_ID)]
    ) -> dict[str, Any]:
        return visible(member, check_id)

    @router.post("/checks/{check_id}/decision", summary="A reviewer decides a check in review")
    def decide(
        member: CounterStaff, check_id: Annotated[str, Path(pattern=CHECK_ID)], body: DecisionIn
    ) -> dict[str, Any]:
        visible(member, check_id)
        try:
            found = desk.decide(check_id, body.decision, member.name, body.note)
        except ValueError as exc:
            raise HTTPException(409, str(exc)) from None
        if found is None:
            raise HTTPException(404, "no such identity check")
        return found

    @router.post("/reference", summary="Register the reference photo for an ID number")
    def register(member: AdminStaff, body: ReferenceIn) -> dict[str, Any]:
        try:
            photo = base64.b64decode(body.photo_jpeg_b64, validate=True)
        except (binascii.Error, ValueError):
            raise HTTPException(422, "photo_jpeg_b64 is not valid base64") from None
        try:
            digest = desk.register_reference(body.document_type, body.id_number, photo, member.name)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        return {"number_hash": digest, "document_type": body.document_type}

    return router
