"""The technician PIN: stored as a salted PBKDF2 hash, with a lockout after wrong tries."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from enum import StrEnum

SCHEME = "pbkdf2-sha256"


class PinFormatError(ValueError):
    def __init__(self, problem: str) -> None:
        super().__init__(
            f"technician.pin_hash: {problem} (make one with `kiosk technician hash-pin`)"
        )
        self.problem = problem


def hash_pin(pin: str, iterations: int = 100_000, salt: bytes | None = None) -> str:
    """``pbkdf2-sha256$ITERATIONS$SALT$HASH`` for the config file."""
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise ValueError("a PIN is 4 to 12 digits")
    salt = salt or os.urandom(8)
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


class PinResult(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass
class PinGate:
    """Counts wrong PINs; after ``max_tries`` the gate stays shut for ``lockout_s``."""

    stored: str
    max_tries: int = 3
    lockout_s: float = 60.0
    _wrong: int = 0
    _locked_until: float = 0.0

    def locked_for(self, now: float) -> float:
        return max(0.0, self._locked_until - now)

    def try_pin(self, pin: str, now: float) -> PinResult:
        if self.locked_for(now) > 0:
            return PinResult.LOCKED
        if check_pin(pin, self.stored):
            self._wrong = 0
            return PinResult.OK
        self._wrong += 1
        if self._wrong >= self.max_tries:
            self._wrong = 0
            self._locked_until = now + self.lockout_s
            return PinResult.LOCKED
        return PinResult.WRONG
