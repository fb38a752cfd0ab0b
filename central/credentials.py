"""Who may do what at the centre, besides terminals: staff bearer tokens, and the list of
revoked terminal certificates. Both live in the database, so every centre process sees a
change on its next request, without a restart."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from central.certs import HALL_ID, CertIdentity
from central.schema import revocations, staff
from central.store import Database

STAFF_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
TOKEN_PREFIX = "hks_"


class Role(StrEnum):
    COUNTER = "counter"  # calls the next number at the counters of one hall
    ADMIN = "admin"  # fleet admin: every hall, counts, fleet pages


class CredentialError(Exception):
    """A staff or revocation request that cannot be done; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StaffMember:
    name: str
    role: Role
    hall_id: str | None  # None for an admin: every hall

    def may_act_in(self, hall_id: str) -> bool:
        return self.role is Role.ADMIN or self.hall_id == hall_id


@dataclass(frozen=True)
class Revocation:
    terminal_id: str | None
    serial: str | None
    revoked_at: float
    reason: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Credentials:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- staff -----------------------------------------------------------------------
    def add_staff(self, name: str, role: Role, hall_id: str | None = None) -> str:
        """Create a staff member; returns their bearer token (shown once, kept hashed)."""
        if not STAFF_NAME.match(name):
            raise CredentialError(f"staff name {name!r}: 1-64 of A-Z a-z 0-9 _ . @ -")
        if role is Role.COUNTER and not hall_id:
            raise CredentialError("a counter belongs to one hall: give --hall")
        if role is Role.ADMIN and hall_id:
            raise CredentialError("an admin acts for every hall: no --hall")
        if hall_id is not None and not HALL_ID.match(hall_id):
            raise CredentialError(f"hall id {hall_id!r}: 1-64 of A-Z a-z 0-9 _ . -")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        try:
            with self.db.writer.begin() as conn:
                conn.execute(
                    staff.insert().values(
                        name=name,
                        role=role.value,
                        hall_id=hall_id,
                        token_sha256=_token_hash(token),
                        created_at=time.time(),
                    )
                )
        except IntegrityError:
            raise CredentialError(
                f"staff member {name!r} exists: remove them first to issue a new token"
            ) from None
        return token

    def remove_staff(self, name: str) -> bool:
        with self.db.writer.begin() as conn:
            return bool(conn.execute(delete(staff).where(staff.c.name == name)).rowcount)

    def list_staff(self) -> list[StaffMember]:
        with self.db.reader.connect() as conn:
            rows = conn.execute(select(staff).order_by(staff.c.name)).all()
        return [StaffMember(r.name, Role(r.role), r.hall_id) for r in rows]

    def staff_by_token(self, token: str) -> StaffMember | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        with self.db.reader.connect() as conn:
            row = conn.execute(
                select(staff.c.name, staff.c.role, staff.c.hall_id).where(
                    staff.c.token_sha256 == _token_hash(token)
                )
            ).first()
        return StaffMember(row.name, Role(row.role), row.hall_id) if row else None

    # --- revocation ------------------------------------------------------------------
    def revoke(
        self, terminal_id: str | None = None, serial: str | None = None, reason: str = ""
    ) -> float:
        """Refuse every certificate of ``terminal_id`` issued until now, or the one with
        ``serial`` (hex). Returns the revocation time."""
        if (terminal_id is None) == (serial is None):
            raise CredentialError("revoke a terminal id or one --serial")
        if serial is not None:
            serial = serial.upper().removeprefix("0X").replace(":", "")
            if not re.fullmatch(r"[0-9A-F]{1,64}", serial):
                raise CredentialError(f"serial {serial!r}: hexadecimal, as openssl prints it")
        now = time.time()
        with self.db.writer.begin() as conn:
            conn.execute(
                revocations.insert().values(
                    terminal_id=terminal_id, serial=serial, revoked_at=now, reason=reason[:200]
                )
            )
        return now

    def revocation_list(self) -> list[Revocation]:
        with self.db.reader.connect() as conn:
            rows = conn.execute(select(revocations).order_by(revocations.c.id)).all()
        return [Revocation(r.terminal_id, r.serial, r.revoked_at, r.reason) for r in rows]

    def is_revoked(self, cert: CertIdentity) -> bool:
        """Checked on every request a terminal makes: one indexed lookup."""
        with self.db.reader.connect() as conn:
            return (
                conn.execute(
                    select(revocations.c.id)
                    .where(
                        or_(
                            revocations.c.serial == cert.serial,
                            (revocations.c.terminal_id == cert.terminal_id)
                            & (revocations.c.revoked_at >= cert.not_before),
                        )
                    )
                    .limit(1)
                ).first()
                is not None
            )
