"""``kiosk tour --out DIR``: every screen, both languages, large text, as PNG."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.cli.common import add_config_arg, config_from
from kiosk.frontend import load_frontend


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tour", help="render every screen to PNG files (offscreen)")
    add_config_arg(p)
    p.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    p.set_defaults(func=_tour)


def _tour(args: argparse.Namespace) -> int:
    config = config_from(args)
    written = load_frontend().tour(config, args.out)
    for path in written:
        print(path)
    return 0
