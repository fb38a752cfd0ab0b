"""``kiosk outbox``: the terminal's queue of submissions for the centre.

Every action accepts ``--central URL`` and ``--data-dir DIR`` so a technician can point a
terminal at a test centre without editing its config. Submissions the centre refused
(dead) or kept failing on (quarantined) keep their sealed data until a technician
decides: ``dead`` lists them, ``retry`` sends them again, ``discard`` deletes them.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from kiosk.cli.common import CliError, add_config_arg, config_from, print_json
from kiosk.outbox import OutboxSetup, make_worker, open_outbox, setup_from
from offline_cache.store import Outbox, OutboxError, UnknownEntry


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("outbox", help="the offline outbox: status, sync, test submissions")
    osub = p.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)

    status = osub.add_parser("status", help="backlog, dead letters, last success and error")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=_status)

    sync = osub.add_parser("sync", help="send the outbox to the centre (foreground)")
    sync.add_argument(
        "--once", action="store_true", help="drain what is queued now, then exit (0 = empty)"
    )
    sync.add_argument(
        "--give-up-after",
        type=int,
        default=3,
        metavar="N",
        help="with --once: stop after N failures in a row (default 3)",
    )
    sync.set_defaults(func=_sync)

    test = osub.add_parser("test", help="queue test submissions (the centre counts them apart)")
    test.add_argument("--count", type=int, required=True, metavar="N")
    test.add_argument("--blob-kb", type=int, default=0, metavar="K", help="a K KB blob on each")
    test.set_defaults(func=_test)

    dead = osub.add_parser(
        "dead", help="submissions refused by the centre or quarantined, with the reason"
    )
    dead.add_argument("--json", action="store_true")
    dead.set_defaults(func=_dead)

    retry = osub.add_parser("retry", help="send dead or quarantined submissions again")
    retry.add_argument("keys", nargs="*", metavar="ID", help="keys from `kiosk outbox dead`")
    retry.add_argument("--all", action="store_true", help="every dead or quarantined one")
    retry.set_defaults(func=_retry)

    discard = osub.add_parser(
        "discard", help="delete dead or quarantined submissions for good (data and files)"
    )
    discard.add_argument("keys", nargs="+", metavar="ID", help="keys from `kiosk outbox dead`")
    discard.set_defaults(func=_discard)

    for action in (status, sync, test, dead, retry, discard):
        add_config_arg(action)
        action.add_argument("--central", metavar="URL", help="centre URL (overrides config)")
        action.add_argument("--data-dir", type=Path, metavar="DIR", help="terminal data dir")
        action.add_argument("--ca-file", help="the centre's CA (PEM), pinned")
        action.add_argument("--client-cert", help="this terminal's certificate (PEM)")
        action.add_argument("--client-key", help="this terminal's private key (PEM)")
        action.add_argument("--key-file", help="the outbox encryption key file")


def _setup(args: argparse.Namespace) -> OutboxSetup:
    return setup_from(
        config_from(args),
        data_dir=args.data_dir,
        url=args.central,
        ca_file=args.ca_file,
        client_cert=args.client_cert,
        client_key=args.client_key,
        key_file=args.key_file,
    )


def _open(setup: OutboxSetup) -> Outbox:
    try:
        return open_outbox(setup)
    except OSError as exc:
        raise CliError(f"cannot open the outbox in {setup.data_dir}: {exc.strerror}") from None
    except sqlite3.DatabaseError as exc:
        raise CliError(f"outbox database in {setup.data_dir} is damaged: {exc}") from None


def _status(args: argparse.Namespace) -> int:
    setup = _setup(args)
    outbox = _open(setup)
    st = outbox.status()
    data = st.as_dict()
    if args.json:
        print_json({"terminal": setup.terminal_id, "central": setup.central.url, **data})
    else:
        reason = f"  ({data['reason']})" if data["reason"] else ""
        print(f"state         {data['state']}{reason}")
        print(f"pending       {st.pending} ({st.bytes / 1024:.0f} KiB)")
        print(f"dead letter   {st.dead_letter}")
        print(f"quarantined   {st.quarantined}")
        age = f"{st.oldest_age_s:.0f} s" if st.oldest_age_s is not None else "-"
        print(f"oldest        {age}")
        print(f"last success  {_when(st.last_success)}")
        print(f"last error    {st.last_error or '-'} {_when(st.last_error_at, '')}".rstrip())
        if st.config_fault:
            print(f"sending off   {st.config_fault} (since {_when(st.config_fault_at)})")
        print(f"central       {setup.central.url or '(none: no sync)'}")
    outbox.close()
    return 1 if data["state"] == "fault" else 0


def _when(ts: float | None, none: str = "-") -> str:
    if ts is None:
        return none
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


def _sync(args: argparse.Namespace) -> int:
    setup = _setup(args)
    if not setup.central.url:
        raise CliError("no centre configured: give --central URL or set [central] url")
    outbox = _open(setup)
    worker = make_worker(setup, outbox)
    if args.once:
        outbox.sweep_orphans()
        report = worker.drain(give_up_after=args.give_up_after)
        left = outbox.pending_count()
        print(
            f"sent {report.acknowledged}, dead letter {report.dead},"
            f" quarantined {report.quarantined}, pending {left}"
        )
        outbox.close()
        if report.halted:
            raise CliError(f"sending stopped, {left} submission(s) kept: {report.errors[-1]}")
        if left:
            last = report.errors[-1] if report.errors else "unknown"
            raise CliError(f"{left} submission(s) still pending: {last}")
        return 0

    def _stop(_sig: int, _frame: FrameType | None) -> None:
        worker.stop(timeout=0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(f"syncing {setup.data_dir} to {setup.central.url} (pid {os.getpid()})", flush=True)
    worker.run()
    outbox.close()
    return 0


def _test(args: argparse.Namespace) -> int:
    if args.count < 1 or args.blob_kb < 0:
        raise CliError("--count must be at least 1 and --blob-kb not negative")
    setup = _setup(args)
    outbox = _open(setup)
    blob = os.urandom(args.blob_kb * 1024) if args.blob_kb else b""
    try:
        for n in range(args.count):
            record = {"test": True, "n": n, "note": "technician end-to-end test"}
            outbox.submit(
                "test.end_to_end",
                record,
                {"blob.bin": blob} if blob else None,
                pii=True,  # goes through the same encryption as a citizen's data
                is_test=True,
            )
    except OutboxError as exc:
        raise CliError(f"queued {n} of {args.count}: {exc}") from None
    finally:
        outbox.close()
    print(f"queued {args.count} test submission(s) in {setup.data_dir}")
    return 0


def _dead(args: argparse.Namespace) -> int:
    outbox = _open(_setup(args))
    rows = [d.as_dict() for d in outbox.dead_letters(limit=100_000)]
    outbox.close()
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            data = "" if r["has_data"] else "  (data wiped)"
            print(
                f"{r['key']}  {r['state']:<11} {r['kind']:<20} {_when(r['created_at'])}"
                f"  {r['reason']}{data}"
            )
    return 0


def _retry(args: argparse.Namespace) -> int:
    if bool(args.keys) == bool(args.all):
        raise CliError("give the ID(s) to send again, or --all")

    def act(outbox: Outbox) -> int:
        if args.all:
            return outbox.retry_all()
        for key in args.keys:
            outbox.retry(key)
        return len(args.keys)

    return _on_parked(args, "retry", act, "back in the queue")


def _discard(args: argparse.Namespace) -> int:
    def act(outbox: Outbox) -> int:
        for key in args.keys:
            outbox.discard(key)
        return len(args.keys)

    return _on_parked(args, "discard", act, "discarded")


def _on_parked(args: argparse.Namespace, verb: str, act: Callable[[Outbox], int], done: str) -> int:
    """Run a technician's decision on dead or quarantined submissions, in one line."""
    outbox = _open(_setup(args))
    try:
        count = act(outbox)
    except UnknownEntry as exc:
        raise CliError(f"cannot {verb} {exc} (see: kiosk outbox dead)") from None
    finally:
        outbox.close()
    print(f"{count} submission(s) {done}")
    return 0
