"""``kiosk ticket``: queue tickets from the command line (issue 4 fills this out)."""

from __future__ import annotations

import argparse

from kiosk.cli.common import add_config_arg, config_from, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ticket", help="queue tickets")
    tsub = p.add_subparsers(dest="ticket_command", metavar="ACTION", required=True)
    services = tsub.add_parser("services", help="list the service categories")
    add_config_arg(services)
    services.add_argument("--json", action="store_true")
    services.set_defaults(func=_services)


def _services(args: argparse.Namespace) -> int:
    config = config_from(args)
    rows = [s.model_dump() for s in config.services]
    if args.json:
        print_json(rows)
    else:
        for s in rows:
            print(f"{s['code']:<8} {s['prefix']:<3} {s['name']}  {s['name_en']}")
    return 0
