"""Personal data at rest: AES-GCM with a per-record data key wrapped by the terminal key.

The terminal key (32 random bytes) lives in a root-only file or arrives as a systemd
credential (``LoadCredential=`` puts it under ``$CREDENTIALS_DIRECTORY``). Each record gets
its own data key; only the wrapped data key is stored next to the ciphertext, so a stolen
disk without the key file yields nothing, and a lost key file makes exactly the records it
wrapped unreadable - the outbox reports that in its health instead of crashing.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
CREDENTIAL_NAME = "hall-kiosk-outbox-key"


class KeyState(StrEnum):
    OK = "ok"
    MISSING = "missing"  # no key file / credential
    INSECURE = "insecure"  # readable by group or others: refused
    INVALID = "invalid"  # wrong length or unreadable


class CryptoError(Exception):
    """Data could not be encrypted or decrypted; the message names why, never the data."""


class KeyUnavailable(CryptoError):
    def __init__(self, state: KeyState, where: str) -> None:
        super().__init__(f"terminal key {state.value}: {where}")
        self.state = state
        self.where = where


class WrongKey(CryptoError):
    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"record was wrapped by key {expected}, terminal key is {got}")
        self.expected = expected
        self.got = got


def key_id(key: bytes) -> str:
    """A short public fingerprint, stored with each record to tell keys apart."""
    return hashlib.sha256(b"hall-kiosk outbox key id\0" + key).hexdigest()[:16]


@dataclass(frozen=True)
class Sealed:
    """A record's envelope: everything stored on disk for it (no plaintext)."""

    key_id: str
    wrapped_key: bytes  # nonce + AES-GCM(terminal key, data key)
    data_key: bytes = field(repr=False)  # kept in memory only, to seal the blobs too


@dataclass
class TerminalKey:
    """The terminal key as found on this machine (or why it is not usable)."""

    state: KeyState
    where: str
    _key: bytes | None = field(default=None, repr=False)

    @property
    def id(self) -> str | None:
        return key_id(self._key) if self._key else None

    def require(self) -> bytes:
        if self.state is not KeyState.OK or self._key is None:
            raise KeyUnavailable(self.state, self.where)
        return self._key

    # --- envelope ----------------------------------------------------------------
    def new_envelope(self, aad: bytes) -> Sealed:
        key = self.require()
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(NONCE_BYTES)
        wrapped = nonce + AESGCM(key).encrypt(nonce, data_key, aad)
        return Sealed(key_id(key), wrapped, data_key)

    def open_envelope(self, stored_key_id: str, wrapped: bytes, aad: bytes) -> bytes:
        key = self.require()
        own = key_id(key)
        if own != stored_key_id:
            raise WrongKey(stored_key_id, own)
        try:
            return AESGCM(key).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], aad)
        except InvalidTag:
            raise CryptoError("wrapped data key failed authentication") from None


def seal(data_key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """nonce + AES-GCM ciphertext (with tag)."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(data_key).encrypt(nonce, plaintext, aad)


def unseal(data_key: bytes, sealed: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(data_key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag:
        raise CryptoError("ciphertext failed authentication (tampered or truncated)") from None


def key_location(key_file: str | Path | None) -> Path:
    """A configured path wins; else the systemd credential; else /etc/hall-kiosk."""
    if key_file:
        return Path(key_file).expanduser()
    creds = os.environ.get("CREDENTIALS_DIRECTORY")
    if creds:
        return Path(creds) / CREDENTIAL_NAME
    return Path("/etc/hall-kiosk/outbox.key")


def load_terminal_key(path: Path) -> TerminalKey:
    """Read the key; never raises: a problem becomes the returned state."""
    where = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return TerminalKey(KeyState.MISSING, where)
    except OSError as exc:
        return TerminalKey(KeyState.INVALID, f"{where}: {exc.strerror}")
    in_credentials = os.environ.get("CREDENTIALS_DIRECTORY") and path.parent == Path(
        os.environ["CREDENTIALS_DIRECTORY"]
    )
    # systemd credentials are already private to the service; a plain file must be 0600/0400.
    if not in_credentials and st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return TerminalKey(KeyState.INSECURE, f"{where} (mode {stat.S_IMODE(st.st_mode):o})")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return TerminalKey(KeyState.INVALID, f"{where}: {exc.strerror}")
    if len(raw) != KEY_BYTES:
        return TerminalKey(KeyState.INVALID, f"{where}: {len(raw)} bytes, want {KEY_BYTES}")
    return TerminalKey(KeyState.OK, where, raw)


def create_terminal_key(path: Path) -> TerminalKey:
    """Write a new random key, 0600, atomically (never overwrites an existing one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = AESGCM.generate_key(bit_length=256)
    # Written aside, then linked into place: another process starting at the same moment
    # sees either no key or the whole key, never half of one.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # FileExistsError if another process won: the caller loads theirs
    finally:
        tmp.unlink()
    return TerminalKey(KeyState.OK, str(path), key)
