"""The fleet's TUF repository on disk: keys, signed metadata and bundle targets.

Layout of ``DIR`` (``kiosk-central fleet init --repo DIR``)::

    root.json                  the trusted root to install once on every terminal
    metadata/                  served at /v1/fleet/metadata/ (consistent snapshots:
                               N.root.json, N.targets.json, N.snapshot.json, timestamp.json)
    targets/                   served at /v1/fleet/targets/ (<sha256>.all.json, hall/...)
    keys/root.pem, targets.pem OFFLINE keys: move them off the server (keys/README.txt)
    online/snapshot.pem, timestamp.pem   online keys the serving centre re-signs with
    .lock                      serialises writers (publish, the centre's re-signing)

Root and targets keys sign rarely (a new root; a publish) and are the ones an attacker
on the server must not get: with only the online keys one can at most replay or withhold
what was published, which terminals notice as expired metadata.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import (
    Metadata,
    MetaFile,
    Root,
    Signed,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization.json import JSONSerializer
from tuf.repository import Repository

OFFLINE_ROLES = (Root.type, Targets.type)
ONLINE_ROLES = (Snapshot.type, Timestamp.type)

DEFAULT_EXPIRY = {
    Root.type: dt.timedelta(days=365),
    Targets.type: dt.timedelta(days=90),
    Snapshot.type: dt.timedelta(days=7),
    Timestamp.type: dt.timedelta(days=1),
}

KEYS_README = """\
These are the fleet's OFFLINE signing keys (root.pem, targets.pem).

Whoever holds targets.pem can change the configuration of every terminal; whoever holds
root.pem can replace every key. They must not stay on the server that serves the fleet:

  1. Copy this folder to two encrypted USB sticks kept in separate safes:
       cp -a {keys} /media/usb-a/fleet-keys && cp -a {keys} /media/usb-b/fleet-keys
  2. Check one copy signs: kiosk-central fleet publish --repo {repo} \\
       --keys /media/usb-a/fleet-keys --terminal TEST a-test.toml
  3. Remove them from the server: shred -u {keys}/*.pem

Publishing later: plug a stick into the admin machine that holds the repository and pass
--keys /media/usb-a/fleet-keys. The online keys (snapshot, timestamp) stay in
{online}: the centre re-signs the timestamp with them every few hours.
"""


class FleetRepoError(Exception):
    """A repository operation was refused; says what and where."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _write_key(path: Path, signer: CryptoSigner) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(signer.private_bytes)


def _load_signer(path: Path) -> CryptoSigner:
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        raise FleetRepoError(f"signing key not found: {path}") from None
    try:
        key = serialization.load_pem_private_key(pem, None)
    except (ValueError, TypeError) as exc:
        raise FleetRepoError(f"{path}: not a usable private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise FleetRepoError(f"{path}: expected an Ed25519 key")
    return CryptoSigner(key)


@dataclass(frozen=True)
class RepoLayout:
    root: Path

    @property
    def metadata(self) -> Path:
        return self.root / "metadata"

    @property
    def targets(self) -> Path:
        return self.root / "targets"

    @property
    def offline_keys(self) -> Path:
        return self.root / "keys"

    @property
    def online_keys(self) -> Path:
        return self.root / "online"

    @property
    def trusted_root(self) -> Path:
        return self.root / "root.json"

    @property
    def lock(self) -> Path:
        return self.root / ".lock"

    def exists(self) -> bool:
        return (self.metadata / "1.root.json").is_file()


class FleetRepository(Repository):
    """python-tuf's Repository abstraction over ``DIR``; every write is signed and checked.

    ``keys`` is where the offline keys are (default ``DIR/keys``); they are read only when
    a role they sign is written, so the centre serves with the offline keys gone.
    """

    def __init__(
        self,
        path: Path,
        keys: Path | None = None,
        expiry: dict[str, dt.timedelta] | None = None,
    ) -> None:
        self.layout = RepoLayout(path)
        self.keys = keys or self.layout.offline_keys
        self.expiry = {**DEFAULT_EXPIRY, **(expiry or {})}
        self._signers: dict[str, CryptoSigner] = {}

    # --- python-tuf's Repository -----------------------------------------------------
    def open(self, role: str) -> Metadata:
        path = self._current(role)
        if not path.exists():
            signed: Signed
            if role == Root.type:
                signed = Root(consistent_snapshot=True)
            elif role == Targets.type:
                signed = Targets()
            elif role == Snapshot.type:
                signed = Snapshot()
            else:
                signed = Timestamp()
            signed.version = 0  # close() bumps it to 1
            return Metadata(signed)
        return Metadata.from_bytes(path.read_bytes())

    def close(self, role: str, md: Metadata) -> None:
        md.signed.version += 1
        md.signed.expires = _now() + self.expiry[role]
        md.signatures.clear()
        md.sign(self.signer(role), append=True)
        self._check_signed(role, md)
        data = md.to_bytes(JSONSerializer(compact=False))
        m = self.layout.metadata
        if role == Timestamp.type:
            _write_atomic(m / "timestamp.json", data)
            return
        _write_atomic(m / f"{md.signed.version}.{role}.json", data)
        _write_atomic(self._current(role), data)

    @property
    def targets_infos(self) -> dict[str, MetaFile]:
        return {"targets.json": MetaFile(self.targets().version)}

    @property
    def snapshot_info(self) -> MetaFile:
        return MetaFile(self.snapshot().version)

    # --- ours -----------------------------------------------------------------------------
    def _current(self, role: str) -> Path:
        if role == Timestamp.type:
            return self.layout.metadata / "timestamp.json"
        # Unversioned copies of the newest version: what open() reads; clients fetch
        # the versioned files (consistent snapshots).
        return self.layout.metadata / f"{role}.json"

    def signer(self, role: str) -> CryptoSigner:
        if role not in self._signers:
            folder = self.keys if role in OFFLINE_ROLES else self.layout.online_keys
            self._signers[role] = _load_signer(folder / f"{role}.pem")
        return self._signers[role]

    def _check_signed(self, role: str, md: Metadata) -> None:
        """Never write metadata a client would refuse (e.g. a key from another repo)."""
        if role == Root.type:
            assert isinstance(md.signed, Root)
            prev = self.root() if self._current(role).exists() else None
            ok = bool(md.signed.get_root_verification_result(prev, md.signed_bytes, md.signatures))
        else:
            ok = bool(self.root().get_verification_result(role, md.signed_bytes, md.signatures))
        if not ok:
            folder = self.keys if role in OFFLINE_ROLES else self.layout.online_keys
            raise FleetRepoError(
                f"the {role} key in {folder} is not the one {self.layout.trusted_root}"
                f" trusts for {role}"
            )

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One writer at a time (a publish and the centre's timestamp refresh)."""
        self.layout.root.mkdir(parents=True, exist_ok=True)
        with open(self.layout.lock, "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # --- targets ---------------------------------------------------------------------------
    def target_info(self, path: str) -> TargetFile | None:
        return self.targets().targets.get(path)

    def target_bytes(self, info: TargetFile) -> bytes:
        sha = info.hashes["sha256"]
        parent, sep, name = info.path.rpartition("/")
        data = (self.layout.targets / f"{parent}{sep}{sha}.{name}").read_bytes()
        info.verify_length_and_hashes(data)
        return data

    def add_target(self, path: str, data: bytes, custom: dict[str, Any]) -> int:
        """Store ``data`` as target ``path`` in a new targets version; snapshot and
        timestamp follow. Returns the new targets version."""
        sha = hashlib.sha256(data).hexdigest()
        parent, sep, name = path.rpartition("/")
        _write_atomic(self.layout.targets / f"{parent}{sep}{sha}.{name}", data)
        info = TargetFile.from_data(path, data, ["sha256"])
        info.unrecognized_fields["custom"] = custom
        with self.edit_targets() as targets:
            targets.targets[path] = info
            version = targets.version + 1
        self.do_snapshot()
        self.do_timestamp()
        return version

    def refresh_online(self, now: dt.datetime | None = None) -> bool:
        """Re-sign snapshot and timestamp before they expire (the serving centre calls
        this): each is renewed once half its lifetime has passed. Returns True if any
        was renewed."""
        now = now or _now()
        renewed = False
        if self.snapshot().expires - now < self.expiry[Snapshot.type] / 2:
            self.do_snapshot(force=True)
            renewed = True
        if renewed or self.timestamp().expires - now < self.expiry[Timestamp.type] / 2:
            self.do_timestamp(force=True)
            renewed = True
        return renewed


def init_repository(path: Path, expiry: dict[str, dt.timedelta] | None = None) -> FleetRepository:
    """A new repository with four fresh Ed25519 keys (one per top-level role)."""
    layout = RepoLayout(path)
    if layout.exists():
        raise FleetRepoError(f"{path} already holds a fleet repository")
    path.mkdir(parents=True, exist_ok=True)
    repo = FleetRepository(path, expiry=expiry)
    with repo.locked():
        signers = {
            role: CryptoSigner.generate_ed25519() for role in (*OFFLINE_ROLES, *ONLINE_ROLES)
        }
        for role, signer in signers.items():
            folder = layout.offline_keys if role in OFFLINE_ROLES else layout.online_keys
            _write_key(folder / f"{role}.pem", signer)
            repo._signers[role] = signer
        with repo.edit_root() as root:
            for role, signer in signers.items():
                root.add_key(signer.public_key, role)
        with repo.edit_targets():
            pass
        repo.do_snapshot(force=True)
        repo.do_timestamp(force=True)
        _write_atomic(layout.trusted_root, (layout.metadata / "1.root.json").read_bytes())
        readme = KEYS_README.format(keys=layout.offline_keys, repo=path, online=layout.online_keys)
        _write_atomic(layout.offline_keys / "README.txt", readme.encode(), 0o600)
        layout.targets.mkdir(exist_ok=True)
    return repo


def open_repository(path: Path, keys: Path | None = None) -> FleetRepository:
    if not RepoLayout(path).exists():
        raise FleetRepoError(
            f"{path} is not a fleet repository (make one with: kiosk-central fleet init --repo"
            f" {path})"
        )
    return FleetRepository(path, keys)


def describe(repo: FleetRepository) -> dict[str, Any]:
    """Versions and expiry of each role, and the targets with their custom data."""
    out: dict[str, Any] = {}
    for role in (Root.type, Targets.type, Snapshot.type, Timestamp.type):
        signed = repo.open(role).signed
        out[role] = {"version": signed.version, "expires": signed.expires.isoformat()}
    out["bundles"] = {
        p: {"length": t.length, **(t.custom or {})} for p, t in repo.targets().targets.items()
    }
    return json.loads(json.dumps(out))
