"""``kiosk doctor``: every configured device with its URI and health, and what is not
production-ready (a simulated device, the shipped PIN, a device URI no driver takes)."""

from __future__ import annotations

import argparse
from typing import Any

from devices.base import DeviceKind
from devices.health import Health, HealthState
from devices.registry import open_device
from devices.uri import DeviceUri, DeviceUriError
from kiosk.cli.common import add_config_arg, print_json
from kiosk.config import KioskConfig
from kiosk.config.device_uris import DeviceUriProblem, load_checked
from kiosk.config.loader import default_layer, load_layers
from kiosk.outbox import outbox_health_row
from kiosk.terminal import device_uris


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doctor",
        help="show every device's health; non-zero exit on a fault (or any warning: --strict)",
    )
    add_config_arg(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--strict",
        action="store_true",
        help="also exit non-zero on warnings, e.g. a simulated device (not production)",
    )
    p.set_defaults(func=_doctor)


def is_simulated(uri: str) -> bool:
    try:
        return DeviceUri.parse(uri).scheme == "sim"
    except DeviceUriError:
        return False


def check_devices(uris: dict[DeviceKind, str]) -> list[dict[str, object]]:
    """Open each device, read its health, close it. A device that cannot be opened is a fault."""
    rows: list[dict[str, object]] = []
    for kind, uri in uris.items():
        try:
            device = open_device(kind, uri)
            try:
                health = device.health()
            finally:
                device.close()
        except DeviceUriError as exc:
            health = Health(HealthState.FAULT, f"cannot open: {exc.problem}")
        except Exception as exc:  # any driver failure is this device's fault, not doctor's
            health = Health(HealthState.FAULT, f"cannot open: {exc or type(exc).__name__}")
        row = {"device": kind.value, "uri": uri, **health.as_dict()}
        row["simulated"] = is_simulated(uri)
        rows.append(row)
    return rows


def config_warnings(config: KioskConfig) -> list[str]:
    """Things that work but should not stay as they are on a terminal in a hall."""
    warnings = []
    default_pin = load_layers([default_layer()]).technician.pin_hash
    if config.technician.pin_hash == default_pin:
        warnings.append("the diagnostics PIN is the shipped default: run kiosk technician hash-pin")
    simulated = [kind.value for kind, uri in device_uris(config).items() if is_simulated(uri)]
    if simulated:
        warnings.append(f"not production: simulated devices ({', '.join(simulated)} = sim://)")
    return warnings


def _print_rows(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        counters = " ".join(f"{k}={v}" for k, v in dict(row["counters"]).items())
        reason = f" ({row['reason']})" if row["reason"] else ""
        # A simulator's "ok" is not a working device: never show it as a green ok.
        state = "sim" if row.get("simulated") and row["state"] == "ok" else row["state"]
        print(f"{row['device']:<15} {state:<9} {row['uri']}{reason} {counters}".rstrip())


def _doctor(args: argparse.Namespace) -> int:
    config, problems = load_checked(getattr(args, "config", None))
    rows = check_devices(device_uris(config))
    warnings = config_warnings(config)
    rows.append(outbox_health_row(config))
    errors = [str(p) for p in problems]
    if args.json:
        print_json(
            {
                "terminal": config.terminal.id,
                "production": not any(r.get("simulated") for r in rows),
                "devices": rows,
                "errors": errors,
                "device_uri_problems": [_problem_dict(p) for p in problems],
                "warnings": warnings,
            }
        )
    else:
        for error in errors:
            print(f"error: {error}")
        for warning in warnings:
            print(f"warning: {warning}")
        _print_rows(rows)
    if errors or any(row["state"] == HealthState.FAULT.value for row in rows):
        return 1
    return 1 if args.strict and warnings else 0


def _problem_dict(problem: DeviceUriProblem) -> dict[str, object]:
    return {
        "file": problem.file,
        "line": problem.line,
        "key": problem.key,
        "uri": problem.uri,
        "problem": problem.problem,
    }
