"""Benchmark: tap-to-bytes-sent latency and bytes per ticket.

"Tap" is the call to TicketService.issue(); "bytes sent" is the moment the emulated
printer has received the ticket's cut command (the whole ticket). Runs the TCP
printer on 127.0.0.1, a pty serial printer and the fake USB bus, with the number
from the offline block and from a fake centre on 127.0.0.1.

    .venv/bin/python tests/bench/bench_ticket_print.py [--tickets 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path[:0] = [
    str(HERE.parent / "devices" / "ticket_printer"),
    str(HERE.parent / "unit" / "tickets"),
]

from central_peer import FakeCentre  # noqa: E402
from escpos_peer import EmulatedPrinter, PtyPrinter, TcpPrinter  # noqa: E402
from usb_fake import FakeUsbBackend, FakeUsbDevice  # noqa: E402

import devices.ticket_printer.usb as usb_driver  # noqa: E402
from devices.base import DeviceKind  # noqa: E402
from devices.registry import open_device  # noqa: E402
from devices.ticket_printer.layout import PrinterProfile, QrMode, render, sample_ticket  # noqa: E402
from kiosk.config.loader import Layer, default_layer, load_layers  # noqa: E402
from kiosk.tickets.service import TicketService, build_allocator  # noqa: E402


class TimedPrinter(EmulatedPrinter):
    """Notes when each ticket's cut arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.cut_at: list[float] = []

    def receive(self, data: bytes) -> bytes:
        reply = super().receive(data)
        while len(self.cut_at) < len(self.reader.paper.cuts):
            self.cut_at.append(time.perf_counter())
        return reply


def config(data_dir: str, central_url: str = ""):  # type: ignore[no-untyped-def]
    text = (
        f'[terminal]\ndata_dir = "{data_dir}"\n[ticket]\ncentral_url = "{central_url}"\n'
        f'verification_secret = "{"b7" * 32}"\n'
    )
    return load_layers([default_layer(), Layer("bench", text, tomllib.loads(text))])


@contextmanager
def tcp() -> Iterator[tuple[str, TimedPrinter]]:
    printer = TimedPrinter()
    with TcpPrinter(printer) as server:
        yield server.uri, printer


@contextmanager
def serial() -> Iterator[tuple[str, TimedPrinter]]:
    printer = TimedPrinter()
    # Paced at the baud rate: the figure includes the bytes' time on the wire.
    with PtyPrinter(printer, baud=115200) as pty_printer:
        yield pty_printer.uri(), printer


@contextmanager
def usb() -> Iterator[tuple[str, TimedPrinter]]:
    printer = TimedPrinter()
    usb_driver.BACKEND = FakeUsbBackend(FakeUsbDevice(0x0416, 0x5011, printer=printer))
    try:
        yield "escpos+usb://0416:5011", printer
    finally:
        usb_driver.BACKEND = None


def run(name: str, transport: Callable[[], object], tickets: int, central_url: str = "") -> None:
    with tempfile.TemporaryDirectory() as data, transport() as (uri, printer):  # type: ignore[attr-defined]
        device = open_device(DeviceKind.TICKET_PRINTER, uri)
        service = TicketService(
            config(data, central_url), device, build_allocator(config(data, central_url))
        )  # type: ignore[arg-type]
        service.issue("HUJI")  # warm up: connection, imports
        allocate = service.allocator.allocate
        alloc_ms: list[float] = []

        def timed_allocate(*args: object) -> object:
            started = time.perf_counter()
            try:
                return allocate(*args)  # type: ignore[arg-type]
            finally:
                alloc_ms.append((time.perf_counter() - started) * 1000)

        service.allocator.allocate = timed_allocate  # type: ignore[assignment, method-assign]
        latencies = []
        cpu0 = time.process_time()
        for _ in range(tickets):
            before = len(printer.cut_at)
            tap = time.perf_counter()
            ticket = service.issue("HUJI")
            assert ticket.printed, ticket.printer_status
            while len(printer.cut_at) <= before:  # the cut may still be on the wire
                time.sleep(0.0005)
            latencies.append((printer.cut_at[before] - tap) * 1000)
        cpu_ms = (time.process_time() - cpu0) * 1000 / tickets
        device.close()
    latencies.sort()
    print(
        f"{name:<28} min {latencies[0]:6.2f}  median {statistics.median(latencies):6.2f}"
        f"  max {latencies[-1]:6.2f} ms   CPU {cpu_ms:5.2f} ms/ticket (this process, the"
        f" emulator included)   number allocation: median {statistics.median(alloc_ms):5.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=50)
    args = parser.parse_args()

    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    ticket = sample_ticket(now)
    print("bytes per ticket (default layout):")
    for label, profile in [
        ("80 mm, native QR", PrinterProfile()),
        ("58 mm, native QR", PrinterProfile(paper_mm=58, chars_per_line=32)),
        ("80 mm, raster QR", PrinterProfile(qr=QrMode.RASTER)),
        ("58 mm, raster QR", PrinterProfile(paper_mm=58, chars_per_line=32, qr=QrMode.RASTER)),
    ]:
        started = time.perf_counter()
        for _ in range(100):
            data = render(ticket, profile).data
        per = (time.perf_counter() - started) * 10
        print(f"  {label:<20} {len(data):6d} bytes   render {per:6.3f} ms")

    wire = len(render(ticket, PrinterProfile()).data) * 10 / 115200 * 1000
    print("tap-to-bytes-sent latency (TicketService.issue -> cut received by the printer);")
    print(f"  an 80 mm ticket takes {wire:.1f} ms on a 115200 baud line (the pty is paced)")
    run("tcp, offline block", tcp, args.tickets)
    run("serial pty 115200, offline", serial, args.tickets)
    run("usb (fake bus), offline", usb, args.tickets)
    with FakeCentre() as centre:
        run("tcp, centre on 127.0.0.1", tcp, args.tickets, centre.url)


if __name__ == "__main__":
    main()
