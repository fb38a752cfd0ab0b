"""A USB ticket printer (escpos+usb://) through pyusb over a fake USB bus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import fast
from usb_fake import FakeUsbBackend, FakeUsbDevice

import devices.ticket_printer.usb as usb_driver
from devices.base import DeviceKind
from devices.health import HealthState
from devices.registry import open_device
from devices.ticket_printer.protocol import PrinterFault, TicketContent, TicketPrintError
from devices.uri import DeviceUri, DeviceUriError

PRINTER = (0x0416, 0x5011)


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeUsbBackend]:
    backend = FakeUsbBackend(
        FakeUsbDevice(0x046D, 0xC077, interface_class=3, address=2),  # a mouse
        FakeUsbDevice(*PRINTER),
        FakeUsbDevice(0x0FE6, 0x811E, interface_class=0xFF, address=7),  # vendor-class printer
    )
    monkeypatch.setattr(usb_driver, "BACKEND", backend)
    yield backend


def test_discovery_finds_printer_class_devices_and_configured_ids(bus: FakeUsbBackend) -> None:
    assert [p.ids for p in usb_driver.discover()] == ["0416:5011"]
    found = usb_driver.discover(ids=(0x0FE6, 0x811E))
    assert [(p.ids, p.by_class) for p in found] == [("0416:5011", True), ("0fe6:811e", False)]


def test_a_ticket_is_one_bulk_transfer(bus: FakeUsbBackend, ticket: TicketContent) -> None:
    dev = bus.devices[1]
    device = open_device(DeviceKind.TICKET_PRINTER, fast("escpos+usb://0416:5011"))
    try:
        assert dev.detached and dev.claimed  # usblp let go, the interface is ours
        device.print_ticket(ticket)  # type: ignore[attr-defined]
    finally:
        device.close()
    big = [n for n in dev.transfers_out if n > 3]
    assert big == [dev.printer.printed_bytes()]  # the whole ticket in a single transfer
    paper = dev.printer.paper
    assert paper.line("A023").height == 4
    assert paper.qr_payloads == [ticket.qr_payload]
    assert not dev.claimed  # released on close


def test_bare_usb_uri_takes_the_first_printer_class_device(
    bus: FakeUsbBackend, ticket: TicketContent
) -> None:
    device = open_device(DeviceKind.TICKET_PRINTER, fast("escpos+usb://"))
    try:
        device.print_ticket(ticket)  # type: ignore[attr-defined]
    finally:
        device.close()
    assert "A023" in bus.devices[1].printer.paper.text


def test_vendor_class_printer_by_configured_ids(bus: FakeUsbBackend) -> None:
    device = open_device(DeviceKind.TICKET_PRINTER, fast("escpos+usb://0fe6:811e"))
    device.close()
    assert device.health().state is HealthState.OK


def test_unplugged_usb_printer_is_offline_then_recovers(
    bus: FakeUsbBackend, ticket: TicketContent
) -> None:
    dev = bus.devices[1]
    device = open_device(DeviceKind.TICKET_PRINTER, fast("escpos+usb://0416:5011"))
    try:
        dev.unplugged = True
        with pytest.raises(TicketPrintError) as caught:
            device.print_ticket(ticket)  # type: ignore[attr-defined]
        assert caught.value.fault is PrinterFault.OFFLINE
        dev.unplugged = False
        dev.printer.cover_open = True
        assert device.status().cover_open  # type: ignore[attr-defined]
        dev.printer.cover_open = False
        device.print_ticket(ticket)  # type: ignore[attr-defined]
    finally:
        device.close()
    assert dev.printer.paper.text.count("A023") == 1


def test_absent_printer_is_a_fault_with_the_ids(bus: FakeUsbBackend) -> None:
    device = open_device(DeviceKind.TICKET_PRINTER, fast("escpos+usb://1234:abcd"))
    device.close()
    assert device.health().state is HealthState.FAULT
    assert "1234:abcd is not connected" in device.health().reason


@pytest.mark.parametrize(
    "raw", ["escpos+usb://0416", "escpos+usb://zz:11", "escpos+usb://1:123456"]
)
def test_bad_usb_ids_are_refused(raw: str) -> None:
    with pytest.raises(DeviceUriError):
        usb_driver.parse_ids(DeviceUri.parse(raw))
