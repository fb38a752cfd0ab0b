"""One fleet check: refresh the signed metadata (python-tuf ngclient), fetch this
terminal's new bundles, validate the merged config with the schema of the terminal's own
file, and hand back a candidate; then apply, commit or roll back generations.

Every refusal keeps the last good set and says why, in words a technician can act on:
tampered bundle, metadata rolled back, expired metadata (freeze), wrong key, a config
that fails validation.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import requests
from pydantic import ValidationError
from tuf.api import exceptions as tuf_errors
from tuf.api.metadata import Metadata, Root, TargetFile
from tuf.ngclient import Updater

from kiosk.config.loader import (
    FLEET,
    ConfigError,
    Layer,
    LayeredConfig,
    load_layers,
)
from kiosk.config.schema import KioskConfig
from kiosk.fleet.fetcher import SessionFetcher
from kiosk.fleet.generation import (
    BundleRef,
    FleetDir,
    FleetState,
    FleetTrustError,
    Generation,
    Probation,
    verify_generation,
)
from kiosk.fleet.layers import BundleProblem, bundle_layer, merged_specs, scope_paths
from offline_cache.wire import (
    FLEET_PREFIX,
    FleetAttempt,
    FleetBundle,
    RolloutAnswer,
)

log = logging.getLogger(__name__)

INVALID = "config fails validation: "


class CheckKind(StrEnum):
    CANDIDATE = "candidate"  # verified, valid, new: ready to apply between sessions
    UNCHANGED = "unchanged"  # nothing new for this terminal
    WAITING = "waiting"  # new, but the staged rollout has not reached this terminal
    REFUSED = "refused"  # an attack or a bad bundle: last good set kept
    UNREACHABLE = "unreachable"  # network or centre trouble: try again later


@dataclass(frozen=True)
class FleetContext:
    """What a fleet check needs from the terminal's config."""

    root: Path
    fleet_dir: FleetDir
    terminal_id: str
    hall_id: str
    central_url: str
    client_key: Path | None
    base_layers: tuple[Layer, ...]  # defaults + the terminal's own file
    probation_s: float
    current_versions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_layered(cls, lc: LayeredConfig) -> FleetContext:
        c = lc.config
        key = c.central.client_key or c.central.client_cert
        return cls(
            root=Path(c.fleet.root),
            fleet_dir=FleetDir(c.terminal.data_path / "fleet"),
            terminal_id=c.terminal.id,
            hall_id=c.terminal.hall_id,
            central_url=c.central.url.rstrip("/"),
            client_key=Path(key) if key else None,
            base_layers=tuple(x for x in lc.layers if not x.name.startswith(FLEET)),
            probation_s=c.fleet.probation_s,
            current_versions=dict(lc.fleet_versions),
        )

    @property
    def base_url(self) -> str:
        return self.central_url + FLEET_PREFIX


@dataclass
class Candidate:
    bundles: dict[str, tuple[BundleRef, bytes]]
    proofs: dict[int, bytes]
    roots: dict[int, bytes]
    config: KioskConfig
    changed: list[str]

    @property
    def versions(self) -> dict[str, int]:
        return {p: ref.version for p, (ref, _) in self.bundles.items()}

    @property
    def version(self) -> int:
        """The newest bundle version in the set (what the CLI reports)."""
        return max(self.versions.values(), default=0)


@dataclass
class CheckResult:
    kind: CheckKind
    reason: str = ""
    candidate: Candidate | None = None
    path: str = ""
    version: int = 0
    bytes_received: int = 0
    requests: int = 0


def tuf_reason(exc: BaseException) -> tuple[CheckKind, str]:
    """An ngclient error in a technician's words."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, tuf_errors.ExpiredMetadataError):
        return CheckKind.REFUSED, f"expired metadata (freeze attack or stale centre): {text}"
    if isinstance(exc, tuf_errors.BadVersionNumberError):
        return CheckKind.REFUSED, f"metadata rolled back to an older version: {text}"
    if isinstance(exc, tuf_errors.UnsignedMetadataError):
        return CheckKind.REFUSED, f"metadata not signed by the trusted keys (wrong key): {text}"
    if isinstance(
        exc, tuf_errors.LengthOrHashMismatchError | tuf_errors.DownloadLengthMismatchError
    ):
        return CheckKind.REFUSED, f"bundle does not match its signed hash (tampered): {text}"
    if isinstance(exc, tuf_errors.DownloadHTTPError):
        return CheckKind.UNREACHABLE, f"centre answered HTTP {exc.status_code}"
    if isinstance(exc, tuf_errors.DownloadError):
        cause = exc.__cause__ or exc
        return CheckKind.UNREACHABLE, f"cannot reach the centre: {str(cause)[:200]}"
    if isinstance(exc, tuf_errors.RepositoryError):
        return CheckKind.REFUSED, f"repository metadata refused: {text}"
    return CheckKind.REFUSED, f"{type(exc).__name__}: {text}"


def current_generation(fd: FleetDir) -> Generation | None:
    number = fd.pointer("current")
    if number is None:
        return None
    try:
        return fd.generation(number)
    except FleetTrustError:
        return None


def _ask_gate(
    session: requests.Session, ctx: FleetContext, path: str, version: int
) -> RolloutAnswer:
    try:
        resp = session.get(
            f"{ctx.base_url}/rollout",
            params={
                "path": path,
                "version": str(version),
                "terminal": ctx.terminal_id,
                "hall": ctx.hall_id,
            },
            timeout=15,
            allow_redirects=False,
        )
        with resp:
            if resp.status_code != 200:
                return RolloutAnswer(admit=False, reason=f"rollout gate: HTTP {resp.status_code}")
            return RolloutAnswer.model_validate_json(resp.content)
    except requests.RequestException as exc:
        return RolloutAnswer(admit=False, reason=f"rollout gate unreachable: {type(exc).__name__}")
    except ValidationError:
        return RolloutAnswer(admit=False, reason="rollout gate: garbage answer")


def _trusted_root_version(fd: FleetDir) -> int:
    return Metadata[Root].from_bytes((fd.tuf_dir / "root.json").read_bytes()).signed.version


def check(ctx: FleetContext, session: requests.Session) -> CheckResult:
    """Look for new bundles for this terminal. Never raises for what the network or an
    attacker can cause; the result says what happened."""
    fd = ctx.fleet_dir
    fd.ensure()
    state = fd.read_state()
    try:
        installed = ctx.root.read_bytes()
    except OSError as exc:
        return _record(fd, state, CheckResult(CheckKind.REFUSED, f"[fleet] root: {exc}"))
    fetcher = SessionFetcher(session)
    result = _check(ctx, session, fd, state, installed, fetcher)
    result.bytes_received, result.requests = fetcher.bytes_received, fetcher.requests
    return _record(fd, state, result)


def _check(
    ctx: FleetContext,
    session: requests.Session,
    fd: FleetDir,
    state: FleetState,
    installed: bytes,
    fetcher: SessionFetcher,
) -> CheckResult:
    try:
        updater = Updater(
            str(fd.tuf_dir),
            f"{ctx.base_url}/metadata/",
            str(fd.downloads),
            f"{ctx.base_url}/targets/",
            fetcher,
            bootstrap=installed,
        )
        updater.refresh()
        infos: dict[str, TargetFile | None] = {
            path: updater.get_targetinfo(path) for path in scope_paths(ctx.terminal_id, ctx.hall_id)
        }
    except (tuf_errors.RepositoryError, tuf_errors.DownloadError, OSError, ValueError) as exc:
        kind, reason = tuf_reason(exc)
        return CheckResult(kind, reason, path="metadata")
    targets_bytes = (fd.tuf_dir / "targets.json").read_bytes()
    proof_version = Metadata.from_bytes(targets_bytes).signed.version
    root_version = _trusted_root_version(fd)
    state.trusted_version = proof_version

    current = current_generation(fd)
    carried: dict[str, tuple[BundleRef, bytes]] = {}
    proofs: dict[int, bytes] = {}
    if current is not None:
        try:
            verified = verify_generation(current, installed)
        except FleetTrustError as exc:
            log.error("current fleet generation does not verify: %s", exc)
            verified = {}
        for path, vb in verified.items():
            data = (current.path / "bundles" / path).read_bytes()
            carried[path] = (vb.ref, data)
            proofs[vb.ref.proof] = (
                current.path / "proofs" / f"{vb.ref.proof}.targets.json"
            ).read_bytes()

    bundles: dict[str, tuple[BundleRef, bytes]] = {}
    changed: list[str] = []
    waiting: list[str] = []
    for path, info in infos.items():
        have = carried.get(path)
        if info is None:
            if have is not None:
                changed.append(path)  # withdrawn: the layer goes
            continue
        custom = info.custom if isinstance(info.custom, dict) else {}
        version = int(custom.get("version", 0))
        if have is not None and have[0].version >= version:
            if have[0].version > version:
                return CheckResult(
                    CheckKind.REFUSED,
                    f"{path}: signed v{version} is older than applied v{have[0].version}",
                    path=path,
                    version=version,
                )
            bundles[path] = have
            continue
        a = state.attempt
        if a and a.get("final") and a.get("path") == path and a.get("version") == version:
            # Tried and failed: not again until a newer version is published.
            if have is not None:
                bundles[path] = have
            waiting.append(f"{path} v{version} {a.get('outcome')}: waiting for a newer version")
            continue
        if custom.get("rollout"):
            answer = _ask_gate(session, ctx, path, version)
            if not answer.admit:
                if have is not None:
                    bundles[path] = have
                waiting.append(f"{path} v{version}: {answer.reason or 'not admitted yet'}")
                continue
        try:
            cached = updater.find_cached_target(info)
            local = cached or updater.download_target(info)
            data = Path(local).read_bytes()
            bundle = FleetBundle.model_validate_json(data)
        except (tuf_errors.RepositoryError, tuf_errors.DownloadError, OSError) as exc:
            kind, reason = tuf_reason(exc)
            return CheckResult(kind, f"{path} v{version}: {reason}", path=path, version=version)
        except ValidationError as exc:
            return CheckResult(
                CheckKind.REFUSED,
                f"{path} v{version}: not a fleet bundle: {exc.errors()[0]['msg']}",
                path=path,
                version=version,
            )
        if bundle.version != version:
            return CheckResult(
                CheckKind.REFUSED,
                f"{path}: bundle says v{bundle.version}, its signed entry v{version}",
                path=path,
                version=version,
            )
        bundles[path] = (BundleRef(path, version, proof_version, root_version), data)
        proofs[proof_version] = targets_bytes
        changed.append(path)

    if not changed:
        if waiting:
            return CheckResult(CheckKind.WAITING, "; ".join(waiting))
        return CheckResult(CheckKind.UNCHANGED, "no new bundle for this terminal")
    newest = max(changed, key=lambda p: bundles[p][0].version if p in bundles else 0)
    version = bundles[newest][0].version if newest in bundles else 0
    try:
        config = validate(ctx, bundles)
    except (ConfigError, BundleProblem) as exc:
        return CheckResult(CheckKind.REFUSED, f"{INVALID}{exc}", path=newest, version=version)
    roots = {
        int(p.name.split(".")[0]): p.read_bytes()
        for p in (fd.tuf_dir / "root_history").glob("*.root.json")
    }
    used = {ref.proof for ref, _ in bundles.values()}
    candidate = Candidate(
        bundles, {v: d for v, d in proofs.items() if v in used}, roots, config, changed
    )
    reason = "; ".join(waiting)
    return CheckResult(CheckKind.CANDIDATE, reason, candidate, newest, version)


def validate(ctx: FleetContext, bundles: dict[str, tuple[BundleRef, bytes]]) -> KioskConfig:
    """The merged config with the same schema as the terminal's own file, and every
    form definition the bundles carry. Raises ConfigError / BundleProblem."""
    from kiosk.forms.loader import FormDefinitionError, parse_definition
    from kiosk.photo.errors import SpecError
    from kiosk.photo.specs import use_fleet_specs

    layers = list(ctx.base_layers)
    specs: list[tuple[str, str]] = []
    for path in scope_paths(ctx.terminal_id, ctx.hall_id):
        if path not in bundles:
            continue
        bundle = FleetBundle.model_validate_json(bundles[path][1])
        fl = bundle_layer(path, bundle, ctx.terminal_id, ctx.client_key)
        layers.append(Layer(f"{FLEET}{path} v{fl.version}", fl.text, fl.data))
        for form_id, text in bundle.forms.items():
            where = f"{FLEET}{path} v{fl.version} form {form_id}"
            try:
                parse_definition(text, where, expect_id=form_id)
            except FormDefinitionError as exc:
                raise BundleProblem(where, str(exc)) from None
        if bundle.photo_specs:
            specs.append((f"{FLEET}{path} v{fl.version} photo specs", bundle.photo_specs))
    try:
        before = use_fleet_specs(merged_specs(specs))
    except SpecError as exc:
        raise BundleProblem("photo specs", str(exc)) from None
    try:
        return load_layers(layers)
    finally:
        use_fleet_specs(before)  # the running kiosk keeps its own until it restarts


def _record(fd: FleetDir, state: FleetState, result: CheckResult) -> CheckResult:
    """Remember the check in state.json (for ``kiosk fleet status`` and the heartbeat)."""
    state.last_check = time.time()
    state.waiting = result.reason if result.kind is CheckKind.WAITING else ""
    if result.kind in (CheckKind.REFUSED, CheckKind.UNREACHABLE):
        state.last_error = result.reason
        if result.kind is CheckKind.REFUSED and result.path and result.path != "metadata":
            # A bundle that fails validation fails again: not retried until a newer one.
            # A download that did not match its hash may have been a passing attacker.
            final = result.reason.startswith(INVALID)
            state.attempt = asdict_attempt(
                result.path, result.version, "refused", result.reason, final=final
            )
    else:
        state.last_error = ""
    fd.write_state(state)
    if result.kind is CheckKind.REFUSED:
        log.warning("fleet update refused, last good config kept: %s", result.reason)
    return result


def asdict_attempt(
    path: str, version: int, outcome: str, reason: str, *, final: bool = True
) -> dict[str, Any]:
    """state.json's record of a failed update (``final``: do not try this version again)."""
    wire = FleetAttempt(
        path=path, version=version, outcome=outcome, reason=reason[:300], at=time.time()
    )
    return {**wire.model_dump(), "final": final}


# --- apply, commit, roll back ------------------------------------------------------------
def apply(ctx: FleetContext, candidate: Candidate, baseline: dict[str, str]) -> Generation:
    """Make ``candidate`` the current generation, on probation: the kiosk must come back
    healthy within ``probation_s`` or :func:`rollback` puts the previous one back."""
    fd = ctx.fleet_dir
    gen = fd.write_generation(candidate.bundles, candidate.proofs, candidate.roots)
    previous = fd.pointer("current")
    state = fd.read_state()
    state.probation = Probation(
        generation=gen.number,
        previous=previous,
        started_at=time.time(),
        deadline_s=ctx.probation_s,
        baseline=dict(baseline),
    )
    fd.write_state(state)  # first: a crash after the pointer move still knows to check
    fd.set_pointer("previous", previous)
    fd.set_pointer("current", gen.number)
    log.info("fleet generation %d applied on probation: %s", gen.number, candidate.versions)
    return gen


def commit(fd: FleetDir) -> None:
    """The new generation proved healthy: keep it (and the one before, for later)."""
    state = fd.read_state()
    if state.probation is None:
        return
    current = fd.pointer("current")
    gen = fd.generation(current) if current is not None else None
    state.probation = None
    a = state.attempt
    if a and gen and gen.bundles.get(a["path"]) and gen.bundles[a["path"]].version >= a["version"]:
        state.attempt = None
    fd.write_state(state)
    keep = {n for n in (current, fd.pointer("previous")) if n is not None}
    fd.prune(keep)
    log.info("fleet generation %s committed", current)


def rollback(fd: FleetDir, reason: str) -> None:
    """Back to the generation before the probation one; the failure is remembered (it is
    reported in the heartbeat, and that version is not tried again)."""
    state = fd.read_state()
    prob = state.probation
    if prob is None:
        return
    failed = fd.generation(prob.generation)
    previous = fd.generation(prob.previous) if prob.previous is not None else None
    # The bundle that changed: reported so the centre can count it for the rollout.
    changed = [
        ref
        for path, ref in failed.bundles.items()
        if previous is None
        or path not in previous.bundles
        or previous.bundles[path].version != ref.version
    ]
    ref = max(changed, key=lambda r: r.version) if changed else None
    fd.set_pointer("current", prob.previous)
    fd.set_pointer("previous", None)
    state.probation = None
    state.attempt = asdict_attempt(
        ref.path if ref else "?", ref.version if ref else 0, "rolled_back", reason
    )
    state.last_error = f"rolled back: {reason}"
    fd.write_state(state)
    fd.prune({n for n in (prob.previous,) if n is not None} | {prob.generation})
    log.error("fleet generation %d rolled back: %s", prob.generation, reason)


def asdict_state(fd: FleetDir) -> dict[str, Any]:
    state = fd.read_state()
    data = asdict(state)
    data["current"] = fd.pointer("current")
    data["previous"] = fd.pointer("previous")
    return data
