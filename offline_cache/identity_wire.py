"""The identity check's evidence record as it travels from a terminal to the centre.

Part of the wire schema (like :mod:`offline_cache.wire`): pydantic and the standard
library only, so the centre reads exactly what the terminal writes without importing the
kiosk. A terminal queues one record per finished check in its outbox (kind
``identity.check``, encrypted at rest); the centre judges it again on its own.

The record holds numbers and two small images (the cropped best frame; the document's
own photo when the reference came from the chip), never video. ``binding`` signs the
canonical JSON of everything else with the terminal's certificate key, and the
challenge nonce is single-use, so the centre can tell a replayed or moved record.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from offline_cache.wire import canonical_json

EVIDENCE_KIND = "identity.check"
EVIDENCE_VERSION = 1
SIGNATURE_ALG = "ecdsa-sha256"
ACTIONS = ("blink", "open_mouth", "turn_left", "turn_right", "nod")
SERIES_COLUMNS = ["t_ms", "faces", "ear", "mouth", "yaw", "pitch"]
HEX64 = r"^[0-9a-f]{64}$"

Decision = Literal["verified", "not_verified", "review"]
ReferenceSource = Literal["chip", "card_photo", "centre"]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Consent(_Wire):
    given: bool
    at: float = Field(description="seconds since the epoch")
    language: Literal["zh_CN", "en"]
    wording_sha256: str = Field(pattern=HEX64, description="of the consent text shown")
    retention_days: int = Field(ge=1)
    counter_route_offered: bool = True


class DocumentRef(_Wire):
    type: str = Field(min_length=1, max_length=40)
    number_hash: str = Field(pattern=HEX64)
    reference_source: ReferenceSource
    reference_jpeg_b64: str | None = Field(
        None, max_length=400_000, description="the document's own photo (chip, card), as JPEG"
    )


class StepSeries(_Wire):
    action: Literal["blink", "open_mouth", "turn_left", "turn_right", "nod"]
    window_ms: int = Field(gt=0, le=60_000)
    started_ms: int
    outcome: Literal["passed", "wrong_action", "timeout", "pending"]
    at_ms: int | None = None
    wrong: str = ""
    restarts: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    series: list[list[float]] = Field(default_factory=list, max_length=2000)


class TryRecord(_Wire):
    nonce: str = Field(pattern=r"^[0-9a-f]{32}$")
    actions: list[str] = Field(min_length=1, max_length=5)
    issued_at: float
    completed_at: float
    passed: bool
    fail_reason: str = ""
    columns: list[str] = Field(default_factory=lambda: list(SERIES_COLUMNS))
    baseline: dict[str, float] | None = None
    baseline_series: list[list[float]] = Field(default_factory=list, max_length=2000)
    steps: list[StepSeries] = Field(max_length=5)


class BestFrame(_Wire):
    jpeg_b64: str = Field(max_length=600_000)
    eye_px: float = Field(ge=0)
    width: int = Field(gt=0)
    height: int = Field(gt=0)


class ModelRef(_Wire):
    id: str
    sha256: str = Field(pattern=HEX64)


class MatchOut(_Wire):
    threshold: float
    score: float | None = None
    same_person: bool | None = None


class Binding(_Wire):
    alg: Literal["ecdsa-sha256", "none"]
    certificate_pem: str = Field("", max_length=8000)
    signature_b64: str = Field("", max_length=400)


class IdentityEvidence(_Wire):
    version: Literal[1] = 1  # EVIDENCE_VERSION
    check_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    receipt: str = Field(min_length=1, max_length=64)
    terminal_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    software_version: str = Field(max_length=40)
    issued_at: float
    completed_at: float
    document: DocumentRef
    consent: Consent
    tries: list[TryRecord] = Field(min_length=1, max_length=5)
    best_frame: BestFrame | None = None
    model: ModelRef
    match: MatchOut
    decision: Decision
    decision_reason: str = Field("", max_length=200)
    binding: Binding


def signed_bytes(record: dict[str, Any]) -> bytes:
    """What the terminal signs: the record's canonical JSON without ``binding``."""
    return canonical_json({k: v for k, v in record.items() if k != "binding"})


def number_hash(document_type: str, number: str) -> str:
    """The document number as both sides name it: SHA-256 with a domain prefix.

    A pseudonym for storage and lookups, not secrecy: an ID number has little entropy.
    """
    text = f"hall-kiosk/id-number/v1\0{document_type}\0{number.strip().upper()}"
    return hashlib.sha256(text.encode()).hexdigest()
