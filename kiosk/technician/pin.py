"""The technician PIN: a salted PBKDF2 hash, at least 6 digits, never the shipped one, and a
lockout after wrong tries that survives a restart and grows each time.

No PIN ships with the kiosk: until ``kiosk technician set-pin`` writes one, the
diagnostics screen says so and opens for nobody. A configured hash that matches a PIN once
published (2468, the old default) is refused the same way: it is found by checking that
PIN against the hash, so re-hashing it with a new salt does not hide it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from pathlib import Path

from offline_cache.private import write_private

log = logging.getLogger(__name__)

SCHEME = "pbkdf2-sha256"
MIN_DIGITS = 6
MAX_DIGITS = 12
# PINs that were published (README, defaults) and so must never open diagnostics.
SHIPPED_PINS = ("2468",)
LOCKOUT_FILE = "technician-pin.lock.json"


class PinFormatError(ValueError):
    def __init__(self, problem: str) -> None:
        super().__init__(
            f"technician.pin_hash: {problem} (make one with `kiosk technician set-pin`)"
        )
        self.problem = problem


class WeakPinError(ValueError):
    """A PIN refused before it is hashed; ``problem`` says why (never the PIN)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def weakness(pin: str) -> str | None:
    """Why ``pin`` may not be a technician PIN, or None when it may."""
    if not pin.isascii() or not pin.isdigit():
        return "a PIN is digits only"
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        return f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits"
    if pin in SHIPPED_PINS:
        return "that PIN was published with the kiosk"
    if len(set(pin)) == 1:
        return "a PIN of one repeated digit is guessed first"
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(pin)}
    if steps in ({1}, {9}):
        return "a run of digits (123456, 987654) is guessed first"
    return None


def hash_pin(pin: str, iterations: int = 100_000, salt: bytes | None = None) -> str:
    """``pbkdf2-sha256$ITERATIONS$SALT$HASH`` for the config file; refuses a weak PIN."""
    problem = weakness(pin)
    if problem:
        raise WeakPinError(problem)
    return _hash(pin, iterations, salt or os.urandom(8))


def _hash(pin: str, iterations: int, salt: bytes) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"{SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != SCHEME:
        raise PinFormatError("not a pbkdf2-sha256$ITERATIONS$SALT$HASH value")
    try:
        iterations, salt, want = int(parts[1]), bytes.fromhex(parts[2]), bytes.fromhex(parts[3])
    except ValueError:
        raise PinFormatError("iterations, salt or hash is malformed") from None
    got = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return hmac.compare_digest(got, want)


def pin_problem(stored: str) -> str | None:
    """Why the configured PIN cannot open diagnostics (no PIN, a published one), or None.

    Costs one PBKDF2 per published PIN: call it once, not per key press.
    """
    if not stored:
        return "no technician PIN is set: run `kiosk technician set-pin`"
    for pin in SHIPPED_PINS:
        if check_pin(pin, stored):
            return (
                f"the technician PIN is the published {pin}: diagnostics refuse it;"
                " run `kiosk technician set-pin`"
            )
    return None


class PinResult(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    UNSET = "unset"  # no usable PIN configured (none, or a published one): nobody gets in
    TOO_SHORT = "too_short"  # right, but shorter than MIN_DIGITS (set before the rule)


@dataclass
class LockoutState:
    """What survives a restart: wrong tries in a row, lockouts so far, locked until when."""

    wrong: int = 0
    lockouts: int = 0
    locked_until: float = 0.0


@dataclass
class PinGate:
    """Counts wrong PINs; after ``max_tries`` the gate shuts for ``lockout_s``, doubled at
    each further lockout up to ``max_lockout_s``. With ``state_file`` (in the kiosk's
    data directory) the count and the lockout survive a restart; the clock is wall time
    for that reason, and a lockout never lasts longer than its own length even if the
    clock jumps back."""

    stored: str
    max_tries: int = 3
    lockout_s: float = 60.0
    state_file: Path | None = None
    max_lockout_s: float = 24 * 3600.0
    clock: Callable[[], float] = field(default=time.time, repr=False)
    _state: LockoutState | None = field(default=None, repr=False)
    _problem: str | None = field(default=None, repr=False)
    _problem_known: bool = field(default=False, repr=False)

    # --- the configured PIN -------------------------------------------------------
    def problem(self) -> str | None:
        """``pin_problem`` of the configured hash (worked out once)."""
        if not self._problem_known:
            try:
                self._problem = pin_problem(self.stored)
            except PinFormatError as exc:
                self._problem = str(exc)
            self._problem_known = True
        return self._problem

    # --- lockout ---------------------------------------------------------------------
    def _load(self) -> LockoutState:
        if self._state is not None:
            return self._state
        state = LockoutState()
        if self.state_file is not None:
            try:
                raw = json.loads(self.state_file.read_text(encoding="utf-8"))
                state = LockoutState(
                    int(raw["wrong"]), int(raw["lockouts"]), float(raw["locked_until"])
                )
            except FileNotFoundError:
                pass
            except (OSError, ValueError, KeyError, TypeError):
                # Unreadable: fail closed with one lockout rather than forget the count.
                log.warning("technician PIN lockout file unreadable: locking once")
                state = LockoutState(0, 1, self.clock() + self.lockout_s)
        self._state = state
        return state

    def _save(self, state: LockoutState) -> None:
        self._state = state
        if self.state_file is None:
            return
        body = json.dumps(
            {"wrong": state.wrong, "lockouts": state.lockouts, "locked_until": state.locked_until}
        )
        try:
            write_private(self.state_file, body, sync=True)
        except OSError as exc:  # still enforced in memory for this run
            log.warning("technician PIN lockout not saved: %s", exc.strerror)

    def _length(self, lockouts: int) -> float:
        return min(self.max_lockout_s, self.lockout_s * 2 ** max(0, lockouts - 1))

    def locked_for(self, now: float | None = None) -> float:
        """Seconds until the next try is allowed (0 when open)."""
        state = self._load()
        now = self.clock() if now is None else now
        left = state.locked_until - now
        return max(0.0, min(left, self._length(state.lockouts)))

    def try_pin(self, pin: str, now: float | None = None) -> PinResult:
        now = self.clock() if now is None else now
        if self.problem():
            return PinResult.UNSET
        if self.locked_for(now) > 0:
            return PinResult.LOCKED
        state = self._load()
        if check_pin(pin, self.stored):
            if state.wrong or state.lockouts:
                self._save(LockoutState())
            return PinResult.TOO_SHORT if len(pin) < MIN_DIGITS else PinResult.OK
        wrong = state.wrong + 1
        if wrong >= self.max_tries:
            lockouts = state.lockouts + 1
            self._save(LockoutState(0, lockouts, now + self._length(lockouts)))
            return PinResult.LOCKED
        self._save(LockoutState(wrong, state.lockouts, state.locked_until))
        return PinResult.WRONG

    def reset(self) -> None:
        """Forget wrong tries and lockouts (a technician set a new PIN)."""
        self._state = LockoutState()
        if self.state_file is not None:
            with contextlib.suppress(FileNotFoundError):
                self.state_file.unlink()
