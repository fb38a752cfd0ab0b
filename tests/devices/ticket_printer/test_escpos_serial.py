"""A serial ticket printer (escpos+serial://) on the far side of a pty pair."""

from __future__ import annotations

import time

import pytest
from conftest import fast
from escpos_peer import PtyPrinter

from devices.base import DeviceKind
from devices.health import HealthState
from devices.registry import open_device
from devices.ticket_printer.protocol import PrinterFault, TicketContent, TicketPrintError
from devices.uri import DeviceUriError


def test_ticket_over_serial_with_rts_cts_reads_like_the_tcp_one(ticket: TicketContent) -> None:
    with PtyPrinter() as pty_printer:
        device = open_device(DeviceKind.TICKET_PRINTER, fast(pty_printer.uri(rtscts="1")))
        try:
            assert device.health().state is HealthState.OK
            device.print_ticket(ticket)  # type: ignore[attr-defined]
            paper = pty_printer.printer.paper
            assert paper.line("A023").width == 4
            assert "出入境业务" in paper.text
            assert paper.qr_payloads == [ticket.qr_payload]
            assert len(paper.cuts) == 1
        finally:
            device.close()


def test_serial_paper_out_and_silence_are_bounded_faults(ticket: TicketContent) -> None:
    with PtyPrinter() as pty_printer:
        device = open_device(DeviceKind.TICKET_PRINTER, fast(pty_printer.uri(baud="9600")))
        try:
            pty_printer.printer.paper_end = True
            with pytest.raises(TicketPrintError) as caught:
                device.print_ticket(ticket)  # type: ignore[attr-defined]
            assert caught.value.fault is PrinterFault.PAPER_OUT
            pty_printer.printer.paper_end = False
            pty_printer.printer.silent = True
            started = time.monotonic()
            with pytest.raises(TicketPrintError) as caught:
                device.print_ticket(ticket)  # type: ignore[attr-defined]
            assert caught.value.fault is PrinterFault.OFFLINE
            assert time.monotonic() - started < device.timeouts.job  # type: ignore[attr-defined]
            assert pty_printer.printer.printed_bytes() == 0
        finally:
            device.close()


def test_missing_serial_port_is_an_offline_fault_not_a_crash() -> None:
    device = open_device(DeviceKind.TICKET_PRINTER, fast("escpos+serial:///dev/ttyNOPE9"))
    device.close()
    assert device.health().state is HealthState.FAULT
    assert "/dev/ttyNOPE9" in device.health().reason


def test_serial_uri_without_a_port_is_refused() -> None:
    with pytest.raises(DeviceUriError):
        open_device(DeviceKind.TICKET_PRINTER, "escpos+serial://?baud=19200")
