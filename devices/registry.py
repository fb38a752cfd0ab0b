"""Maps a device URI's scheme to the driver that speaks it.

Drivers are named as ``module:factory`` strings and imported only when used, so a
terminal without pyscard or OpenCV can still run the drivers it has.
A factory is called as ``factory(uri: DeviceUri, role: str) -> Device``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from devices.base import Device, DeviceKind
from devices.uri import DeviceUri, DeviceUriError

Factory = Callable[[DeviceUri, str], Device]

_DRIVERS: dict[tuple[DeviceKind, str], str] = {
    (DeviceKind.ID_CARD, "sim"): "devices.idcard.sim:SimIdCardReader",
    (DeviceKind.ID_CARD, "sam"): "devices.idcard.sam.driver:SamIdCardReader",
    (DeviceKind.ID_CARD, "pcsc"): "devices.idcard.pcsc:PcscIdCardReader",
    (DeviceKind.CAMERA, "sim"): "devices.camera.sim:SimCamera",
    (DeviceKind.CAMERA, "v4l2"): "devices.camera.capture:V4l2Camera",
    (DeviceKind.CAMERA, "file"): "devices.camera.capture:FileCamera",
    (DeviceKind.FORM_PRINTER, "sim"): "devices.form_printer.sim:SimFormPrinter",
    (DeviceKind.FORM_PRINTER, "cups"): "devices.form_printer.cups:CupsFormPrinter",
    (DeviceKind.FORM_PRINTER, "pdf"): "devices.form_printer.pdf_folder:PdfFolderPrinter",
    (DeviceKind.TICKET_PRINTER, "escpos+tcp"): "devices.ticket_printer.driver:open_tcp",
    (DeviceKind.TICKET_PRINTER, "escpos+serial"): "devices.ticket_printer.driver:open_serial",
    (DeviceKind.TICKET_PRINTER, "escpos+usb"): "devices.ticket_printer.usb:open_usb",
    (DeviceKind.TICKET_PRINTER, "sim"): "devices.ticket_printer.sim:SimTicketPrinter",
    (DeviceKind.VOICE, "sim"): "devices.voice.sim:SimVoice",
    (DeviceKind.VOICE, "espeak"): "devices.voice.espeak:EspeakVoice",
}


def register(kind: DeviceKind, scheme: str, target: str) -> None:
    """Add or replace a driver, named ``module:factory``."""
    _DRIVERS[(kind, scheme)] = target


def schemes(kind: DeviceKind) -> list[str]:
    return sorted(scheme for (k, scheme) in _DRIVERS if k is kind)


def open_device(kind: DeviceKind, uri: str | DeviceUri, role: str | None = None) -> Device:
    """Build the driver for ``uri``; raises DeviceUriError for an unknown scheme."""
    parsed = uri if isinstance(uri, DeviceUri) else DeviceUri.parse(uri)
    target = _DRIVERS.get((kind, parsed.scheme))
    if target is None:
        known = ", ".join(f"{s}://" for s in schemes(kind))
        raise DeviceUriError(
            parsed.raw, f"no {kind.value} driver for {parsed.scheme}:// (known: {known})"
        )
    module_name, _, attr = target.partition(":")
    factory = cast(Factory, getattr(importlib.import_module(module_name), attr))
    return factory(parsed, role or kind.value)
