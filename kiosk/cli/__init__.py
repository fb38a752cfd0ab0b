"""The ``kiosk`` command. Each sub-command lives in its own module with ``register()``.

Any failure a technician can cause (bad config, no device, bad input) ends with one
clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.cli.common import CliError
from kiosk.config import ConfigError
from kiosk.logs import setup_logging

# Modules that add sub-commands; each has register(subparsers).
COMMANDS = (
    "kiosk.cli.run",
    "kiosk.cli.tour",
    "kiosk.cli.doctor",
    "kiosk.cli.ticket",
    "kiosk.cli.technician",
    "kiosk.cli.idcard",
    "kiosk.cli.form",
    "kiosk.cli.mrz",
    "kiosk.cli.outbox",
    "kiosk.cli.photo",
    "kiosk.cli.support_bundle",
    "kiosk.cli.identity",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Hall kiosk: self-service terminal for government service halls."
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log every event (kiosk run always does)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    # The running kiosk logs every event for journald; a technician's one-shot command
    # shows only warnings, so its failure stays one clear line.
    verbose = args.verbose or args.command == "run"
    setup_logging(logging.INFO if verbose else logging.WARNING)
    try:
        return int(args.func(args) or 0)
    except (CliError, ConfigError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except KeyboardInterrupt:
        return 130
