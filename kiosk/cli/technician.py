"""``kiosk technician``: things a technician sets up on a terminal."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.cli.common import CliError
from kiosk.technician.pin import hash_pin


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("technician", help="technician set-up")
    tsub = p.add_subparsers(dest="technician_command", metavar="ACTION", required=True)
    hp = tsub.add_parser("hash-pin", help="hash a diagnostics PIN for [technician] pin_hash")
    hp.add_argument("--stdin", action="store_true", help="read the PIN from standard input")
    hp.set_defaults(func=_hash_pin)


def _hash_pin(args: argparse.Namespace) -> int:
    if args.stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("New PIN (4-12 digits): ")
        if getpass.getpass("Again: ") != pin:
            raise CliError("the two PINs differ")
    try:
        print(f'pin_hash = "{hash_pin(pin)}"')
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return 0
