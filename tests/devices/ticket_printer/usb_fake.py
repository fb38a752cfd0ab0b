"""A fake pyusb backend: pyusb's own code runs unchanged over devices we describe.

No USB bus exists in this container, so the bus itself is the one thing faked: the
backend hands pyusb real-looking descriptors (device, configuration, interface,
endpoints) and routes bulk transfers to an :class:`EmulatedPrinter`.
"""

from __future__ import annotations

import array
import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import usb.backend
import usb.core
from escpos_peer import EmulatedPrinter

EP_OUT = 0x01
EP_IN = 0x82


@dataclass
class FakeUsbDevice:
    vendor_id: int
    product_id: int
    interface_class: int = 7  # printer
    printer: EmulatedPrinter = field(default_factory=EmulatedPrinter)
    address: int = 5
    kernel_driver_active: bool = True  # usblp holds a printer until we detach it
    detached: bool = False
    claimed: bool = False
    transfers_out: list[int] = field(default_factory=list)
    pending_in: bytearray = field(default_factory=bytearray)
    lock: threading.Lock = field(default_factory=threading.Lock)
    unplugged: bool = False


def _desc(**fields: Any) -> SimpleNamespace:
    return SimpleNamespace(extra_descriptors=[], **fields)


class FakeUsbBackend(usb.backend.IBackend):  # type: ignore[misc]
    def __init__(self, *devices: FakeUsbDevice) -> None:
        super().__init__()
        self.devices = list(devices)
        self._config = 1

    def enumerate_devices(self) -> Any:
        return [d for d in self.devices if not d.unplugged]

    def get_device_descriptor(self, dev: FakeUsbDevice) -> Any:
        return _desc(
            bLength=18, bDescriptorType=1, bcdUSB=0x0200, bDeviceClass=0, bDeviceSubClass=0,
            bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=dev.vendor_id,
            idProduct=dev.product_id, bcdDevice=0x0100, iManufacturer=0, iProduct=0,
            iSerialNumber=0, bNumConfigurations=1, address=dev.address, bus=1,
            port_number=1, port_numbers=(1,), speed=2,
        )  # fmt: skip

    def get_configuration_descriptor(self, dev: FakeUsbDevice, config: int) -> Any:
        if config != 0:
            raise IndexError(config)
        return _desc(
            bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1,
            bConfigurationValue=1, iConfiguration=0, bmAttributes=0xC0, bMaxPower=50,
        )  # fmt: skip

    def get_interface_descriptor(self, dev: FakeUsbDevice, intf: int, alt: int, config: int) -> Any:
        if intf != 0 or alt != 0:
            raise IndexError((intf, alt))
        return _desc(
            bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0,
            bNumEndpoints=2, bInterfaceClass=dev.interface_class, bInterfaceSubClass=1,
            bInterfaceProtocol=2, iInterface=0,
        )  # fmt: skip

    def get_endpoint_descriptor(
        self, dev: FakeUsbDevice, ep: int, intf: int, alt: int, config: int
    ) -> Any:
        if ep not in (0, 1):
            raise IndexError(ep)
        return _desc(
            bLength=7, bDescriptorType=5, bEndpointAddress=(EP_OUT, EP_IN)[ep],
            bmAttributes=2, wMaxPacketSize=64, bInterval=0, bRefresh=0, bSynchAddress=0,
        )  # fmt: skip

    def open_device(self, dev: FakeUsbDevice) -> FakeUsbDevice:
        if dev.unplugged:
            raise usb.core.USBError("No such device", errno=19)
        return dev

    def close_device(self, handle: FakeUsbDevice) -> None:
        pass

    def set_configuration(self, handle: FakeUsbDevice, config_value: int) -> None:
        self._config = config_value

    def get_configuration(self, handle: FakeUsbDevice) -> int:
        return self._config

    def claim_interface(self, handle: FakeUsbDevice, intf: int) -> None:
        if handle.kernel_driver_active:
            raise usb.core.USBError("Resource busy", errno=16)
        handle.claimed = True

    def release_interface(self, handle: FakeUsbDevice, intf: int) -> None:
        handle.claimed = False

    def is_kernel_driver_active(self, handle: FakeUsbDevice, intf: int) -> bool:
        return handle.kernel_driver_active

    def detach_kernel_driver(self, handle: FakeUsbDevice, intf: int) -> None:
        handle.kernel_driver_active = False
        handle.detached = True

    def bulk_write(
        self, handle: FakeUsbDevice, ep: int, intf: int, data: array.array, timeout: int
    ) -> int:
        if handle.unplugged:
            raise usb.core.USBError("No such device", errno=19)
        assert ep == EP_OUT, f"write to endpoint {ep:#x}"
        payload = data.tobytes()
        with handle.lock:
            handle.transfers_out.append(len(payload))
            handle.pending_in += handle.printer.receive(payload)
        return len(payload)

    def bulk_read(
        self, handle: FakeUsbDevice, ep: int, intf: int, buff: array.array, timeout: int
    ) -> int:
        if handle.unplugged:
            raise usb.core.USBError("No such device", errno=19)
        assert ep == EP_IN, f"read from endpoint {ep:#x}"
        with handle.lock:
            chunk = bytes(handle.pending_in[: len(buff)])
            del handle.pending_in[: len(chunk)]
        if not chunk:
            time.sleep(min(timeout, 50) / 1000)
            raise usb.core.USBTimeoutError("Operation timed out", errno=110)
        buff[: len(chunk)] = array.array("B", chunk)
        return len(chunk)
