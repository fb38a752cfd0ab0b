"""``kiosk tour``: drive the kiosk through every screen and save each as a PNG.

Runs on simulated devices in a throw-away data folder, with a clock the tour moves
by hand so countdowns show fixed values.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from devices.base import DeviceKind
from devices.ticket_printer.protocol import PrinterFault
from devices.ticket_printer.sim import SimTicketPrinter
from kiosk.config import KioskConfig
from kiosk.flows.diagnostics import DiagnosticsJourney
from kiosk.flows.kiosk import KioskController
from kiosk.flows.ticket import TicketJourney, TicketResult
from kiosk.technician.pin import hash_pin
from kiosk.terminal import build_terminal
from ui.app import KioskUi


class ManualClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


# The tour signs in with the shipped default PIN (a terminal in a hall has its own).
TOUR_PIN = "2468"


def simulated(config: KioskConfig, data_dir: Path) -> KioskConfig:
    """The same config with every device simulated and data kept in ``data_dir``."""
    devices = config.devices.model_copy(
        update={
            "id_card": "sim://",
            "camera": "sim://",
            "form_printer": "sim://?delay_ms=50",
            "ticket_printer": "sim://?delay_ms=50",
        }
    )
    terminal = config.terminal.model_copy(update={"data_dir": str(data_dir)})
    technician = config.technician.model_copy(update={"pin_hash": hash_pin(TOUR_PIN, 1000)})
    return config.model_copy(
        update={"devices": devices, "terminal": terminal, "technician": technician}
    )


def settle(ui: KioskUi, until: Callable[[], bool] | None = None, timeout_s: float = 5.0) -> None:
    """Let Qt lay out and paint; optionally wait for a condition in the core."""
    deadline = time.monotonic() + timeout_s
    while True:
        QGuiApplication.processEvents()
        ui.tick()
        if until is None or until() or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    for _ in range(5):
        QGuiApplication.processEvents()
        time.sleep(0.01)


def choose(c: KioskController, code: str, now: float) -> None:
    """What a tap on a service tile does."""
    journey = c.journey_as(TicketJourney)
    assert journey is not None
    journey.choose(code, now)
    c.acted(now)


def ticket_result(c: KioskController) -> TicketResult | None:
    journey = c.journey_as(TicketJourney)
    return journey.result if journey is not None else None


def render_tour(config: KioskConfig, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-tour-") as tmp:
        clock = ManualClock()
        ui = KioskUi(build_terminal(simulated(config, Path(tmp))), clock=clock)
        ui.window.resize(1920, 1080)
        ui.window.show()
        c = ui.controller
        printer = ui.terminal.ticket_printer
        first_service = config.services[0].code
        try:
            for language in ("zh_CN", "en"):
                for large in (False, True):
                    suffix = f"{language}{'-large' if large else ''}"

                    def shot(name: str, suffix: str = suffix) -> None:
                        settle(ui)
                        path = out / f"{name}-{suffix}.png"
                        ui.grab(path)
                        written.append(path)

                    c.set_language(language, clock())
                    c.set_large_text(large, clock())
                    shot("01-attract")
                    c.start(clock())
                    shot("02-menu")
                    c.open_journey("ticket", clock())
                    shot("03-ticket-services")
                    choose(c, first_service, clock())
                    shot("04-ticket-printing")
                    settle(ui, lambda: ticket_result(c) is not None)
                    shot("05-ticket-done")
                    c.finish(clock())
                    c.set_language(language, clock())
                    c.set_large_text(large, clock())
                    c.start(clock())
                    c.open_journey("ticket", clock())
                    if isinstance(printer, SimTicketPrinter):
                        printer.inject(PrinterFault.PAPER_OUT)
                    choose(c, first_service, clock())
                    settle(ui, lambda: ticket_result(c) is not None)
                    shot("06-ticket-not-printed")
                    if isinstance(printer, SimTicketPrinter):
                        printer.inject(None)
                    c.finish(clock())
                    c.set_language(language, clock())
                    c.set_large_text(large, clock())
                    c.start(clock())
                    clock.advance(config.ui.idle_timeout_s + 3)
                    shot("07-idle-warning")
                    c.cancel(clock())
                    c.set_language(language, clock())
                    c.set_large_text(large, clock())
                    c.open_journey("diagnostics", clock())
                    shot("08-technician-pin")
                    diag = c.journey_as(DiagnosticsJourney)
                    assert diag is not None
                    diag.enter_pin(TOUR_PIN, clock())
                    diag.run_test(DeviceKind.TICKET_PRINTER)
                    settle(ui, lambda d=diag: not d.idle_exempt)  # type: ignore[misc]
                    shot("09-technician-panel")
                    c.cancel(clock())
        finally:
            ui.close()
    return written
