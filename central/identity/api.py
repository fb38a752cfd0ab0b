"""``/v1/identity/...``: the reviewers' queue and the reference photo port.

===========================================  ==========================================
``GET  /v1/identity/checks?state=review``     staff: checks by state (no images)
``GET  /v1/identity/checks/{check_id}``       staff: one check, its best frame, its steps
``POST /v1/identity/checks/{check_id}/decision``  staff: verified / not_verified
``POST /v1/identity/reference``               staff: a reference photo for an ID number
===========================================  ==========================================

Evidence records themselves arrive as outbox submissions (``/v1/submissions``) and are
judged when read (:meth:`IdentityDesk.catch_up`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

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


def loopback_operator(request: Request) -> str:
    """Until staff credentials exist: only someone on the centre's own host (403 otherwise)."""
    host = request.client.host if request.client else ""
    if host not in ("127.0.0.1", "::1", "localhost", "testclient"):
        raise HTTPException(403, "identity review is open to the centre's own host only")
    return "local-operator"


def identity_router(desk: IdentityDesk, staff: Callable[..., Any] = loopback_operator) -> APIRouter:
    """The router; ``staff`` is the dependency naming the staff member (401/403 if none)."""
    router = APIRouter(prefix=f"{API_PREFIX}/identity", tags=["identity"])
    # A default, not an Annotated alias: this module's annotations are strings that
    # FastAPI resolves in the module's namespace, where a local alias does not exist.
    as_staff = Depends(staff)

    def name_of(member: Any) -> str:
        return str(getattr(member, "name", member))

    @router.get("/checks", summary="Identity checks by state (the reviewers' queue)")
    def list_checks(
        _member: Any = as_staff,
        state: Annotated[
            Literal["review", "verified", "not_verified", "rejected", "decided"] | None,
            Query(),
        ] = None,
    ) -> dict[str, Any]:
        return {"checks": desk.checks(state)}

    @router.get("/checks/{check_id}", summary="One check with its best frame and steps")
    def get_check(
        check_id: Annotated[str, Path(pattern=CHECK_ID)], _member: Any = as_staff
    ) -> dict[str, Any]:
        found = desk.check(check_id)
        if found is None:
            raise HTTPException(404, "no such identity check")
        return found

    @router.post("/checks/{check_id}/decision", summary="A reviewer decides a check in review")
    def decide(
        check_id: Annotated[str, Path(pattern=CHECK_ID)], body: DecisionIn, member: Any = as_staff
    ) -> dict[str, Any]:
        try:
            found = desk.decide(check_id, body.decision, name_of(member), body.note)
        except ValueError as exc:
            raise HTTPException(409, str(exc)) from None
        if found is None:
            raise HTTPException(404, "no such identity check")
        return found

    @router.post("/reference", summary="Register the reference photo for an ID number")
    def register(body: ReferenceIn, member: Any = as_staff) -> dict[str, Any]:
        try:
            photo = base64.b64decode(body.photo_jpeg_b64, validate=True)
        except (binascii.Error, ValueError):
            raise HTTPException(422, "photo_jpeg_b64 is not valid base64") from None
        try:
            digest = desk.register_reference(
                body.document_type, body.id_number, photo, name_of(member)
            )
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        return {"number_hash": digest, "document_type": body.document_type}

    return router
