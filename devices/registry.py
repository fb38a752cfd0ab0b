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


# What a URI of each scheme must hold, with an example; checked when the config loads,
# without opening anything. "host": scheme://HOST..., "path": scheme:///PATH...
_SHAPES: dict[str, tuple[str, str]] = {
    "sim": ("", "sim://"),
    "sam": ("path", "sam:///dev/ttyUSB0?baud=115200"),
    "pcsc": ("", "pcsc:// or pcsc://READER-NAME"),
    "v4l2": ("path", "v4l2:///dev/video0?w=1280&h=720"),
    "file": ("path", "file:///path/clip.mp4"),
    "cups": ("host|path", "cups://QUEUE"),
    "pdf": ("path", "pdf:///var/lib/hall-kiosk/forms"),
    "escpos+tcp": ("host", "escpos+tcp://10.0.0.5:9100"),
    "escpos+serial": ("path", "escpos+serial:///dev/ttyS0?baud=19200"),
    "escpos+usb": ("host", "escpos+usb://0416:5011"),
    "espeak": ("", "espeak://"),
}


def register(kind: DeviceKind, scheme: str, target: str, example: str = "") -> None:
    """Add or replace a driver, named ``module:factory``; ``example`` is a URI for help."""
    _DRIVERS[(kind, scheme)] = target
    if example:
        _SHAPES.setdefault(scheme, ("", example))


def schemes(kind: DeviceKind) -> list[str]:
    return sorted(scheme for (k, scheme) in _DRIVERS if k is kind)


def known_uris(kind: DeviceKind) -> str:
    """The schemes for ``kind`` as examples, for error messages: "sim://, sam:///dev/..."."""
    return ", ".join(_SHAPES.get(s, ("", f"{s}://"))[1] for s in schemes(kind))


def check_uri(kind: DeviceKind, raw: str) -> str:
    """What is wrong with ``raw`` as a URI for ``kind`` ("" when nothing), without
    opening the device: the syntax, a known scheme, and the part the scheme needs."""
    try:
        uri = DeviceUri.parse(raw)
    except DeviceUriError as exc:
        return exc.problem
    if (kind, uri.scheme) not in _DRIVERS:
        return f"no {kind.value} driver for {uri.scheme}:// (known: {known_uris(kind)})"
    need, example = _SHAPES.get(uri.scheme, ("", ""))
    has = {"host": bool(uri.host), "path": uri.path not in ("", "/")}
    if need and not any(has[part] for part in need.split("|")):
        return f"incomplete: expected e.g. {example}"
    return ""


def open_device(kind: DeviceKind, uri: str | DeviceUri, role: str | None = None) -> Device:
    """Build the driver for ``uri``; raises DeviceUriError for an unknown scheme."""
    parsed = uri if isinstance(uri, DeviceUri) else DeviceUri.parse(uri)
    target = _DRIVERS.get((kind, parsed.scheme))
    if target is None:
        raise DeviceUriError(
            parsed.raw,
            f"no {kind.value} driver for {parsed.scheme}:// (known: {known_uris(kind)})",
        )
    module_name, _, attr = target.partition(":")
    factory = cast(Factory, getattr(importlib.import_module(module_name), attr))
    return factory(parsed, role or kind.value)
