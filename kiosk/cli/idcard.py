"""``kiosk idcard read``: read one identity document and print it (technicians, checks).

The reader comes from ``--device URI`` or the config's ``devices.id_card``; any driver in
the registry works (``sam://``, ``pcsc://``, ``sim://``). Any failure is one line on
stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import logging
import re
from pathlib import Path
from typing import cast

from devices.base import DeviceError, DeviceKind
from devices.idcard.protocol import DocumentAccess, IdCardReader
from devices.idcard.record import IdDocument
from devices.registry import open_device
from devices.uri import DeviceUriError
from kiosk.cli.common import CliError, add_config_arg, config_from, print_json, write_output

_MRZ_ACCESS = re.compile(r"^([A-Z0-9<]{1,20}),(\d{6}),(\d{6})$")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("idcard", help="identity document readers")
    isub = p.add_subparsers(dest="idcard_command", metavar="ACTION", required=True)
    read = isub.add_parser("read", help="read the document on the reader and print it")
    add_config_arg(read)
    read.add_argument(
        "--device", metavar="URI", help="reader URI, e.g. sam:///dev/ttyUSB0 (default: config)"
    )
    read.add_argument(
        "--mrz",
        metavar="DOCNO,YYMMDD,YYMMDD",
        help="document number, birth date and expiry from the MRZ (passports: BAC)",
    )
    read.add_argument("--photo-out", type=Path, metavar="FILE", help="write the photo bytes here")
    read.add_argument("--timeout", type=float, default=10.0, metavar="S", help="give up after S s")
    read.add_argument("--json", action="store_true", help="one JSON object")
    read.set_defaults(func=_read)


def parse_access(text: str) -> DocumentAccess:
    """``DOCNO,YYMMDD,YYMMDD`` (document number, birth date, expiry) -> DocumentAccess."""
    match = _MRZ_ACCESS.match(text.strip().upper())
    if match is None:
        raise CliError("--mrz wants DOCNO,YYMMDD,YYMMDD (document number, birth date, expiry)")
    return DocumentAccess(*match.groups())


def _read(args: argparse.Namespace) -> int:
    access = parse_access(args.mrz) if args.mrz else None
    uri = args.device or config_from(args).devices.id_card
    # Drivers log to the root logger, which writes to stdout: keep --json output clean.
    devices_log = logging.getLogger("devices")
    level = devices_log.level
    devices_log.setLevel(logging.WARNING)
    try:
        doc = read_document(uri, args.timeout, access)
    finally:
        devices_log.setLevel(level)
    try:
        if args.photo_out is not None:
            _write_photo(args.photo_out, doc)
        if args.json:
            print_json(doc.to_json())
        else:
            for key, value in doc.to_json().items():
                shown = str(value).lower() if isinstance(value, bool) else value
                print(f"{key:<16} {shown}")
            if doc.id_number_valid is False:
                print("warning: the ID number's check digit is wrong")
    finally:
        doc.wipe()
    return 0


def read_document(uri: str, timeout_s: float, access: DocumentAccess | None) -> IdDocument:
    """Open the reader at ``uri``, read one document, close; failures become CliError."""
    try:
        device = open_device(DeviceKind.ID_CARD, uri)
    except DeviceUriError as exc:
        raise CliError(str(exc)) from None
    except ImportError as exc:
        raise CliError(f"the driver for {uri} is not installed ({exc.name})") from None
    except (DeviceError, OSError) as exc:
        raise CliError(f"cannot open {uri}: {exc}") from None
    try:
        reader = cast(IdCardReader, device)
        return reader.read(timeout_s=timeout_s, access=access)
    except DeviceError as exc:
        raise CliError(str(exc)) from None
    except Exception as exc:  # a driver's unexpected failure: still one line, no traceback
        raise CliError(f"{uri}: {type(exc).__name__}: {exc}") from None
    finally:
        device.close()


def _write_photo(path: Path, doc: IdDocument) -> None:
    if not doc.photo:
        raise CliError("the document has no photo")
    write_output(path, doc.photo)  # personal data: readable by the technician only
