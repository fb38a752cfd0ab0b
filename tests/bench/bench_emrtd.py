"""Benchmark: a full eMRTD read (EF.COM, DG1, 20 KB DG2) through pcscd + vpcd.

Prints the number of APDUs, READ BINARYs and the time per read for extended-length and
short-length reads, and the time from card placement to the record being available.
Run: .venv/bin/python tests/bench/bench_emrtd.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "devices"))

from emrtd_pcsc import lds_builder
from emrtd_pcsc.chip_emulator import VirtualPassport
from emrtd_pcsc.pcscd import start_pcscd

from devices.health import DeviceEvent, EventKind
from devices.idcard.emrtd import lds
from devices.idcard.pcsc import PcscIdCardReader
from devices.idcard.protocol import DocumentAccess
from devices.uri import DeviceUri

ROUNDS = 5


def _wait_empty(reader: PcscIdCardReader, events: list[DeviceEvent], removed_before: int) -> None:
    end = time.monotonic() + 5
    while time.monotonic() < end:
        if sum(e.kind is EventKind.CARD_REMOVED for e in events) > removed_before:
            return
        time.sleep(0.01)


def main() -> None:
    daemon = start_pcscd(Path(tempfile.mkdtemp(prefix="bench-pcscd-")))
    os.environ["PCSCLITE_CSOCK_NAME"] = str(daemon.socket_path)
    try:
        jpeg, width, height = lds_builder.face_jpeg(20_000)
        files = {
            lds.FID_COM: lds_builder.ef_com(),
            lds.FID_DG1: lds_builder.dg1(),
            lds.FID_DG2: lds_builder.dg2(jpeg, width, height),
        }
        access = DocumentAccess(*lds_builder.SPECIMEN_ACCESS)
        print(f"face JPEG {len(jpeg)} B ({width}x{height}); DG2 file {len(files[lds.FID_DG2])} B")
        reader = PcscIdCardReader(DeviceUri.parse("pcsc://"))
        events: list[DeviceEvent] = []
        reader.start(events.append)
        time.sleep(0.5)
        modes = [
            ("extended length (card announces it)", {"extended": True}),
            ("short APDUs (card without extended length)", {"extended": False}),
            ("extended refused, fallback to short", {"extended": True, "accept_extended": False}),
        ]
        for label, kwargs in modes:
            read_s: list[float] = []
            placed_s: list[float] = []
            stats: dict[str, int] = {}
            for _ in range(ROUNDS):
                chip = VirtualPassport(files, lds_builder.SPECIMEN_ACCESS, **kwargs)  # type: ignore[arg-type]
                removed = sum(e.kind is EventKind.CARD_REMOVED for e in events)
                placed = time.monotonic()
                chip.insert(daemon.port)
                while not any(e.kind is EventKind.CARD_INSERTED for e in events[-3:]):
                    time.sleep(0.002)
                started = time.monotonic()
                doc = reader.read(timeout_s=30, access=access)
                done = time.monotonic()
                assert doc.photo == jpeg
                read_s.append(done - started)
                placed_s.append(done - placed)
                stats = reader.last_stats
                chip.remove()
                _wait_empty(reader, events, removed)
                events.clear()
            print(f"\n{label}:")
            print(
                f"  APDUs per read: {stats['apdus']}  (READ BINARY: {stats['read_binary']},"
                f" chunk {stats['chunk']} B, {stats['bytes_read']} B read)"
            )
            print(
                f"  read time (card already seen): median {statistics.median(read_s) * 1000:.0f} ms"
            )
            print(
                "  card placed -> record available: median"
                f" {statistics.median(placed_s) * 1000:.0f} ms (vpcd/pcscd poll included)"
            )
        reader.close()
    finally:
        daemon.stop()


if __name__ == "__main__":
    main()
