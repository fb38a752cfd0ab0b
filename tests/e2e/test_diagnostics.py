"""A technician holds the hall name, enters the PIN and tests the ticket printer."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from devices.ticket_printer.sim import SimTicketPrinter
from kiosk.config import KioskConfig
from kiosk.technician.pin import hash_pin
from kiosk.terminal import build_terminal
from tests.e2e.qml_helpers import find_item, tap, text_of, wait_for
from tests.support import make_config
from ui.app import KioskUi

PIN = "583920"


@pytest.fixture
def config(tmp_path: Path) -> KioskConfig:
    """A terminal whose technician set a PIN (none ships)."""
    return make_config(
        tmp_path / "data", f'[technician]\npin_hash = "{hash_pin(PIN, iterations=1000)}"\n'
    )


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
    enter(kiosk_ui, "135702")
    assert wait_for(lambda: text_of(w, "pinMessage") == "密码错误")
    enter(kiosk_ui, PIN)
    assert wait_for(lambda: find_item(w, "techPanelScreen") is not None)

    tap(w, "test_ticket_printer")
    assert wait_for(lambda: text_of(w, "testResult_ticket_printer").startswith("✓"))
    printer = kiosk_ui.terminal.ticket_printer
    assert isinstance(printer, SimTicketPrinter)
    assert [t.number for t in printer.printed] == ["TEST"]

    tap(w, "techExit")
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)


def test_without_a_pin_the_pad_says_so_and_opens_for_nobody(qapp: object, tmp_path: Path) -> None:
    ui = KioskUi(build_terminal(make_config(tmp_path / "shipped")))  # the defaults: no PIN
    ui.window.resize(1920, 1080)
    ui.window.show()
    try:
        w = ui.window
        assert wait_for(lambda: find_item(w, "hallName") is not None)
        long_press(ui, "hallName", 3.3)
        assert wait_for(lambda: find_item(w, "techPinScreen") is not None)
        assert text_of(w, "pinMessage") == "未设置技术人员密码，请用 kiosk technician set-pin 设置"
        enter(ui, "2468")  # the PIN the README once published
        assert wait_for(lambda: text_of(w, "pinMessage").startswith("未设置技术人员密码"))
        assert find_item(w, "techPanelScreen") is None
    finally:
        ui.close()
