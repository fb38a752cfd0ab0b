"""Applied fleet bundles on the terminal, each set kept with the signatures that vouch
for it, so the config loader can re-verify it at every start (offline, no expiry check).

``<data_dir>/fleet/``::

    tuf/                      python-tuf's trusted metadata (ngclient's metadata_dir)
    generations/<n>/          one applied set: manifest.json, bundles/<path>,
                              proofs/<v>.targets.json (signed), roots/<v>.root.json
    current -> generations/<n>   what the kiosk runs with
    previous -> generations/<m>  the set before it, for a rollback
    state.json                last check, last error, last failed attempt, probation

Everything here is written by the kiosk user; what makes it trustworthy is that every
bundle is checked against the root installed in the terminal's own (root-owned) config.
Someone running as the kiosk user could still swap in an *older* signed set; that is the
residual risk the ADR names.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tuf.api.exceptions import RepositoryError
from tuf.api.metadata import Metadata, Root, Targets

from offline_cache.wire import FleetBundle


class FleetTrustError(Exception):
    """A stored generation does not verify against the installed root."""


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@dataclass(frozen=True)
class BundleRef:
    """One bundle of a generation: its target path, version and the proof's version."""

    path: str
    version: int
    proof: int  # targets metadata version that lists it
    root: int  # root version that signed that targets metadata


@dataclass
class Probation:
    """A generation applied but not yet proven healthy."""

    generation: int
    previous: int | None
    started_at: float
    deadline_s: float
    baseline: dict[str, str]  # device -> health state before the apply
    boots: int = 0

    def expired(self, now: float) -> bool:
        return now - self.started_at > self.deadline_s


@dataclass
class FleetState:
    """``state.json``: what ``kiosk fleet status`` shows and the heartbeat reports."""

    last_check: float | None = None
    last_error: str = ""
    trusted_version: int | None = None  # targets metadata version last verified
    attempt: dict[str, Any] | None = None  # wire.FleetAttempt of the last failed update
    probation: Probation | None = None
    waiting: str = ""  # e.g. "all.json v8: not yet: the rollout is at pilot hall H1"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FleetState:
        prob = data.get("probation")
        return cls(
            last_check=data.get("last_check"),
            last_error=data.get("last_error", ""),
            trusted_version=data.get("trusted_version"),
            attempt=data.get("attempt"),
            probation=Probation(**prob) if prob else None,
            waiting=data.get("waiting", ""),
        )


@dataclass
class Generation:
    number: int
    path: Path
    bundles: dict[str, BundleRef] = field(default_factory=dict)

    @property
    def versions(self) -> dict[str, int]:
        return {p: b.version for p, b in self.bundles.items()}


@dataclass(frozen=True)
class VerifiedBundle:
    ref: BundleRef
    bundle: FleetBundle


class FleetDir:
    """The folder above, with atomic pointer moves."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def tuf_dir(self) -> Path:
        return self.root / "tuf"

    @property
    def downloads(self) -> Path:
        return self.root / "downloads"

    @property
    def generations(self) -> Path:
        return self.root / "generations"

    def ensure(self) -> None:
        for d in (self.root, self.tuf_dir, self.downloads, self.generations):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)

    # --- state.json -----------------------------------------------------------------------
    def read_state(self) -> FleetState:
        try:
            return FleetState.from_json(json.loads((self.root / "state.json").read_text()))
        except FileNotFoundError:
            return FleetState()
        except (ValueError, TypeError):
            return FleetState(last_error="state.json was unreadable and was reset")

    def write_state(self, state: FleetState) -> None:
        data = asdict(state)
        write_atomic(self.root / "state.json", json.dumps(data, indent=1).encode())

    # --- pointers -------------------------------------------------------------------------
    def pointer(self, name: str) -> int | None:
        try:
            return int(os.readlink(self.root / name).rsplit("/", 1)[-1])
        except (OSError, ValueError):
            return None

    def set_pointer(self, name: str, number: int | None) -> None:
        link = self.root / name
        if number is None:
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            return
        tmp = self.root / f".{name}.new"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(f"generations/{number}", tmp)
        os.replace(tmp, link)  # rename over the old link: atomic

    def generation(self, number: int) -> Generation:
        path = self.generations / str(number)
        try:
            manifest = json.loads((path / "manifest.json").read_text())
            bundles = {b["path"]: BundleRef(**b) for b in manifest["bundles"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise FleetTrustError(f"generation {number}: manifest unreadable: {exc}") from None
        return Generation(number, path, bundles)

    def write_generation(
        self,
        bundles: dict[str, tuple[BundleRef, bytes]],
        proofs: dict[int, bytes],
        roots: dict[int, bytes],
    ) -> Generation:
        """A new generation folder (not yet current)."""
        self.ensure()
        numbers = [int(p.name) for p in self.generations.iterdir() if p.name.isdigit()]
        number = max(numbers, default=0) + 1
        tmp = Path(tempfile.mkdtemp(dir=self.generations, prefix=".new-"))
        for ref, data in bundles.values():
            write_atomic(tmp / "bundles" / ref.path, data)
        for version, data in proofs.items():
            write_atomic(tmp / "proofs" / f"{version}.targets.json", data)
        for version, data in roots.items():
            write_atomic(tmp / "roots" / f"{version}.root.json", data)
        manifest = {
            "created_at": time.time(),
            "bundles": [asdict(ref) for ref, _ in bundles.values()],
        }
        write_atomic(tmp / "manifest.json", json.dumps(manifest, indent=1).encode())
        os.rename(tmp, self.generations / str(number))
        return self.generation(number)

    def prune(self, keep: set[int]) -> None:
        """Remove generations other than ``keep`` (current, previous, probation)."""
        for p in self.generations.iterdir():
            if (p.name.isdigit() and int(p.name) not in keep) or p.name.startswith(".new-"):
                shutil.rmtree(p, ignore_errors=True)


def verify_generation(gen: Generation, installed_root: bytes) -> dict[str, VerifiedBundle]:
    """Check every bundle of ``gen`` against the installed root: the root chain, the
    targets signature, the bundle's length and hash. Expiry is not checked here (a
    terminal that was offline for a month still starts with its last good set)."""
    try:
        trusted = Metadata[Root].from_bytes(installed_root)
    except (RepositoryError, ValueError, KeyError, TypeError) as exc:
        raise FleetTrustError(f"installed root is not TUF root metadata: {exc}") from None
    roots = {trusted.signed.version: trusted.signed}
    for file in sorted(
        (gen.path / "roots").glob("*.root.json"), key=lambda p: int(p.name.split(".")[0])
    ):
        version = int(file.name.split(".")[0])
        if version <= trusted.signed.version:
            continue
        new = Metadata[Root].from_bytes(file.read_bytes())
        result = new.signed.get_root_verification_result(
            trusted.signed, new.signed_bytes, new.signatures
        )
        if not result or new.signed.version != trusted.signed.version + 1:
            raise FleetTrustError(f"generation {gen.number}: root v{version} does not verify")
        trusted = new
        roots[version] = new.signed
    out: dict[str, VerifiedBundle] = {}
    for path, ref in gen.bundles.items():
        root = roots.get(ref.root)
        if root is None:
            raise FleetTrustError(f"{path}: root v{ref.root} is not in the verified chain")
        try:
            proof = Metadata[Targets].from_bytes(
                (gen.path / "proofs" / f"{ref.proof}.targets.json").read_bytes()
            )
            root.verify_delegate(Targets.type, proof.signed_bytes, proof.signatures)
            info = proof.signed.targets.get(path)
            if info is None:
                raise FleetTrustError(f"{path}: not listed in its signed targets v{ref.proof}")
            data = (gen.path / "bundles" / path).read_bytes()
            info.verify_length_and_hashes(data)
            bundle = FleetBundle.model_validate_json(data)
        except FleetTrustError:
            raise
        except (OSError, RepositoryError, ValueError) as exc:
            raise FleetTrustError(f"{path} v{ref.version}: {type(exc).__name__}: {exc}") from None
        if bundle.version != ref.version:
            raise FleetTrustError(f"{path}: bundle says v{bundle.version}, manifest v{ref.version}")
        out[path] = VerifiedBundle(ref, bundle)
    return out
