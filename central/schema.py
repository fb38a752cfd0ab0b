"""The centre's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Schema version 2 (this one): submissions keyed by (terminal, Idempotency-Key), blobs in
the blob store with only their SHA-256 here, staff credentials and certificate
revocations. A database from an older centre (version 1: global keys, blobs in SQL) is
refused with a clear message rather than half-used.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)

SCHEMA_VERSION = 2

metadata = MetaData()

submissions = Table(
    "submissions",
    metadata,
    # The key is the terminal's, so it is unique per terminal only: T02 can never
    # collide with (or probe for) a key T01 used.
    Column("terminal_id", String(32), primary_key=True),
    Column("idempotency_key", String(80), primary_key=True),
    Column("hall_id", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("is_test", Boolean, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("received_at", Float, nullable=False),
    Column("record", Text, nullable=False),
    Index("ix_submissions_received_at", "received_at"),
)

submission_blobs = Table(
    "submission_blobs",
    metadata,
    Column("terminal_id", String(32), primary_key=True),
    Column("idempotency_key", String(80), primary_key=True),
    Column("name", String(200), primary_key=True),
    Column("sha256", String(64), ForeignKey("blobs.sha256"), nullable=False, index=True),
    ForeignKeyConstraint(
        ["terminal_id", "idempotency_key"],
        ["submissions.terminal_id", "submissions.idempotency_key"],
        ondelete="CASCADE",
    ),
)

# One row per blob in the blob store. Every put refreshes last_put inside the ingesting
# transaction (a row lock on PostgreSQL, the write lock on SQLite); the purge deletes a
# row, and its file, only when nothing names it and last_put is older than a grace
# period, in the same transaction. So a blob can never vanish under a submission that
# names it, however an ingest and a purge interleave (see central/retention.py).
blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("last_put", Float, nullable=False),
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
)

heartbeats = Table(
    "heartbeats",
    metadata,
    Column("terminal_id", String(32), primary_key=True),
    Column("hall_id", String(64), nullable=False, default=""),
    Column("received_at", Float, nullable=False),
    Column("backlog", Integer, nullable=False),
    Column("dead_letter", Integer, nullable=False),
    Column("oldest_age_s", Float),
    Column("detail", Text, nullable=False),
)

ticket_sequences = Table(
    "ticket_sequences",
    metadata,
    Column("hall_id", String(64), primary_key=True),
    Column("service_code", String(16), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("last_sequence", Integer, nullable=False),
    Column("called_through", Integer, nullable=False, default=0),
)

tickets = Table(
    "tickets",
    metadata,
    Column("hall_id", String(64), primary_key=True),
    Column("service_code", String(16), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("number", String(16), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("issued_at", Float, nullable=False),
)

# `kiosk-central revoke`: a row with a terminal id refuses every certificate of that
# terminal issued (notBefore) up to revoked_at; a row with a serial refuses that one.
revocations = Table(
    "revocations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("terminal_id", String(32), index=True),
    Column("serial", String(64), index=True),
    Column("revoked_at", Float, nullable=False),
    Column("reason", Text, nullable=False, default=""),
)

# `kiosk-central staff add`: bearer tokens for people (counters, fleet admins). Only the
# SHA-256 of a token is kept: tokens are 256 random bits, so no slow hash is needed.
staff = Table(
    "staff",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("hall_id", String(64)),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
)

schema_meta = Table(
    "schema_meta",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(64), nullable=False),
)


class SchemaError(Exception):
    """The database was made by another version of the centre."""


SCHEMA_LOCK = 0x6B696F736B  # "kiosk": the advisory lock key that serialises creation


def _serialise(conn: Connection) -> None:
    """Hold the schema lock until this transaction ends (PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})


def create_tables(engine: Engine, tables: MetaData) -> None:
    """``tables.create_all`` serialised with every other centre process's (see
    :func:`create_schema`): the identity, assist and fleet tables use it."""
    with engine.begin() as conn:
        _serialise(conn)
        tables.create_all(conn)


def create_schema(engine: Engine) -> None:
    """Create missing tables; refuse a database of another schema version.

    Several centre processes (``--workers``, or centres on several hosts) may start on
    the same empty PostgreSQL database at once: PostgreSQL's ``CREATE TABLE IF NOT
    EXISTS`` is not safe against a concurrent twin (one of them fails on the catalogue's
    unique index and that worker dies), so creation runs in one transaction holding an
    advisory lock. DDL is transactional there; SQLite has one writer anyway."""
    with engine.begin() as conn:
        _serialise(conn)
        names = set(inspect(conn).get_table_names())
        if "submissions" in names and "schema_meta" not in names:
            raise SchemaError(
                "this database was made by an older centre (schema 1: global idempotency "
                "keys, photos inside the database); export what you need and start a new "
                "database"
            )
        metadata.create_all(conn)
        found = conn.execute(
            select(schema_meta.c.value).where(schema_meta.c.name == "version")
        ).scalar()
        if found is None:
            conn.execute(schema_meta.insert().values(name="version", value=str(SCHEMA_VERSION)))
        elif int(found) != SCHEMA_VERSION:
            raise SchemaError(
                f"database schema version {found}; this centre reads version {SCHEMA_VERSION}"
            )
