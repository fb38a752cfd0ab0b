"""The sync worker: drains the outbox to the centre, oldest first, in batches.

Guarantees, whatever instant the process dies at:
- nothing is lost: a row leaves the outbox only after the centre acknowledged its key;
- nothing is duplicated: every submission carries its Idempotency-Key, and the centre
  stores a key once and answers a replay with the stored result.

Answers are sorted by who can act on them (ADR 0005):
- the centre's own verdict on one item (HTTP 422 for that item alone, or ``conflict`` in a
  batch result) parks that item as a dead letter, its sealed data kept, and the queue
  moves on;
- any other refusal (401, 403, 404, 405, 413, 415...) says "wrong place" or "not
  allowed": a configuration fault. Sending stops, everything is kept, the health, ``kiosk
  doctor`` and the heartbeat say so, and the worker probes again every few minutes;
- network errors, 408, 409, 429 and 5xx back off (capped exponential, full jitter, or the
  centre's ``Retry-After``, capped). After a 5xx the next round sends items one by one:
  an item the centre fails on alone, while it accepts others or answers a heartbeat, gets a
  strike, and after ``quarantine_after`` strikes it is quarantined (kept, not resent).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import Any

from pydantic import ValidationError

from offline_cache.client import CentralClient, Refused, Transient
from offline_cache.faults import crashpoint
from offline_cache.store import MiB, Outbox, PendingItem
from offline_cache.wire import (
    BatchIn,
    BatchItem,
    HeartbeatIn,
    ItemStatus,
    SubmissionIn,
    SubmissionResult,
    b64encode_text,
)

log = logging.getLogger(__name__)

# The centre's verdict on the item itself: malformed, or its key reused for other data.
ITEM_VERDICT = 422
# A refusal of the whole request as too large: smaller requests may pass.
TOO_LARGE = 413
# What a technician should look at, by the status that stopped sending.
FAULT_HINTS = {
    401: "the centre or a proxy wants credentials: check the client certificate",
    403: "not allowed: check the client certificate and the centre's terminal list",
    404: "no such endpoint: check [central] url (an extra path segment?)",
    405: "method not allowed: check [central] url and the proxy",
    413: "request too large for the centre or its proxy: raise the proxy's body limit",
    415: "content type refused: a proxy in the way?",
}


FIRST_WINDOW = 256 * 1024  # bytes in the first batch after a start or a failure


@dataclass
class Backoff:
    """Capped exponential backoff with full jitter; ``Retry-After`` wins, within a cap."""

    base_s: float = 0.5
    cap_s: float = 60.0
    retry_after_cap_s: float = 300.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def next_delay(self, retry_after: float | None = None) -> float:
        self.failures += 1
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap_s)
        ceiling = min(self.cap_s, self.base_s * 2 ** min(self.failures - 1, 30))
        return self.rng.uniform(0.0, ceiling)

    def reset(self) -> None:
        self.failures = 0


class StepKind(StrEnum):
    SENT = "sent"  # a batch went through (some may have been dead-lettered)
    IDLE = "idle"  # nothing to send
    RETRY = "retry"  # transient failure: wait ``delay_s``
    HALTED = "halted"  # configuration fault: nothing is sent; probe again after ``delay_s``


@dataclass(frozen=True)
class Step:
    kind: StepKind
    acknowledged: int = 0
    dead: int = 0
    delay_s: float = 0.0
    error: str = ""
    quarantined: int = 0


@dataclass
class DrainReport:
    acknowledged: int = 0
    dead: int = 0
    quarantined: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)
    halted: bool = False


def to_wire(item: PendingItem, terminal_id: str) -> BatchItem:
    return BatchItem(
        idempotency_key=item.key,
        terminal_id=terminal_id,
        kind=item.kind,
        created_at=item.created_at,
        is_test=item.is_test,
        record=item.record,
        blobs={n: b64encode_text(b) for n, b in item.blobs.items()},
    )


def _redirect(exc: Transient) -> bool:
    """A 3xx: "not here" (an http:// URL a proxy sends to https://, a moved centre)."""
    return exc.status is not None and 300 <= exc.status < 400


def _server_error(exc: Transient) -> bool:
    """A 5xx without ``Retry-After``: maybe this item; a 503 with one is the centre's wish."""
    return exc.status is not None and exc.status >= 500 and exc.retry_after is None


class SyncWorker:
    """Runs in its own thread (``start``) or in the foreground (``drain``/``run``)."""

    def __init__(
        self,
        outbox: Outbox,
        client_factory: Callable[[], CentralClient],
        terminal_id: str,
        *,
        batch_size: int = 50,
        batch_bytes: int = 1 * MiB,
        backoff: Backoff | None = None,
        idle_poll_s: float = 1.0,
        heartbeat_s: float = 60.0,
        config_fault_retry_s: float = 300.0,
        quarantine_after: int = 5,
        central_url: str = "",
        beat_extra: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        """``config_fault_retry_s``: how often to probe while the centre refuses the
        terminal as such; ``quarantine_after``: strikes before an item is quarantined."""
        self.outbox = outbox
        # More for the heartbeat from the terminal (software, devices, fleet state);
        # called on this worker's thread.
        self.beat_extra = beat_extra
        self._client_factory = client_factory
        self._client: CentralClient | None = None
        self.terminal_id = terminal_id
        self.batch_size = batch_size
        self.batch_bytes = batch_bytes
        self.backoff = backoff or Backoff()
        self.idle_poll_s = idle_poll_s
        self.heartbeat_s = heartbeat_s
        self.config_fault_retry_s = config_fault_retry_s
        self.quarantine_after = quarantine_after
        self.central_url = central_url
        self._isolate = False  # after a 5xx: send one by one to find the item at fault
        # Slow start: after a failure (and at first) a batch of at most FIRST_WINDOW
        # bytes (one photo), then twice as much after each batch that went through.
        # When a whole city comes back after an outage, the centre can turn most
        # terminals away without each first uploading megabytes for nothing.
        self._window = min(FIRST_WINDOW, batch_bytes)
        self._last_beat = 0.0
        # Until then the centre asked us to wait (503 + Retry-After): no heartbeat either.
        # When a city's terminals come back after an outage, 200 heartbeats at once held
        # the centre's threads and database for seconds while it turned batches away.
        self._quiet_until = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def client(self) -> CentralClient:
        # Created in the thread that uses it: a requests.Session is not shared.
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    # --- one batch -----------------------------------------------------------------
    def step(self) -> Step:
        items = self.outbox.next_batch(self.batch_size, self._window)
        if not items:
            return Step(StepKind.IDLE)
        wire: list[BatchItem] = []
        dead = 0
        for item in items:
            try:
                wire.append(to_wire(item, self.terminal_id))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                self.outbox.dead_letter(
                    item.key, f"not valid for the wire: {where}: {first['msg']}"
                )
                dead += 1
        if not wire:
            return Step(StepKind.SENT, dead=dead)
        if self._isolate:
            return self._one_by_one(wire, dead)
        keys = [w.idempotency_key for w in wire]
        try:
            results = self.client.send_batch(BatchIn(items=wire)).results
        except Transient as exc:
            if _redirect(exc):
                return self._config_fault(exc.status or 0, exc.reason)
            self._isolate = _server_error(exc)
            return self._transient(keys, exc)
        except Refused as exc:
            if exc.status == ITEM_VERDICT or (exc.status == TOO_LARGE and len(wire) > 1):
                # The centre refused the batch as a whole (or it is too large for the way
                # there): find the bad item(s) one by one so the rest still goes through.
                log.warning("batch refused (HTTP %d); sending its %d items one by one",
                            exc.status, len(wire))  # fmt: skip
                return self._one_by_one(wire, dead)
            return self._config_fault(exc.status, exc.reason)
        acked, d2 = self._settle(results)
        self.backoff.reset()
        self._window = min(self.batch_bytes, 2 * self._window)
        return Step(StepKind.SENT, acknowledged=acked, dead=dead + d2)

    def _one_by_one(self, wire: list[BatchItem], dead: int) -> Step:
        """Send each item alone; the centre's answer on each is about that item."""
        results: list[SubmissionResult] = []
        failed: list[BatchItem] = []  # 5xx on this item alone, while the centre works

        def end(stop: Callable[[], Step], quarantined: int = 0) -> Step:
            # Record what got through first: a success clears a configuration fault, so
            # the fault that ends this round must be written after it.
            acked, d2 = self._settle(results)
            step = stop()
            return Step(step.kind, acked, dead + d2, step.delay_s, step.error, quarantined)

        for index, w in enumerate(wire):
            one = SubmissionIn.model_validate(w.model_dump(exclude={"idempotency_key"}))
            rest = [x.idempotency_key for x in wire[index:]]
            try:
                results.append(self.client.send_one(w.idempotency_key, one))
            except Refused as refused:
                if refused.status != ITEM_VERDICT:
                    return end(partial(self._config_fault, refused.status, refused.reason))
                self.outbox.dead_letter(w.idempotency_key, f"refused by the centre: {refused}")
                dead += 1
            except Transient as tr:
                if _redirect(tr):
                    return end(partial(self._config_fault, tr.status or 0, tr.reason))
                if not _server_error(tr):  # the network or the centre as a whole: later
                    return end(partial(self._transient, rest, tr))
                if not results and (failed or not self._centre_answers()):
                    # Nothing got through: the centre is down (no heartbeat either), or it
                    # fails on submissions in general. No strike beyond the first; later.
                    q = self._strike(failed, tr)
                    return end(partial(self._transient, rest, tr), q)
                # The centre works (it took another item, or answered a heartbeat) yet
                # failed on this one alone: a strike.
                failed.append(w)
                last = tr
        if not failed:
            self._isolate = False
            self.backoff.reset()
            return end(lambda: Step(StepKind.SENT))
        quarantined = self._strike(failed, last)
        delay = self.backoff.next_delay()
        log.info("sync: %d item(s) failed alone at the centre; next round in %.1f s",
                 len(failed), delay)  # fmt: skip
        return end(lambda: Step(StepKind.RETRY, delay_s=delay, error=last.reason), quarantined)

    def _strike(self, failed: list[BatchItem], last: Transient) -> int:
        """Count a strike on each item; quarantine those at the limit. Returns how many."""
        if not failed:
            return 0
        keys = [w.idempotency_key for w in failed]
        self.outbox.note_attempt_failed(keys, last.reason, strikes=keys)
        quarantined = 0
        for key in keys:
            strikes = self.outbox.strikes(key)
            if strikes >= self.quarantine_after:
                self.outbox.quarantine(
                    key,
                    f"the centre failed on this submission alone {strikes} times while"
                    f" working otherwise (last: {last.reason})",
                )
                quarantined += 1
        return quarantined

    def _centre_answers(self) -> bool:
        """Does the centre take a heartbeat right now? (It is up: the item is at fault.)"""
        return self.send_beat()

    def _settle(self, results: list[SubmissionResult]) -> tuple[int, int]:
        """Record the centre's answers: acknowledged keys leave, conflicts go dead."""
        ok = [r.idempotency_key for r in results if r.status != ItemStatus.CONFLICT]
        conflicts = [r for r in results if r.status == ItemStatus.CONFLICT]
        # The centre has stored these; dying here must only cause a replay, never a loss.
        crashpoint("after_send")
        self.outbox.acknowledge(ok)
        for r in conflicts:
            self.outbox.dead_letter(
                r.idempotency_key, f"centre holds a different submission under this key: {r.detail}"
            )
        return len(ok), len(conflicts)

    def _transient(self, keys: list[str], exc: Transient) -> Step:
        if exc.retry_after is None:
            # A 503 with Retry-After is an appointment made for a batch of this size;
            # anything else starts small again.
            self._window = min(FIRST_WINDOW, self.batch_bytes)
        delay = self.backoff.next_delay(exc.retry_after)
        if exc.retry_after is not None:
            self._quiet_until = time.monotonic() + delay
        self.outbox.note_attempt_failed(keys, exc.reason)
        log.info("sync paused %.1f s: %s", delay, exc.reason)
        return Step(StepKind.RETRY, delay_s=delay, error=exc.reason)

    def _config_fault(self, status: int, detail: str) -> Step:
        where = f" at {self.central_url}" if self.central_url else ""
        hint = FAULT_HINTS.get(status, "the centre refuses this terminal's requests")
        if 300 <= status < 400:
            hint = "a redirect, not followed: check [central] url (https? the right host?)"
        reason = f"centre refused HTTP {status}{where} ({hint}): {detail}"[:480]
        self.outbox.note_config_fault(reason)
        # INFO like every sync pause: health, doctor and the heartbeat carry it loudly.
        log.info("sync stopped, configuration fault: HTTP %d%s", status, where)
        return Step(StepKind.HALTED, delay_s=self.config_fault_retry_s, error=reason)

    # --- loops -----------------------------------------------------------------------
    def drain(self, *, give_up_after: int = 0) -> DrainReport:
        """Send until the outbox is empty. Transient failures wait and retry; with
        ``give_up_after`` > 0, stop after that many failures in a row. A configuration
        fault stops at once (``report.halted``): waiting cannot fix it."""
        report = DrainReport()
        failures = 0
        while not self._stop.is_set():
            step = self.step()
            if step.kind is StepKind.IDLE:
                break
            report.acknowledged += step.acknowledged
            report.dead += step.dead
            report.quarantined += step.quarantined
            report.batches += 1
            if step.kind is StepKind.HALTED:
                report.errors.append(step.error)
                report.halted = True
                break
            if step.kind is StepKind.RETRY:
                report.errors.append(step.error)
                failures += 1
                if give_up_after and failures >= give_up_after:
                    break
                self._stop.wait(step.delay_s)
            else:
                failures = 0
        return report

    def run(self) -> None:
        """Forever (until ``stop``): drain, beat, wait for new work."""
        self.outbox.sweep_orphans()
        while not self._stop.is_set():
            try:
                step = self.step()
                self._maybe_beat()
            except Exception as exc:  # a bug or a full disk must not end syncing for good
                # The type only at INFO and above: messages may quote data; the trace is
                # there for a developer who turns on DEBUG.
                log.error("sync step failed: %s", type(exc).__name__)
                log.debug("sync step failure", exc_info=True)
                step = Step(StepKind.RETRY, delay_s=self.backoff.next_delay())
            if step.kind is StepKind.IDLE:
                self._stop.wait(self.idle_poll_s)
            elif step.kind in (StepKind.RETRY, StepKind.HALTED):
                self._stop.wait(step.delay_s)

    def heartbeat(self, clean_shutdown: bool = False) -> HeartbeatIn:
        """What the next heartbeat says: backlog, parked items, and any fault, by name;
        the terminal's extras (software, devices, fleet state)."""
        fields: dict[str, Any] = {}
        if self.beat_extra is not None:
            try:
                fields = self.beat_extra()
            except Exception as exc:  # the beat itself matters more than its extras
                log.error("heartbeat extras failed: %s", type(exc).__name__)
        st = self.outbox.status()
        state, reason = st.health()
        detail: dict[str, object] = {"outbox": state, "key": st.key_state}
        if reason:
            detail["reason"] = reason
        if st.config_fault:
            detail["config_fault"] = st.config_fault
        if st.quarantined:
            detail["quarantined"] = st.quarantined
        return HeartbeatIn(
            backlog=st.pending,
            dead_letter=st.dead_letter,
            oldest_age_s=st.oldest_age_s,
            detail=detail,
            clean_shutdown=clean_shutdown,
            **fields,
        )

    def _maybe_beat(self) -> None:
        now = time.monotonic()
        if now - self._last_beat < self.heartbeat_s or now < self._quiet_until:
            return
        self._last_beat = now
        self.send_beat()

    def send_beat(self, *, clean_shutdown: bool = False) -> bool:
        """One heartbeat now; ``clean_shutdown`` on the last one of an orderly stop.
        Returns whether the centre took it."""
        try:
            self.client.heartbeat(self.terminal_id, self.heartbeat(clean_shutdown))
        except (Transient, Refused) as exc:
            log.info("heartbeat not delivered: %s", exc)
            return False
        return True

    def start(self) -> threading.Thread:
        """Run in a daemon thread with its own SQLite connection and HTTP session."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._thread_main, name="outbox-sync", daemon=True)
        self._thread.start()
        return self._thread

    def _thread_main(self) -> None:
        try:
            self.run()
            if self.beat_extra is not None:
                # Stopped in order: say so, so the centre shows "shut down", not "offline".
                self.send_beat(clean_shutdown=True)
        finally:
            self.outbox.close_thread()
            if self._client is not None:
                self._client.close()
                self._client = None

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
