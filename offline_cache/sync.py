"""The sync worker: drains the outbox to the centre, oldest first, in batches.

Guarantees, whatever instant the process dies at:
- nothing is lost: a row leaves the outbox only after the centre acknowledged its key;
- nothing is duplicated: every submission carries its Idempotency-Key, and the centre
  stores a key once and answers a replay with the stored result.

Failures are sorted by the client (see ``offline_cache.client``): transient ones back off
(capped exponential, full jitter, or the centre's ``Retry-After``, capped); a submission
the centre refuses as invalid moves to the dead letters and the queue moves on.
"""

from __future__ import annotations

import base64
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
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
)

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class Step:
    kind: StepKind
    acknowledged: int = 0
    dead: int = 0
    delay_s: float = 0.0
    error: str = ""


@dataclass
class DrainReport:
    acknowledged: int = 0
    dead: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)


def to_wire(item: PendingItem, terminal_id: str) -> BatchItem:
    return BatchItem(
        idempotency_key=item.key,
        terminal_id=terminal_id,
        kind=item.kind,
        created_at=item.created_at,
        is_test=item.is_test,
        record=item.record,
        blobs={n: base64.b64encode(b).decode("ascii") for n, b in item.blobs.items()},
    )


class SyncWorker:
    """Runs in its own thread (``start``) or in the foreground (``drain``/``run``)."""

    def __init__(
        self,
        outbox: Outbox,
        client_factory: Callable[[], CentralClient],
        terminal_id: str,
        *,
        batch_size: int = 50,
        batch_bytes: int = 8 * MiB,
        backoff: Backoff | None = None,
        idle_poll_s: float = 1.0,
        heartbeat_s: float = 60.0,
        beat_extra: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
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
        self._last_beat = 0.0
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
        items = self.outbox.next_batch(self.batch_size, self.batch_bytes)
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
        keys = [w.idempotency_key for w in wire]
        try:
            results = self.client.send_batch(BatchIn(items=wire)).results
        except Transient as exc:
            return self._transient(keys, exc)
        except Refused as exc:
            # The batch as a whole was refused: find the bad item(s) one by one so the
            # rest still goes through and the queue never stops behind one bad submission.
            log.warning("batch refused (%s); sending its %d items one by one", exc, len(wire))
            results = []
            for index, w in enumerate(wire):
                one = SubmissionIn.model_validate(w.model_dump(exclude={"idempotency_key"}))
                try:
                    results.append(self.client.send_one(w.idempotency_key, one))
                except Refused as refused:
                    self.outbox.dead_letter(w.idempotency_key, f"refused by the centre: {refused}")
                    dead += 1
                except Transient as tr:
                    acked, d2 = self._settle(results)
                    step = self._transient(keys[index:], tr)
                    return Step(step.kind, acked, dead + d2, step.delay_s, step.error)
        acked, d2 = self._settle(results)
        self.backoff.reset()
        self.outbox.note_success()
        return Step(StepKind.SENT, acknowledged=acked, dead=dead + d2)

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
        delay = self.backoff.next_delay(exc.retry_after)
        self.outbox.note_error(exc.reason)
        self.outbox.note_attempt_failed(keys, exc.reason)
        log.info("sync paused %.1f s: %s", delay, exc.reason)
        return Step(StepKind.RETRY, delay_s=delay, error=exc.reason)

    # --- loops -----------------------------------------------------------------------
    def drain(self, *, give_up_after: int = 0) -> DrainReport:
        """Send until the outbox is empty. Transient failures wait and retry; with
        ``give_up_after`` > 0, stop after that many failures in a row."""
        report = DrainReport()
        failures = 0
        while not self._stop.is_set():
            step = self.step()
            if step.kind is StepKind.IDLE:
                break
            report.acknowledged += step.acknowledged
            report.dead += step.dead
            report.batches += 1
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
            elif step.kind is StepKind.RETRY:
                self._stop.wait(step.delay_s)

    def _maybe_beat(self) -> None:
        now = time.monotonic()
        if now - self._last_beat < self.heartbeat_s:
            return
        self._last_beat = now
        self.send_beat()

    def send_beat(self, *, clean_shutdown: bool = False) -> bool:
        """One heartbeat now; ``clean_shutdown`` on the last one of an orderly stop.
        Returns whether the centre took it."""
        st = self.outbox.status()
        state, _reason = st.health()
        fields: dict[str, Any] = {}
        if self.beat_extra is not None:
            try:
                fields = self.beat_extra()
            except Exception as exc:  # the beat itself matters more than its extras
                log.error("heartbeat extras failed: %s", type(exc).__name__)
        beat = HeartbeatIn(
            backlog=st.pending,
            dead_letter=st.dead_letter,
            oldest_age_s=st.oldest_age_s,
            detail={"outbox": state, "key": st.key_state},
            clean_shutdown=clean_shutdown,
            **fields,
        )
        try:
            self.client.heartbeat(self.terminal_id, beat)
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
