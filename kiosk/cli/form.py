"""``kiosk form``: list, show, fill (to a PDF file) and print the self-service forms."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

from devices.base import DeviceError, DeviceKind
from devices.form_printer.protocol import FormPrinter, PrintJob
from devices.idcard.record import IdDocument
from devices.registry import open_device
from devices.uri import DeviceUriError
from kiosk.cli.common import CliError, add_config_arg, config_from, print_json, write_output
from kiosk.config import KioskConfig
from kiosk.forms.catalog import FormCatalog, UnknownForm, load_catalog
from kiosk.forms.desk import FormDesk, FormNotQueued
from kiosk.forms.filled import FilledForm, FormInvalid, fill
from kiosk.forms.loader import FormDefinitionError
from kiosk.forms.model import FormDefinition
from kiosk.forms.ports import MemoryRecorder, PageHeader, RendererUnavailable, load_renderer

EXIT_INVALID = 3  # the answers do not pass the form's rules
EXIT_NOT_PRINTED = 4  # the printer stopped; the receipt number is still valid


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("form", help="self-service forms: list, show, fill, print")
    fsub = p.add_subparsers(dest="form_command", metavar="ACTION", required=True)

    lst = fsub.add_parser("list", help="the forms this terminal offers")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=_list)

    show = fsub.add_parser("show", help="one form's fields")
    show.add_argument("form_id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_show)

    for name, helptext in (
        ("fill", "check answers and write the A4 PDF"),
        ("print", "check answers and print the form"),
    ):
        cmd = fsub.add_parser(name, help=helptext)
        add_config_arg(cmd)
        cmd.add_argument("--form", required=True, metavar="ID")
        cmd.add_argument(
            "--id-card",
            type=Path,
            metavar="CARD.json",
            help="what `kiosk idcard read --json` printed",
        )
        cmd.add_argument(
            "--data",
            type=Path,
            required=True,
            metavar="DATA.json",
            help="the other answers: {field name: value}",
        )
        cmd.add_argument("--photo", type=Path, metavar="PHOTO.jpg", help="the booth photo")
        cmd.add_argument("--json", action="store_true")
        if name == "fill":
            cmd.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
            cmd.set_defaults(func=_fill)
        else:
            cmd.add_argument(
                "--printer",
                metavar="URI",
                help="cups://QUEUE, pdf:///dir or sim:// (default: from config)",
            )
            cmd.set_defaults(func=_print)

    resume = fsub.add_parser("resume", help="technician: restart a stopped CUPS queue")
    add_config_arg(resume)
    resume.add_argument("--printer", metavar="URI")
    resume.set_defaults(func=_resume)


@contextlib.contextmanager
def _quiet_logs(json_out: bool) -> Iterator[None]:
    """Log lines go to stdout (journald); with --json, stdout must hold only the JSON."""
    if json_out:
        logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        if json_out:
            logging.disable(logging.NOTSET)


def _catalog() -> FormCatalog:
    try:
        return load_catalog()
    except FormDefinitionError as exc:
        raise CliError(str(exc)) from None


def _form(form_id: str) -> FormDefinition:
    try:
        return _catalog().get(form_id)
    except UnknownForm as exc:
        raise CliError(str(exc)) from None


def _list(args: argparse.Namespace) -> int:
    rows = [
        {
            "id": f.id,
            "title": f.title,
            "title_en": f.title_en,
            "service": f.service,
            "fields": sum(1 for _ in f.fields()),
        }
        for f in _catalog()
    ]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['id']:<26} {r['title']}  {r['title_en']}")
    return 0


def _show(args: argparse.Namespace) -> int:
    form = _form(args.form_id)
    if args.json:
        print_json(form.summary_json())
        return 0
    print(f"{form.id} v{form.version}: {form.title} / {form.title_en}")
    for section in form.sections:
        print(f"\n[{section.title} / {section.title_en}]")
        for f in section.fields:
            flags = "required" if f.required else (f"if {f.required_if}" if f.required_if else "")
            source = f.source or ""
            options = "|".join(o.value for o in f.options)
            print(f"  {f.name:<24} {f.type.value:<10} {flags:<18} {source:<18} {options}")
    return 0


def _read_json(path: Path, what: str) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"cannot read {what} {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{what} {path} is not JSON: {exc}") from None


def _answers(path: Path) -> dict[str, str]:
    raw = _read_json(path, "answers")
    if not isinstance(raw, dict):
        raise CliError(f"answers {path} must be a JSON object of field name -> value")
    out: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, bool):
            out[key] = "yes" if value else "no"
        elif isinstance(value, str | int | float):
            out[key] = str(value)
        elif value is not None:
            raise CliError(f"answers {path}: {key} must be text, a number or true/false")
    return out


def _card(path: Path | None) -> IdDocument | None:
    if path is None:
        return None
    raw = _read_json(path, "ID card")
    if not isinstance(raw, dict) or "card_type" not in raw:
        raise CliError(f"ID card {path}: expected the output of `kiosk idcard read --json`")
    try:
        return IdDocument.from_json(raw)
    except (ValueError, TypeError) as exc:
        raise CliError(f"ID card {path}: {exc}") from None


def _filled(args: argparse.Namespace, config: KioskConfig) -> FilledForm:
    form = _form(args.form)
    photo = b""
    if args.photo is not None:
        try:
            photo = args.photo.read_bytes()
        except OSError as exc:
            raise CliError(f"cannot read photo {args.photo}: {exc.strerror}") from None
    today = datetime.now(ZoneInfo(config.terminal.timezone)).date()
    try:
        return fill(form, _answers(args.data), _card(args.id_card), photo, today=today)
    except FormInvalid as exc:
        if args.json:
            print_json({"form": form.id, "problems": [p.as_dict() for p in exc.problems]})
        else:
            for p in exc.problems:
                print(f"  {p.field}: {p.message} / {p.message_en}", file=sys.stderr)
        raise CliError(
            f"{len(exc.problems)} answer(s) need fixing in form {form.id}", exit_code=EXIT_INVALID
        ) from None


def _desk(config: KioskConfig, printer: FormPrinter) -> FormDesk:
    try:
        renderer = load_renderer()
    except RendererUnavailable as exc:
        raise CliError(str(exc)) from None
    tz = ZoneInfo(config.terminal.timezone)
    header = PageHeader(config.terminal.hall_name, config.terminal.hall_name_en, config.terminal.id)
    # A technician's print from the command line is not a citizen's submission: it is
    # recorded in memory only, never queued for the centre.
    return FormDesk(renderer, printer, MemoryRecorder(), header, now=lambda: datetime.now(tz))


class _NoPrinter:
    """``fill`` renders only; the desk still wants a printer."""

    uri = "none://"

    def print_pdf(self, pdf: bytes, title: str) -> PrintJob:
        raise DeviceError("form_printer", "no printer for fill")

    def cancel(self, job_id: str) -> bool:
        return False


def _fill(args: argparse.Namespace) -> int:
    config = config_from(args)
    filled = _filled(args, config)
    desk = _desk(config, cast(FormPrinter, _NoPrinter()))
    pdf = desk.render(filled)
    write_output(args.out, pdf)  # a filled form: 0600
    if args.json:
        print_json(
            {
                "form": filled.form.id,
                "receipt": filled.receipt,
                "out": str(args.out),
                "bytes": len(pdf),
            }
        )
    else:
        print(f"{args.out}: form {filled.form.id}, receipt {filled.receipt}")
    return 0


def _open_printer(args: argparse.Namespace, config: KioskConfig) -> FormPrinter:
    uri = args.printer or config.devices.form_printer
    try:
        return cast(FormPrinter, open_device(DeviceKind.FORM_PRINTER, uri))
    except DeviceUriError as exc:
        raise CliError(str(exc)) from None


def _print(args: argparse.Namespace) -> int:
    config = config_from(args)
    filled = _filled(args, config)
    printer = _open_printer(args, config)
    try:
        with _quiet_logs(args.json):
            outcome = _desk(config, printer).print(filled)
    except FormNotQueued as exc:
        raise CliError(f"form {filled.form.id} not printed: {exc.reason}") from None
    finally:
        printer.close()
    if args.json:
        print_json(outcome.as_json())
    else:
        print(
            f"receipt {outcome.receipt}: job {outcome.job.job_id or '-'} {outcome.job.state.value}"
            + (f" ({outcome.job.message})" if outcome.job.message else "")
        )
    return 0 if outcome.printed else EXIT_NOT_PRINTED


def _resume(args: argparse.Namespace) -> int:
    config = config_from(args)
    printer = _open_printer(args, config)
    resume = getattr(printer, "resume", None)
    if resume is None:
        raise CliError(f"{printer.uri}: only CUPS queues can be resumed")
    try:
        health = resume()
    except DeviceError as exc:
        raise CliError(exc.reason) from None
    finally:
        printer.close()
    print(f"{printer.uri}: {health.state.value} {health.reason}".rstrip())
    return 0
