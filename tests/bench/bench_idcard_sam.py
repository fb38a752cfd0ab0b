"""Benchmark: time from placing an ID card on a SAM reader to the record being available.

Runs the real sam:// driver against the pty emulator (tests/devices/idcard/sam), which
paces every byte at the baud rate and waits like a SAM does (find 12 ms, select 15 ms,
read 300 ms, appended address 60 ms). Each trial: place the card at a random moment,
the driver's polling notices it (CARD_INSERTED), the handler calls read(), the record
is there. Prints figures; asserts nothing.

    .venv/bin/python tests/bench/bench_idcard_sam.py [--trials 15]
"""

from __future__ import annotations

import argparse
import queue
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "devices" / "idcard" / "sam"))

from sam_cards import resident_card
from sam_emulator import SamEmulator

from devices.base import DeviceKind
from devices.health import DeviceEvent, EventKind
from devices.idcard.sam.driver import SamIdCardReader
from devices.idcard.sam.link import wire_time_s
from devices.registry import open_device


def run(baud: int, poll_ms: int, trials: int, extra: str = "") -> dict[str, list[float]]:
    emu = SamEmulator(baud=baud)
    reader = open_device(DeviceKind.ID_CARD, f"{emu.uri}&poll_ms={poll_ms}{extra}")
    assert isinstance(reader, SamIdCardReader)
    done: queue.Queue[tuple[float, float]] = queue.Queue()
    removed = threading.Event()

    def on_event(event: DeviceEvent) -> None:
        if event.kind is EventKind.CARD_INSERTED:
            seen = time.monotonic()
            doc = reader.read()
            assert doc.id_number_valid
            done.put((seen, time.monotonic()))
        elif event.kind is EventKind.CARD_REMOVED:
            removed.set()

    out: dict[str, list[float]] = {"total": [], "detect": [], "read": []}
    try:
        reader.start(on_event)
        for _ in range(trials):
            time.sleep(random.uniform(0, poll_ms / 1000))  # cards arrive at any phase
            placed = time.monotonic()
            emu.insert(resident_card())
            seen, available = done.get(timeout=30)
            out["total"].append(available - placed)
            out["detect"].append(seen - placed)
            out["read"].append(available - seen)
            removed.clear()
            emu.remove()
            removed.wait(timeout=10)
    finally:
        reader.close()
        emu.close()
    return out


def show(label: str, figures: dict[str, list[float]]) -> None:
    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20, method="inclusive")[18] * 1000

    parts = []
    for key in ("total", "detect", "read"):
        values = figures[key]
        parts.append(
            f"{key} median {statistics.median(values) * 1000:6.0f} ms"
            f" (p95 {p95(values):5.0f}, max {max(values) * 1000:5.0f})"
        )
    print(f"{label:<34} " + " | ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=15)
    args = parser.parse_args()
    print(
        f"wire time of the 1295-byte read response: {wire_time_s(1295, 115200) * 1000:.0f} ms at"
        f" 115200 baud, {wire_time_s(1295, 9600) * 1000:.0f} ms at 9600"
    )
    print(f"{args.trials} placements each; placement -> record available")
    for label, baud, poll, extra in (
        ("115200 baud, poll 300 ms (default)", 115200, 300, ""),
        ("115200 baud, poll 100 ms", 115200, 100, ""),
        ("115200 baud, poll 300, no 30 03", 115200, 300, "&appended=0"),
        ("115200 baud, poll 300, fingerprint", 115200, 300, "&fingerprint=1"),
        ("9600 baud, poll 300 ms", 9600, 300, ""),
    ):
        show(label, run(baud, poll, args.trials, extra))


if __name__ == "__main__":
    main()
