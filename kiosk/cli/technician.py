"""``kiosk technician``: things a technician sets up on a terminal."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from kiosk.cli.common import CliError, add_config_arg
from kiosk.config import ConfigError, load_config
from kiosk.config.loader import TERMINAL_CONFIG
from kiosk.technician.config_file import ConfigEditError, set_value
from kiosk.technician.pin import LOCKOUT_FILE, MAX_DIGITS, MIN_DIGITS, PinGate, hash_pin


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("technician", help="technician set-up")
    tsub = p.add_subparsers(dest="technician_command", metavar="ACTION", required=True)
    hp = tsub.add_parser("hash-pin", help="print the [technician] pin_hash of a new PIN")
    hp.add_argument("--stdin", action="store_true", help="read the PIN from standard input")
    hp.set_defaults(func=_hash_pin)
    sp = tsub.add_parser(
        "set-pin", help="set the diagnostics PIN in this terminal's config file (as root)"
    )
    sp.add_argument("--stdin", action="store_true", help="read the PIN from standard input")
    add_config_arg(sp)
    sp.set_defaults(func=_set_pin)


def _read_pin(args: argparse.Namespace) -> str:
    if args.stdin:
        return sys.stdin.readline().strip()
    pin = getpass.getpass(f"New PIN ({MIN_DIGITS}-{MAX_DIGITS} digits): ")
    if getpass.getpass("Again: ") != pin:
        raise CliError("the two PINs differ")
    return pin


def _hashed(args: argparse.Namespace) -> str:
    try:
        return hash_pin(_read_pin(args))
    except ValueError as exc:
        raise CliError(f"PIN refused: {exc}") from None


def _hash_pin(args: argparse.Namespace) -> int:
    print(f'pin_hash = "{_hashed(args)}"')
    return 0


def _set_pin(args: argparse.Namespace) -> int:
    env = os.environ.get("KIOSK_CONFIG")
    path: Path = args.config or (Path(env) if env else TERMINAL_CONFIG)
    stored = _hashed(args)
    try:
        set_value(path, "technician", "pin_hash", stored)
    except ConfigEditError as exc:
        raise CliError(str(exc)) from None
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        raise CliError(f"PIN written to {path}, but the config does not load: {exc}") from None
    if config.technician.pin_hash != stored:
        raise CliError(
            f"PIN written to {path}, but the fleet layer sets technician.pin_hash and wins:"
            " change it there"
        )
    # A new PIN starts with a clean slate: earlier wrong tries were not against it.
    PinGate(stored, state_file=config.terminal.data_path / LOCKOUT_FILE).reset()
    print(f"technician PIN set in {path}; restart the kiosk to use it")
    return 0
