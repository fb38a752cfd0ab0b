"""``kiosk mrz parse``: read a travel document's machine readable zone typed or scanned.

Prints the same keys as ``kiosk idcard read`` plus ``check_digits_valid``. A wrong check
digit is reported (the output says false and stderr names the fields) with exit 0: the
MRZ was understood. Text that is no MRZ at all exits 1 with one line saying why.
"""

from __future__ import annotations

import argparse
import sys

from devices.idcard.mrz import MrzError, parse_mrz, parse_mrz_text
from kiosk.cli.common import CliError, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("mrz", help="machine readable zones of passports and travel IDs")
    msub = p.add_subparsers(dest="mrz_command", metavar="ACTION", required=True)
    parse = msub.add_parser(
        "parse",
        help="parse a TD1 (3x30), TD2 (2x36) or TD3 (2x44) MRZ and verify its check digits",
    )
    parse.add_argument("lines", nargs="+", metavar="LINE", help="the MRZ lines, in order")
    parse.add_argument("--json", action="store_true", help="print one JSON object")
    parse.set_defaults(func=_parse)


def _parse(args: argparse.Namespace) -> int:
    lines: list[str] = args.lines
    if len(lines) > 3:
        raise CliError(f"an MRZ has 2 or 3 lines, got {len(lines)}")
    try:
        record = parse_mrz_text(lines[0]) if len(lines) == 1 else parse_mrz(lines)
    except MrzError as exc:
        raise CliError(f"not a machine readable zone: {exc}") from None
    out = record.to_id_document().to_json()
    if args.json:
        print_json(out)
    else:
        width = max(len(k) for k in out)
        for key, value in out.items():
            print(f"{key:<{width}}  {value}")
    if not record.check_digits_valid:
        print(f"kiosk: wrong check digit: {', '.join(record.failed_checks)}", file=sys.stderr)
    return 0
