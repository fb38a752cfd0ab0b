"""``kiosk photo``: make a compliant ID photo from a picture, list the photo specs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kiosk.cli.common import CliError, print_json, write_output


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("photo", help="ID photos: process a picture, list specs")
    psub = p.add_subparsers(dest="photo_command", metavar="ACTION", required=True)

    proc = psub.add_parser("process", help="make a spec-compliant ID photo from IN")
    proc.add_argument("input", metavar="IN", type=Path, help="picture with one face")
    proc.add_argument("--spec", required=True, help="spec id (see: kiosk photo specs)")
    proc.add_argument("--background", help="white|blue|grey|... or #RRGGBB")
    proc.add_argument("--out", required=True, type=Path, help="output JPEG")
    proc.add_argument("--sheet", type=Path, help="also write a 6-inch print sheet JPEG")
    proc.add_argument("--report-json", type=Path, help="write the check report here")
    proc.set_defaults(func=_process)

    specs = psub.add_parser("specs", help="list the photo specifications")
    specs.add_argument("--json", action="store_true")
    specs.set_defaults(func=_specs)


def _write_report(path: Path | None, report: dict[str, Any]) -> None:
    if path is not None:
        write_output(path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")


def _process(args: argparse.Namespace) -> int:
    import cv2
    import numpy as np

    from kiosk.photo.errors import FaceCountError, PhotoError
    from kiosk.photo.pipeline import Models, Pipeline
    from kiosk.photo.report import build_report
    from kiosk.photo.sheet import print_sheet
    from kiosk.photo.specs import get_spec

    try:
        spec = get_spec(args.spec)
        spec.background_hex(args.background)
    except PhotoError as exc:
        raise CliError(str(exc), exit_code=2) from None
    try:
        data = np.fromfile(str(args.input), dtype=np.uint8)
    except OSError as exc:
        raise CliError(f"cannot read {args.input}: {exc.strerror}") from None
    decoded = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if decoded is None:
        raise CliError(f"cannot read {args.input}: not an image OpenCV can decode")
    image = np.asarray(decoded, dtype=np.uint8)

    models = Models.load()
    try:
        ctx = Pipeline.default(models).run(image, spec, args.background)
    except FaceCountError as exc:
        check = {"name": "face_count", "value": exc.found, "limit": "== 1", "passed": False}
        report = {"compliant": False, "faces": exc.found, "checks": [check], "output": None}
        _write_report(args.report_json, report)
        raise CliError(f"{args.input}: {exc}", exit_code=3) from None
    finally:
        models.close()

    assert ctx.jpeg is not None and ctx.output is not None
    write_output(args.out, ctx.jpeg)
    if args.sheet is not None:
        sheet = print_sheet(ctx.output, spec)
        ok, buf = cv2.imencode(".jpg", sheet, [cv2.IMWRITE_JPEG_QUALITY, 92])
        if not ok:
            raise CliError("could not encode the print sheet")
        write_output(args.sheet, buf.tobytes())
    report = build_report(ctx)
    _write_report(args.report_json, report)
    failed = [c.name for c in ctx.checks if not c.passed]
    status = "compliant" if report["compliant"] else f"NOT compliant ({', '.join(failed)})"
    print(f"{args.out}: {spec.width_px}x{spec.height_px}, {len(ctx.jpeg) // 1024} KB, {status}")
    return 0


def _specs(args: argparse.Namespace) -> int:
    from kiosk.photo.errors import SpecError
    from kiosk.photo.specs import builtin_specs

    try:
        specs = builtin_specs()
    except SpecError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json([s.as_dict() for s in specs.values()])
        return 0
    for s in specs.values():
        kb = f"{s.min_kb or 0:g}-{s.max_kb:g} KB" if s.max_kb else ""
        colours = ",".join(s.backgrounds)
        print(f"{s.id:<20} {s.width_px}x{s.height_px} @{s.dpi}dpi  {colours:<16} {kb:<10} {s.name}")
    return 0
