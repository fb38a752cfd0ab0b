"""The wire format between a terminal and the centre, version 1.

This is the one module that both ``offline_cache`` (the terminal) and ``central`` (the
service) import: it depends on pydantic and the standard library only, so the centre can
use it without pulling in anything of the kiosk. The centre's OpenAPI document
(``GET /v1/openapi.json``) is generated from these models.
"""

from __future__ import annotations

import base64
import hashlib
import json
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

API_PREFIX = "/v1"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# A key is a UUID4 hex from the terminal; anything 8-80 chars of this alphabet is accepted
# so other clients (a pilot's curl) can use their own scheme.
KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,80}$"
TERMINAL_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"
HALL_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
BLOB_NAME_PATTERN = r"^[A-Za-z0-9_.-]{1,200}$"
SERVICE_PATTERN = r"^[A-Z0-9_]{1,16}$"


class _Wire(BaseModel):
    # NaN/Infinity are not JSON: refused here, before they reach a NOT NULL column and a
    # database error that would quote the whole record.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SubmissionIn(_Wire):
    """One citizen submission (a form, an ID photo order...) as the terminal sends it."""

    terminal_id: str = Field(pattern=TERMINAL_PATTERN)
    kind: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$")
    created_at: float = Field(description="terminal clock, seconds since the epoch")
    is_test: bool = Field(False, description="technician's test: counted apart, never processed")
    record: dict[str, Any] = Field(description="the submission's JSON record")
    blobs: dict[Annotated[str, StringConstraints(pattern=BLOB_NAME_PATTERN)], str] = Field(
        default_factory=dict, description="attachments (photo, signature...): name -> base64"
    )


class BatchItem(SubmissionIn):
    idempotency_key: str = Field(pattern=KEY_PATTERN)


class BatchIn(_Wire):
    items: list[BatchItem] = Field(min_length=1, max_length=500)


class ItemStatus(StrEnum):
    STORED = "stored"  # new: the centre stored it now
    REPLAYED = "replayed"  # the centre had it already; this is the stored result
    CONFLICT = "conflict"  # the key was used before for a different payload


class SubmissionResult(_Wire):
    idempotency_key: str
    status: ItemStatus
    received_at: float = Field(description="when the centre first stored this key")
    detail: str = ""


class BatchOut(_Wire):
    results: list[SubmissionResult]


class HeartbeatIn(_Wire):
    backlog: int = Field(ge=0)
    dead_letter: int = Field(0, ge=0)
    oldest_age_s: float | None = None
    detail: dict[str, Any] = Field(default_factory=dict, description="no personal data")


class HeartbeatOut(_Wire):
    terminal_id: str
    received_at: float


class TicketRequest(_Wire):
    service_code: str = Field(pattern=SERVICE_PATTERN)
    prefix: str = Field(pattern=r"^[A-Z]{1,2}$")
    terminal_id: str = Field(pattern=TERMINAL_PATTERN)
    day: str = Field(pattern=DAY_PATTERN)


class TicketOut(_Wire):
    number: str = Field(description="prefix + zero-padded sequence, e.g. A023")
    sequence: int = Field(ge=1, description="per hall + service + day, from 1")
    people_ahead: int = Field(ge=0)
    day: str


class Problem(_Wire):
    """Error body: ``{"detail": "..."}`` as FastAPI writes it."""

    detail: Any


def canonical_json(value: Any) -> bytes:
    """The bytes both sides hash: sorted keys, no spaces, UTF-8. NaN and Infinity (not
    JSON) raise ValueError."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def payload_digest(sub: SubmissionIn, blob_hashes: dict[str, str] | None = None) -> str:
    """SHA-256 over what makes two submissions "the same" for an idempotency key.

    Blobs enter by their own SHA-256 (hex), so the digest costs one pass over each blob;
    a caller that has decoded and hashed the blobs already passes ``blob_hashes``.
    """
    if blob_hashes is None:
        blob_hashes = {
            name: hashlib.sha256(base64.b64decode(data, validate=True)).hexdigest()
            for name, data in sub.blobs.items()
        }
    body = {
        "terminal_id": sub.terminal_id,
        "kind": sub.kind,
        "is_test": sub.is_test,
        "record": sub.record,
        "blobs": blob_hashes,
    }
    return hashlib.sha256(canonical_json(body)).hexdigest()


def format_ticket_number(prefix: str, sequence: int) -> str:
    """``A`` + 23 -> ``A023``; sequences past 999 keep all their digits."""
    return f"{prefix}{sequence:03d}"
