"""A technician holds the hall name, enters the PIN and tests the ticket printer."""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from devices.ticket_printer.sim import SimTicketPrinter
from tests.e2e.qml_helpers import find_item, tap, text_of, wait_for
from ui.app import KioskUi


def long_press(ui: KioskUi, name: str, seconds: float) -> None:
    item = find_item(ui.window, name)
    assert item is not None
    c = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
    point = QPoint(round(c.x()), round(c.y()))
    QTest.mousePress(ui.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QGuiApplication.processEvents()
        time.sleep(0.02)
    QTest.mouseRelease(ui.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def enter(ui: KioskUi, digits: str) -> None:
    for d in digits:
        tap(ui.window, f"pinKey_{d}")
    tap(ui.window, "pinKey_ok")


def test_pin_then_printer_self_test(kiosk_ui: KioskUi) -> None:
    w = kiosk_ui.window
    tap(w, "hallName")  # a short tap is a citizen starting
    assert wait_for(lambda: find_item(w, "menuScreen") is not None)
    tap(w, "exitButton")
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)

    long_press(kiosk_ui, "hallName", 3.3)
    assert wait_for(lambda: find_item(w, "techPinScreen") is not None)
    enter(kiosk_ui, "1357")
    assert wait_for(lambda: text_of(w, "pinMessage") == "密码错误")
    enter(kiosk_ui, "2468")
    assert wait_for(lambda: find_item(w, "techPanelScreen") is not None)

    tap(w, "test_ticket_printer")
    assert wait_for(lambda: text_of(w, "testResult_ticket_printer").startswith("✓"))
    printer = kiosk_ui.terminal.ticket_printer
    assert isinstance(printer, SimTicketPrinter)
    assert [t.number for t in printer.printed] == ["TEST"]

    tap(w, "techExit")
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)
