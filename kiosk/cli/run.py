"""``kiosk run``: the full-screen touch kiosk."""

from __future__ import annotations

import argparse

from kiosk.cli.common import add_config_arg, config_from
from kiosk.frontend import load_frontend


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="start the kiosk (full screen; simulated devices by default)")
    add_config_arg(p)
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    config = config_from(args)
    return load_frontend().run(config, windowed=args.windowed)
