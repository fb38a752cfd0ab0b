"""The identity checks' tables at the centre (SQLAlchemy Core; SQLite or PostgreSQL).

``identity_checks`` keeps each judged record and its judgement; ``identity_intake`` notes
every ``identity.check`` submission read (so each is judged once, and replays are
counted); ``identity_nonces`` makes a challenge nonce single-use; ``identity_references``
is the stand-in for the police photo service.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from central.schema import create_tables as create_locked_tables

metadata = MetaData()

checks = Table(
    "identity_checks",
    metadata,
    Column("check_id", String(32), primary_key=True),
    Column("terminal_id", String(32), nullable=False),
    Column("hall_id", String(64), nullable=False, index=True),
    Column("idempotency_key", String(80), nullable=False),
    Column("receipt", String(64), nullable=False, index=True),
    Column("received_at", Float, nullable=False),
    Column("judged_at", Float, nullable=False),
    # verified / not_verified / review / rejected; "decided" once a reviewer decided
    Column("state", String(16), nullable=False, index=True),
    Column("terminal_decision", String(16), nullable=False),
    Column("centre_live", Boolean, nullable=False),
    Column("centre_score", Float),
    Column("threshold", Float, nullable=False),
    Column("binding", String(16), nullable=False),
    Column("reasons", Text, nullable=False),  # JSON list
    Column("liveness", Text, nullable=False),  # JSON: the centre's per-step judgement
    Column("document_type", String(40), nullable=False),
    Column("number_hash", String(64), nullable=False, index=True),
    Column("reference_source", String(16), nullable=False),
    Column("evidence", Text, nullable=False),  # the record (a face: personal data)
    Column("replays", String(16), nullable=False, default="0"),
    Column("review_decision", String(16)),
    Column("reviewer", String(64)),
    Column("review_note", Text),
    Column("decided_at", Float),
)

intake = Table(
    "identity_intake",
    metadata,
    Column("terminal_id", String(32), primary_key=True),
    Column("idempotency_key", String(80), primary_key=True),
    Column("outcome", String(32), nullable=False),  # judged / replayed / unreadable
    Column("check_id", String(32)),
    Column("at", Float, nullable=False),
)

nonces = Table(
    "identity_nonces",
    metadata,
    Column("nonce", String(32), primary_key=True),
    Column("check_id", String(32), nullable=False),
)

references = Table(
    "identity_references",
    metadata,
    Column("number_hash", String(64), primary_key=True),
    Column("document_type", String(40), nullable=False),
    Column("photo", LargeBinary, nullable=False),
    Column("registered_at", Float, nullable=False),
    Column("registered_by", String(64), nullable=False),
)


def create_tables(engine: Engine) -> None:
    create_locked_tables(engine, metadata)
