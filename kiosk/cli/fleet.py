"""``kiosk fleet``: signed configuration from the centre.

``update --once`` runs one full cycle here and now: verify, validate, apply, health
check, commit or roll back. While ``kiosk run`` is running it only checks: the running
kiosk applies verified bundles itself, between citizen sessions.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from typing import Any

from devices.base import Device
from devices.health import ignore_event
from devices.registry import open_device
from devices.uri import DeviceUriError
from kiosk.cli.common import CliError, add_config_arg, print_json
from kiosk.config import KioskConfig
from kiosk.config.loader import LayeredConfig, load_layered
from kiosk.terminal import device_uris


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fleet", help="signed fleet configuration: update now, status")
    fsub = p.add_subparsers(dest="fleet_command", metavar="ACTION", required=True)
    up = fsub.add_parser("update", help="check the centre for new signed bundles and apply")
    up.add_argument("--once", action="store_true", required=True, help="one cycle, then exit")
    up.add_argument("--json", action="store_true", help="{applied, version, reason}")
    add_config_arg(up)
    up.set_defaults(func=_update)
    st = fsub.add_parser("status", help="trusted and applied versions, last check and error")
    st.add_argument("--json", action="store_true")
    add_config_arg(st)
    st.set_defaults(func=_status)


def _layered(args: argparse.Namespace) -> LayeredConfig:
    layered = load_layered(getattr(args, "config", None))
    fleet = layered.config.fleet
    if not fleet.root:
        raise CliError("no fleet configured: set [fleet] root in the terminal's own file")
    return layered


@contextlib.contextmanager
def started_devices(config: KioskConfig) -> Iterator[dict[str, Device]]:
    """Every configured device, opened and started (as the kiosk would), then closed."""
    devices: dict[str, Device] = {}
    try:
        for kind, uri in device_uris(config).items():
            try:
                dev = open_device(kind, uri)
            except (DeviceUriError, OSError, ImportError) as exc:
                raise CliError(f"{kind.value}: cannot open {uri}: {exc}") from None
            dev.start(ignore_event)
            devices[kind.value] = dev
        yield devices
    finally:
        for dev in devices.values():
            dev.close()


def run_cycle(layered: LayeredConfig) -> dict[str, Any]:
    """One full update cycle in this process. Returns ``{applied, version, reason}``."""
    from kiosk.fleet.agent import KioskLock
    from kiosk.fleet.health import await_healthy, settled_states
    from kiosk.fleet.updater import CheckKind, FleetContext, apply, check, commit, rollback
    from kiosk.outbox import central_session

    config = layered.config
    ctx = FleetContext.from_layered(layered)
    if not config.central.url:
        raise CliError("no centre configured: set [central] url")
    ctx.fleet_dir.ensure()
    lock = KioskLock(ctx.fleet_dir)
    kiosk_running = not lock.acquire()
    session = central_session(config.central)
    try:
        result = check(ctx, session)
    finally:
        session.close()
    out: dict[str, Any] = {
        "applied": False,
        "version": result.version or None,
        "reason": result.reason,
        "outcome": result.kind.value,
        "bytes_received": result.bytes_received,
    }
    if result.kind is not CheckKind.CANDIDATE or result.candidate is None:
        lock.release()
        if not result.version:  # nothing new was looked at: the newest applied bundle
            out["version"] = max(ctx.current_versions.values(), default=None)
        return out
    candidate = result.candidate
    if kiosk_running:
        out["reason"] = "verified; the running kiosk applies it between citizen sessions"
        return out
    try:
        with started_devices(config) as devices:
            baseline = settled_states(devices)
        apply(ctx, candidate, baseline)
        with started_devices(candidate.config) as devices:
            verdict = await_healthy(devices, baseline, ctx.probation_s)
        if verdict.healthy:
            commit(ctx.fleet_dir)
            out.update(applied=True, outcome="applied", reason="")
        else:
            rollback(ctx.fleet_dir, verdict.reason)
            out.update(outcome="rolled_back", reason=verdict.reason)
    finally:
        lock.release()
    return out


def _update(args: argparse.Namespace) -> int:
    out = run_cycle(_layered(args))
    if args.json:
        print_json(out)
    else:
        verb = "applied" if out["applied"] else out["outcome"]
        print(f"{verb} {out['version'] or '-'}{': ' + out['reason'] if out['reason'] else ''}")
    return 0 if out["outcome"] in ("applied", "unchanged", "waiting", "candidate") else 1


def _status(args: argparse.Namespace) -> int:
    from kiosk.fleet.generation import FleetDir

    layered = _layered(args)
    fd = FleetDir(layered.config.terminal.data_path / "fleet")
    state = fd.read_state()
    out = {
        "terminal": layered.config.terminal.id,
        "hall": layered.config.terminal.hall_id,
        "root": layered.config.fleet.root,
        "trusted_version": state.trusted_version,
        "applied_versions": layered.fleet_versions,
        "applied_generation": layered.fleet_generation,
        "last_check": state.last_check,
        "last_error": state.last_error or layered.fleet_error,
        "waiting": state.waiting,
        "last_failed_update": state.attempt,
        "probation": state.probation is not None,
    }
    if args.json:
        print_json(out)
        return 0
    for key, value in out.items():
        print(f"{key:<20} {value if value not in (None, '', {}) else '-'}")
    return 0
