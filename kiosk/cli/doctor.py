"""``kiosk doctor``: every configured device with its URI and health."""

from __future__ import annotations

import argparse

from devices.base import DeviceKind
from devices.health import Health, HealthState
from devices.registry import open_device
from devices.uri import DeviceUriError
from kiosk.cli.common import add_config_arg, config_from, print_json
from kiosk.config import KioskConfig
from kiosk.outbox import outbox_health_row
from kiosk.technician.pin import pin_problem
from kiosk.terminal import device_uris
from kiosk.tickets.qr import secret_problem


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="show every device's health; non-zero exit on a fault")
    add_config_arg(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_doctor)


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
        except (DeviceUriError, OSError, ImportError) as exc:
            health = Health(HealthState.FAULT, f"cannot open: {exc}")
        rows.append({"device": kind.value, "uri": uri, **health.as_dict()})
    return rows


def config_warnings(config: KioskConfig) -> list[str]:
    """Things that work but should not stay as they are on a terminal in a hall."""
    warnings = []
    pin = pin_problem(config.technician.pin_hash)  # checks the published PIN, not strings
    if pin:
        warnings.append(pin)
    return warnings


def config_faults(config: KioskConfig) -> list[str]:
    """Settings that make the terminal unsafe in a hall: doctor exits non-zero."""
    faults = []
    secret = secret_problem(config.ticket.verification_secret, config.terminal.hall_id)
    if secret:
        faults.append(f"ticket.verification_secret {secret}")
    return faults


def _doctor(args: argparse.Namespace) -> int:
    config = config_from(args)
    rows = check_devices(device_uris(config))
    warnings = config_warnings(config)
    faults = config_faults(config)
    rows.append(outbox_health_row(config))
    if args.json:
        print_json(
            {"terminal": config.terminal.id, "devices": rows, "warnings": warnings,
             "faults": faults}
        )  # fmt: skip
    else:
        for fault in faults:
            print(f"fault: {fault}")
        for warning in warnings:
            print(f"warning: {warning}")
        for row in rows:
            counters = " ".join(f"{k}={v}" for k, v in dict(row["counters"]).items())  # type: ignore[call-overload]
            reason = f" ({row['reason']})" if row["reason"] else ""
            print(f"{row['device']:<15} {row['state']:<9} {row['uri']}{reason} {counters}".rstrip())
    faulty = faults or any(row["state"] == HealthState.FAULT.value for row in rows)
    return 1 if faulty else 0
