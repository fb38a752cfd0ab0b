"""``kiosk-central fleet ...``: the fleet admin's commands.

``init`` makes the signed repository, ``publish`` signs a new bundle version for all
terminals, a hall or one terminal, ``status`` lists the fleet from its heartbeats and
``rollout`` shows, halts or resumes staged rollouts.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from central.fleet.store import FleetStore


class FleetCliError(Exception):
    pass


def _init(args: argparse.Namespace) -> int:
    from central.fleet.repo import FleetRepoError, init_repository

    try:
        repo = init_repository(Path(args.repo))
    except FleetRepoError as exc:
        raise FleetCliError(str(exc)) from None
    lay = repo.layout
    print(f"fleet repository   {lay.root}")
    print(f"terminal root      {lay.trusted_root}   (install as [fleet] root on every terminal)")
    print(f"offline keys       {lay.offline_keys}   (root, targets: MOVE OFF THIS SERVER,")
    print(f"                   see {lay.offline_keys / 'README.txt'})")
    print(f"online keys        {lay.online_keys}   (snapshot, timestamp: stay with the centre)")
    return 0


def _stages(value: str) -> tuple[int, ...]:
    out = []
    for part in value.split(","):
        part = part.strip().rstrip("%")
        if not part.isdigit() or not 1 <= int(part) <= 100:
            raise argparse.ArgumentTypeError(f"{part!r}: a whole percentage 1..100")
        out.append(int(part))
    if out != sorted(out):
        raise argparse.ArgumentTypeError("stages must grow, e.g. 10,50,100")
    if out[-1] != 100:
        out.append(100)
    return tuple(out)


def _percent(value: str) -> int:
    value = value.strip().rstrip("%")
    if not value.isdigit() or int(value) > 99:
        raise argparse.ArgumentTypeError(f"{value!r}: a whole percentage 0..99")
    return int(value)


def _publish(args: argparse.Namespace) -> int:
    from central.fleet.publish import BundlePart, PublishError, RolloutPlan, publish
    from central.fleet.repo import FleetRepoError, open_repository
    from central.fleet.seal import SealError, load_recipients
    from offline_cache.wire import FleetScope

    if args.all:
        scope, name = FleetScope.ALL, ""
    elif args.hall:
        scope, name = FleetScope.HALL, args.hall
    else:
        scope, name = FleetScope.TERMINAL, args.terminal
    part = BundlePart.FORM if args.form else BundlePart.PHOTO_SPECS if args.photo_specs else None
    rollout = None
    if args.pilot_hall or args.stages or args.max_failures is not None:
        rollout = RolloutPlan(
            pilot_hall=args.pilot_hall or "",
            stages_pct=args.stages or (100,),
            max_failure_pct=args.max_failures if args.max_failures is not None else 10,
            soak_s=args.soak_s,
        )
    try:
        repo = open_repository(Path(args.repo), Path(args.keys) if args.keys else None)
        recipients = load_recipients([Path(p) for p in args.seal_for or []])
        result = publish(
            repo,
            scope,
            name,
            Path(args.file),
            part or BundlePart.CONFIG,
            recipients,
            rollout,
        )
    except (FleetRepoError, PublishError, SealError) as exc:
        raise FleetCliError(str(exc)) from None
    if args.json:
        out: dict[str, Any] = {
            "path": result.path,
            "version": result.version,
            "sealed_for": result.sealed_for,
            "rollout": result.rollout.as_dict() if result.rollout else None,
        }
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(result.version)
    return 0


def _resign(args: argparse.Namespace) -> int:
    from central.fleet.repo import FleetRepoError, open_repository

    try:
        repo = open_repository(Path(args.repo), Path(args.keys) if args.keys else None)
        with repo.locked():
            with repo.edit_targets():
                pass
            repo.do_snapshot()
            repo.do_timestamp()
    except FleetRepoError as exc:
        raise FleetCliError(str(exc)) from None
    targets = repo.targets()
    print(f"targets v{targets.version} signed, valid until {targets.expires.isoformat()}")
    return 0


def _store(args: argparse.Namespace) -> FleetStore:
    from central.cli import _db_url
    from central.fleet.store import FleetStore
    from central.store import open_database

    return FleetStore(open_database(_db_url(args.db), 1))


def _status(args: argparse.Namespace) -> int:
    from central.fleet.status import fleet_status

    store = _store(args)
    status = fleet_status(store, repo_dir=Path(args.repo) if args.repo else None)
    store.db.dispose()
    if args.json:
        json.dump(status.as_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for t in status.terminals:
        faults = ", ".join(f"{d}: {r}" for d, r in t.faults.items()) or "-"
        seen = f"{t.last_seen_ago_s:.0f} s ago" if t.last_seen_ago_s is not None else "never"
        print(
            f"{t.terminal_id:<10} {t.hall_id:<24} {t.state:<9} seen {seen:<12}"
            f" config {t.config_label:<18} backlog {t.backlog:<5} faults {faults}"
        )
    for r in status.rollouts:
        print(f"rollout {r.id}: {r.summary}")
    return 0


def _rollout(args: argparse.Namespace) -> int:
    from central.fleet.status import fleet_status

    store = _store(args)
    if args.halt and not store.set_rollout_halted(args.halt, True, "halted by the admin"):
        raise FleetCliError(f"no rollout {args.halt!r}")
    if args.resume and not store.set_rollout_halted(args.resume, False, ""):
        raise FleetCliError(f"no rollout {args.resume!r}")
    rollouts = fleet_status(store).rollouts
    if args.json:
        json.dump([r.as_dict() for r in rollouts], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for r in rollouts:
            print(f"{r.id}: {r.summary}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fleet", help="signed fleet configuration and fleet health")
    fsub = p.add_subparsers(dest="fleet_command", metavar="ACTION", required=True)

    init = fsub.add_parser("init", help="a new signed repository and its four keys")
    init.add_argument("--repo", required=True, metavar="DIR")
    init.set_defaults(func=_init)

    pub = fsub.add_parser("publish", help="sign a new bundle version; prints the version")
    pub.add_argument("--repo", required=True, metavar="DIR")
    pub.add_argument("--keys", metavar="DIR", help="offline keys (default DIR/keys)")
    scope = pub.add_mutually_exclusive_group(required=True)
    scope.add_argument("--all", action="store_true", help="every terminal")
    scope.add_argument("--hall", metavar="HALL", help="the terminals of one hall")
    scope.add_argument("--terminal", metavar="ID", help="one terminal")
    part = pub.add_mutually_exclusive_group()
    part.add_argument("--form", action="store_true", help="FILE is a form definition")
    part.add_argument("--photo-specs", action="store_true", help="FILE holds photo specs")
    pub.add_argument(
        "--seal-for",
        action="append",
        metavar="CERTS",
        help="terminal certificate(s) or a folder of them: secrets are sealed to each",
    )
    pub.add_argument("--pilot-hall", metavar="HALL", help="staged: this hall first")
    pub.add_argument(
        "--stages", type=_stages, metavar="P,P,..", help="staged: shares in %%, e.g. 10,50,100"
    )
    pub.add_argument(
        "--max-failures",
        type=_percent,
        metavar="P",
        help="staged: stop when more than P%% of the terminals asked fail (default 10)",
    )
    pub.add_argument(
        "--soak-s", type=int, default=600, metavar="S", help="staged: wait per stage (600)"
    )
    pub.add_argument("--json", action="store_true")
    pub.add_argument("file", metavar="FILE.toml")
    pub.set_defaults(func=_publish)

    rs = fsub.add_parser(
        "resign", help="sign the same bundles again before the targets metadata expires"
    )
    rs.add_argument("--repo", required=True, metavar="DIR")
    rs.add_argument("--keys", metavar="DIR", help="offline keys (default DIR/keys)")
    rs.set_defaults(func=_resign)

    st = fsub.add_parser("status", help="every terminal: hall, last seen, versions, faults")
    st.add_argument("--db", help="database URL or SQLite path")
    st.add_argument("--repo", metavar="DIR", help="also show the repository's versions")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=_status)

    ro = fsub.add_parser("rollout", help="staged rollouts: progress, halt, resume")
    ro.add_argument("--db", help="database URL or SQLite path")
    ro.add_argument("--halt", metavar="ID")
    ro.add_argument("--resume", metavar="ID")
    ro.add_argument("--json", action="store_true")
    ro.set_defaults(func=_rollout)
