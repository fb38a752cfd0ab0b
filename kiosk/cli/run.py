"""``kiosk run``: the full-screen touch kiosk."""

from __future__ import annotations

import argparse

from kiosk.cli.common import add_config_arg
from kiosk.frontend import load_frontend


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="start the kiosk (full screen; simulated devices by default)")
    add_config_arg(p)
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from kiosk.config.loader import load_layered

    layered = load_layered(args.config)
    fleet = None
    if layered.config.fleet.root:  # python-tuf is imported only for a fleet terminal
        from kiosk.fleet.agent import default_restart, fleet_agent

        fleet = fleet_agent(layered)
        if fleet is not None and fleet.boot():
            default_restart()  # crashed again and again on a new bundle: the previous one
    return load_frontend().run(layered.config, windowed=args.windowed, fleet=fleet)
