"""The centre's identity desk: reads each new ``identity.check`` submission once, judges it
on its own (binding, replay, liveness on the series, SFace match), and keeps the queue
of checks a reviewer must decide."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy import and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from central.identity import store as t
from central.identity.binding import check_binding, load_cas
from central.identity.face import CentreMatcher
from central.identity.liveness import LivenessJudgement, judge_try
from central.schema import submissions as subs
from central.store import Database
from offline_cache.wire import (
    EVIDENCE_KIND,
    IdentityEvidence,
    number_hash,
    signed_bytes,
)

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.42  # the same SFace cosine threshold the terminals ship with
MAX_AGE_S = 30 * 86400  # a record completed longer ago than this is not judged as fresh
CLOCK_SKEW_S = 300


class ReferencePort(Protocol):
    """Where the centre finds the reference photo for an ID number (the police photo
    service in production; :class:`StoredReferences` stands in for it)."""

    def photo_for(self, conn: Connection, number_hash: str) -> bytes | None: ...


class StoredReferences:
    """Reference photos an operator registered (``POST /v1/identity/reference``)."""

    def photo_for(self, conn: Connection, number_hash: str) -> bytes | None:
        row = conn.execute(
            select(t.references.c.photo).where(t.references.c.number_hash == number_hash)
        ).first()
        return bytes(row.photo) if row else None


@dataclass
class Judgement:
    state: str
    live: bool
    score: float | None
    binding: str
    reasons: list[str]
    liveness: LivenessJudgement


def _b64(data: str | None) -> bytes:
    if not data:
        return b""
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return b""


class IdentityDesk:
    def __init__(
        self,
        db: Database,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        client_ca: str | Path | None = None,
        references: ReferencePort | None = None,
        matcher: CentreMatcher | None = None,
    ) -> None:
        self.db = db
        self.threshold = threshold
        self.cas = load_cas(Path(client_ca) if client_ca else None)
        self.references = references or StoredReferences()
        self._matcher = matcher
        self._lock = threading.Lock()
        self._insert = postgresql.insert if db.dialect == "postgresql" else sqlite.insert
        t.create_tables(db.writer)

    @property
    def matcher(self) -> CentreMatcher:
        if self._matcher is None:
            self._matcher = CentreMatcher()
        return self._matcher

    # -- intake -----------------------------------------------------------------------
    def catch_up(self, limit: int = 200) -> int:
        """Judge every identity submission not read yet; returns how many were read."""
        with self._lock:
            with self.db.reader.connect() as conn:
                rows = conn.execute(
                    select(subs.c.terminal_id, subs.c.hall_id, subs.c.idempotency_key,
                           subs.c.record, subs.c.received_at)
                    .select_from(
                        subs.outerjoin(
                            t.intake,
                            and_(
                                t.intake.c.terminal_id == subs.c.terminal_id,
                                t.intake.c.idempotency_key == subs.c.idempotency_key,
                            ),
                        )
                    )
                    .where(subs.c.kind == EVIDENCE_KIND, t.intake.c.outcome.is_(None))
                    .order_by(subs.c.received_at)
                    .limit(limit)
                ).all()  # fmt: skip
            for row in rows:
                self._take(row.terminal_id, row.hall_id, row.idempotency_key, row.record,
                           row.received_at)  # fmt: skip
        return len(rows)

    def _take(self, terminal_id: str, hall_id: str, key: str, raw: str, received_at: float) -> None:
        now = time.time()
        try:
            data = json.loads(raw)
            evidence = IdentityEvidence.model_validate(data)
        except (ValueError, ValidationError) as exc:
            # Named by its submission only: the record itself is personal data.
            log.warning(
                "identity record %s/%s unreadable: %s", terminal_id, key, type(exc).__name__
            )
            self._note(terminal_id, key, "unreadable", None, now)
            return
        with self.db.writer.begin() as conn:
            seen = conn.execute(
                select(t.checks.c.check_id).where(t.checks.c.check_id == evidence.check_id)
            ).first()
            nonce_seen = conn.execute(
                select(t.nonces.c.check_id).where(
                    t.nonces.c.nonce.in_([tr.nonce for tr in evidence.tries])
                )
            ).first()
            if seen is not None or nonce_seen is not None:
                first = seen.check_id if seen is not None else nonce_seen.check_id
                log.warning("identity record replayed by %s (first seen as %s)", terminal_id, first)
                self._note(terminal_id, key, "replayed", first, now, conn)
                conn.execute(
                    update(t.checks)
                    .where(t.checks.c.check_id == first)
                    .values(replays=str(self._replays(conn, first) + 1))
                )
                return
            j = self._judge(conn, evidence, data, terminal_id)
            conn.execute(
                t.checks.insert().values(
                    check_id=evidence.check_id,
                    terminal_id=terminal_id,
                    hall_id=hall_id,
                    idempotency_key=key,
                    receipt=evidence.receipt,
                    received_at=received_at,
                    judged_at=now,
                    state=j.state,
                    terminal_decision=evidence.decision,
                    centre_live=j.live,
                    centre_score=j.score,
                    threshold=self.threshold,
                    binding=j.binding,
                    reasons=json.dumps(j.reasons, ensure_ascii=False),
                    liveness=json.dumps(j.liveness.as_dict()),
                    document_type=evidence.document.type,
                    number_hash=evidence.document.number_hash,
                    reference_source=evidence.document.reference_source,
                    evidence=raw,
                    replays="0",
                )
            )
            conn.execute(
                t.nonces.insert(),
                [{"nonce": tr.nonce, "check_id": evidence.check_id} for tr in evidence.tries],
            )
            self._note(terminal_id, key, "judged", evidence.check_id, now, conn)

    def _replays(self, conn: Connection, check_id: str) -> int:
        row = conn.execute(select(t.checks.c.replays).where(t.checks.c.check_id == check_id)).one()
        return int(row.replays)

    def _note(self, terminal_id: str, key: str, outcome: str, check_id: str | None,
              now: float, conn: Connection | None = None) -> None:  # fmt: skip
        stmt = (
            self._insert(t.intake)
            .values(
                terminal_id=terminal_id,
                idempotency_key=key,
                outcome=outcome,
                check_id=check_id,
                at=now,
            )
            .on_conflict_do_nothing()
        )
        if conn is not None:
            conn.execute(stmt)
        else:
            with self.db.writer.begin() as c:
                c.execute(stmt)

    # -- judgement --------------------------------------------------------------------
    def _judge(self, conn: Connection, e: IdentityEvidence, data: dict[str, Any],
               terminal_id: str) -> Judgement:  # fmt: skip
        reasons: list[str] = []
        rejected = False
        if e.terminal_id != terminal_id:
            rejected = True
            reasons.append(f"record of terminal {e.terminal_id} sent by {terminal_id}")
        binding = check_binding(e.binding, signed_bytes(data), terminal_id, self.cas)
        if binding.state == "invalid":
            rejected = True
            reasons.append(f"binding: {binding.detail}")
        elif binding.state == "unsigned":
            reasons.append("unsigned record: a reviewer must confirm")
        if not e.consent.given:
            rejected = True
            reasons.append("no consent recorded")
        now = time.time()
        if not (e.issued_at <= e.completed_at <= now + CLOCK_SKEW_S) or (
            now - e.completed_at > MAX_AGE_S
        ):
            reasons.append("implausible times")
        last = e.tries[-1]
        liveness = judge_try(last)
        live = last.passed and liveness.live
        if not liveness.live:
            reasons += [f"liveness: {r}" for r in liveness.reasons]
        score = None
        if live:
            score, why = self._match(conn, e)
            if why:
                reasons.append(why)
        if e.model.sha256 != self.matcher.model_sha256:
            reasons.append("the terminal used another face model")
        if rejected:
            state = "rejected"
        elif not live:
            state = "not_verified"
        elif score is None or binding.state != "bound" or "implausible times" in reasons:
            state = "review"
        elif score >= self.threshold:
            state = "verified"
        else:
            state = "not_verified"
        if state in ("verified", "not_verified") and e.decision != "review" and e.decision != state:
            reasons.append(f"the terminal decided {e.decision}, the centre {state}")
            state = "review"
        if "the terminal used another face model" in reasons and state == "verified":
            state = "review"
        return Judgement(state, live, score, binding.state, reasons, liveness)

    def _match(self, conn: Connection, e: IdentityEvidence) -> tuple[float | None, str]:
        if e.best_frame is None:
            return None, "no best frame in the record"
        if e.document.reference_jpeg_b64:
            reference = _b64(e.document.reference_jpeg_b64)
        else:
            reference = self.references.photo_for(conn, e.document.number_hash) or b""
        if not reference:
            return None, "no reference photo at the centre for this document"
        ref = self.matcher.embed(reference)
        live = self.matcher.embed(_b64(e.best_frame.jpeg_b64))
        if ref is None or live is None:
            return None, "no face found in the reference or the best frame"
        return round(self.matcher.cosine(live, ref), 4), ""

    # -- reviewers and operators ------------------------------------------------------
    def checks(
        self, state: str | None, hall_id: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Checks by state, oldest first; ``hall_id`` limits them to one hall's terminals."""
        self.catch_up()
        q = select(t.checks).order_by(t.checks.c.received_at).limit(limit)
        if state:
            q = q.where(t.checks.c.state == state)
        if hall_id is not None:
            q = q.where(t.checks.c.hall_id == hall_id)
        with self.db.reader.connect() as conn:
            return [self._summary(r) for r in conn.execute(q).all()]

    def check(self, check_id: str) -> dict[str, Any] | None:
        self.catch_up()
        with self.db.reader.connect() as conn:
            row = conn.execute(select(t.checks).where(t.checks.c.check_id == check_id)).first()
        if row is None:
            return None
        out = self._summary(row)
        evidence = json.loads(row.evidence)
        out["liveness"] = json.loads(row.liveness)
        out["best_frame_jpeg_b64"] = (evidence.get("best_frame") or {}).get("jpeg_b64")
        out["tries"] = [
            {"actions": tr["actions"], "passed": tr["passed"], "fail_reason": tr["fail_reason"]}
            for tr in evidence["tries"]
        ]
        return out

    @staticmethod
    def _summary(row: Any) -> dict[str, Any]:
        return {
            "check_id": row.check_id,
            "receipt": row.receipt,
            "terminal_id": row.terminal_id,
            "hall_id": row.hall_id,
            "state": row.state,
            "terminal_decision": row.terminal_decision,
            "centre_live": row.centre_live,
            "centre_score": row.centre_score,
            "threshold": row.threshold,
            "binding": row.binding,
            "reasons": json.loads(row.reasons),
            "document_type": row.document_type,
            "reference_source": row.reference_source,
            "received_at": row.received_at,
            "judged_at": row.judged_at,
            "replays": int(row.replays),
            "review_decision": row.review_decision,
            "reviewer": row.reviewer,
            "decided_at": row.decided_at,
        }

    def decide(
        self, check_id: str, decision: str, reviewer: str, note: str
    ) -> dict[str, Any] | None:
        """A reviewer's decision on a check in review; None if there is no such check.
        Raises ValueError when the check is not waiting for a reviewer."""
        with self.db.writer.begin() as conn:
            row = conn.execute(
                select(t.checks.c.state).where(t.checks.c.check_id == check_id)
            ).first()
            if row is None:
                return None
            if row.state != "review":
                raise ValueError(f"check is {row.state}, not waiting for review")
            conn.execute(
                update(t.checks)
                .where(t.checks.c.check_id == check_id)
                .values(
                    state="decided",
                    review_decision=decision,
                    reviewer=reviewer,
                    review_note=note,
                    decided_at=time.time(),
                )
            )
        return self.check(check_id)

    def register_reference(self, document_type: str, id_number: str, photo: bytes,
                           operator: str) -> str:  # fmt: skip
        """Store the reference photo for an ID number; checks waiting for it are judged
        again. Raises ValueError when the photo shows no face."""
        if self.matcher.embed(photo) is None:
            raise ValueError("no face found in the reference photo")
        digest = number_hash(document_type, id_number)
        values = {"number_hash": digest, "document_type": document_type, "photo": photo,
                  "registered_at": time.time(), "registered_by": operator}  # fmt: skip
        stmt = self._insert(t.references).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.references.c.number_hash],
            set_={k: v for k, v in values.items() if k != "number_hash"},
        )
        with self.db.writer.begin() as conn:
            conn.execute(stmt)
            waiting = conn.execute(
                select(t.checks.c.check_id, t.checks.c.evidence, t.checks.c.terminal_id).where(
                    t.checks.c.number_hash == digest, t.checks.c.state == "review"
                )
            ).all()
            for w in waiting:
                data = json.loads(w.evidence)
                j = self._judge(conn, IdentityEvidence.model_validate(data), data, w.terminal_id)
                conn.execute(
                    update(t.checks)
                    .where(t.checks.c.check_id == w.check_id)
                    .values(
                        state=j.state,
                        centre_live=j.live,
                        centre_score=j.score,
                        reasons=json.dumps(j.reasons, ensure_ascii=False),
                        judged_at=time.time(),
                    )
                )
        return digest
