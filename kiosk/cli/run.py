"""``kiosk run``: the full-screen touch kiosk."""

from __future__ import annotations

import argparse
import logging
import sys

from kiosk.cli.common import add_config_arg
from kiosk.config import ConfigError
from kiosk.config.device_uris import load_checked
from kiosk.frontend import load_frontend

log = logging.getLogger(__name__)

# sysexits' EX_CONFIG: the unit does not restart on it (RestartPreventExitStatus=78), since
# a restart cannot fix a config file; `kiosk doctor` names the file and line.
EX_CONFIG = 78


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="start the kiosk (full screen; simulated devices by default)")
    add_config_arg(p)
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        config, problems = load_checked(args.config)
    except ConfigError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EX_CONFIG
    # A bad device URI is that device's fault, not the kiosk's: say where, and go on.
    for problem in problems:
        log.error("config: %s", problem)
    return load_frontend().run(config, windowed=args.windowed)
