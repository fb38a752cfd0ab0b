"""``escpos+usb://VID:PID`` (hex ids) or ``escpos+usb://`` (the first USB printer).

pyusb carries the bytes: a ticket is one bulk OUT transfer and a status answer one
bulk IN transfer. Printers are discovered by the USB printer class (7) on the device
or any interface, or by configured vendor/product ids for printers that present a
vendor-specific interface. Linux's ``usblp`` driver is detached when it holds the
interface.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from devices.ticket_printer.driver import EscPosTicketPrinter
from devices.ticket_printer.transport import TransportError
from devices.uri import DeviceUri, DeviceUriError

PRINTER_CLASS = 7

# The pyusb backend; None lets pyusb pick libusb. Tests put a fake backend here.
BACKEND: Any = None


@dataclass(frozen=True)
class UsbPrinterInfo:
    vendor_id: int
    product_id: int
    bus: int | None
    address: int | None
    by_class: bool  # found by the printer class rather than only by ids

    @property
    def ids(self) -> str:
        return f"{self.vendor_id:04x}:{self.product_id:04x}"


def parse_ids(uri: DeviceUri) -> tuple[int, int] | None:
    """``0416:5011`` from the URI's authority, read as hex (not as a host and port)."""
    authority = uri.host
    if not authority:
        return None
    vid, sep, pid = authority.partition(":")
    try:
        if not sep:
            raise ValueError
        ids = int(vid, 16), int(pid, 16)
    except ValueError:
        raise DeviceUriError(uri.raw, "expected escpos+usb://VID:PID in hex (0416:5011)") from None
    if not all(0 <= i <= 0xFFFF for i in ids):
        raise DeviceUriError(uri.raw, "USB ids are 4 hex digits")
    return ids


def _is_printer(dev: Any) -> bool:
    import usb.util

    if dev.bDeviceClass == PRINTER_CLASS:
        return True
    return any(
        usb.util.find_descriptor(cfg, bInterfaceClass=PRINTER_CLASS) is not None for cfg in dev
    )


def discover(ids: tuple[int, int] | None = None, backend: Any = None) -> list[UsbPrinterInfo]:
    """USB printers on the bus: every printer-class device, plus the configured ids."""
    import usb.core

    found: list[UsbPrinterInfo] = []
    try:
        devices = list(usb.core.find(find_all=True, backend=backend or BACKEND))
    except usb.core.NoBackendError as exc:
        raise TransportError(f"no USB backend (libusb missing?): {exc}") from None
    for dev in devices:
        by_class = _is_printer(dev)
        if by_class or (ids is not None and (dev.idVendor, dev.idProduct) == ids):
            found.append(
                UsbPrinterInfo(dev.idVendor, dev.idProduct, dev.bus, dev.address, by_class)
            )
    return found


class UsbTransport:
    """Bulk OUT for data, bulk IN for status answers, on the printer interface."""

    def __init__(self, ids: tuple[int, int] | None, write_timeout: float) -> None:
        import usb.core
        import usb.util

        self._usb_core = usb.core
        self._usb_util = usb.util
        try:
            if ids is not None:
                dev = usb.core.find(idVendor=ids[0], idProduct=ids[1], backend=BACKEND)
            else:
                dev = usb.core.find(custom_match=_is_printer, backend=BACKEND)
        except usb.core.NoBackendError as exc:
            raise TransportError(f"no USB backend (libusb missing?): {exc}") from None
        want = f"{ids[0]:04x}:{ids[1]:04x}" if ids else "a USB printer"
        if dev is None:
            raise TransportError(f"{want} is not connected")
        self._dev: Any = dev
        self._name = f"usb {dev.idVendor:04x}:{dev.idProduct:04x}"
        self._write_ms = max(1, int(write_timeout * 1000))
        try:
            try:
                cfg = dev.get_active_configuration()
            except usb.core.USBError:
                dev.set_configuration()
                cfg = dev.get_active_configuration()
            intf = usb.util.find_descriptor(cfg, bInterfaceClass=PRINTER_CLASS) or cfg[(0, 0)]
            self._intf = intf.bInterfaceNumber
            try:
                if dev.is_kernel_driver_active(self._intf):
                    dev.detach_kernel_driver(self._intf)
            except NotImplementedError:
                pass  # backends without kernel drivers (and our test fake)
            usb.util.claim_interface(dev, self._intf)
            find = usb.util.find_descriptor
            self._out = find(intf, custom_match=self._bulk(usb.util.ENDPOINT_OUT))
            self._in = find(intf, custom_match=self._bulk(usb.util.ENDPOINT_IN))
        except usb.core.USBError as exc:
            raise TransportError(f"{self._name}: cannot claim the printer: {exc}") from None
        if self._out is None:
            raise TransportError(f"{self._name}: no bulk OUT endpoint")

    def _bulk(self, direction: int) -> Any:
        util = self._usb_util

        def match(ep: Any) -> bool:
            return bool(
                util.endpoint_direction(ep.bEndpointAddress) == direction
                and util.endpoint_type(ep.bmAttributes) == util.ENDPOINT_TYPE_BULK
            )

        return match

    def write(self, data: bytes) -> None:
        try:
            sent = self._dev.write(self._out.bEndpointAddress, data, self._write_ms)
        except self._usb_core.USBError as exc:
            raise TransportError(f"{self._name}: write failed: {exc}") from None
        if sent != len(data):
            raise TransportError(f"{self._name}: wrote {sent} of {len(data)} bytes")

    def read(self, size: int, timeout: float) -> bytes:
        if self._in is None:
            raise TransportError(f"{self._name}: no bulk IN endpoint, cannot read status")
        packet = max(size, int(self._in.wMaxPacketSize))
        try:
            data = self._dev.read(self._in.bEndpointAddress, packet, max(1, int(timeout * 1000)))
        except self._usb_core.USBTimeoutError:
            return b""
        except self._usb_core.USBError as exc:
            raise TransportError(f"{self._name}: read failed: {exc}") from None
        return bytes(data)

    def discard_input(self) -> None:
        if self._in is None:
            return
        for _ in range(8):  # bounded: a printer cannot keep us here
            if not self.read(64, 0.001):
                return

    def close(self) -> None:
        if self._dev is None:
            return
        with contextlib.suppress(self._usb_core.USBError):
            self._usb_util.release_interface(self._dev, self._intf)
        self._usb_util.dispose_resources(self._dev)
        self._dev = None


def open_usb(uri: DeviceUri, role: str) -> EscPosTicketPrinter:
    """Registry factory for ``escpos+usb://``."""
    ids = parse_ids(uri)
    return EscPosTicketPrinter(uri, role, lambda _connect_s, write_s: UsbTransport(ids, write_s))
