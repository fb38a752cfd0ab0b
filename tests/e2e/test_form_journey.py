"""Tap through the form journey offscreen: simulated card reader, the real on-screen
keyboard (QtVirtualKeyboard), the sim printer; then read the printed PDF back."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")  # before the app exists

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest

from devices.form_printer.sim import SimFormPrinter
from devices.idcard.sim import SimIdCardReader
from kiosk.flows.form import FormJourney
from tests.e2e.qml_helpers import find_item, tap, text_of, wait_for
from ui.app import KioskUi

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "forms"))
from forms_samples import make_card

RECEIPT = re.compile(r"^T01-\d{8}-[0-9A-Z]{6}$")


def _click(window: QQuickWindow, item: QQuickItem) -> None:
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
    point = QPoint(round(centre.x()), round(centre.y()))
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QGuiApplication.processEvents()


def _keys(item: QQuickItem, out: list[QQuickItem]) -> list[QQuickItem]:
    for child in item.childItems():
        if not child.isVisible():
            continue
        name = child.metaObject().className()
        if name.startswith(("Key_", "BackspaceKey_", "SpaceKey_")):
            out.append(child)
        _keys(child, out)
    return out


def type_on_keyboard(window: QQuickWindow, text: str) -> None:
    """Tap the on-screen keyboard's keys, one character at a time."""
    for ch in text:
        keyboard = find_item(window, "keyboard")
        assert keyboard is not None and keyboard.property("active"), "keyboard not shown"
        wanted = [k for k in _keys(keyboard, []) if str(k.property("text")).lower() == ch.lower()]
        if ch == " " and not wanted:
            wanted = [k for k in _keys(keyboard, []) if "SpaceKey" in k.metaObject().className()]
        assert wanted, f"no key {ch!r} on the keyboard"
        _click(window, wanted[0])


def backspace(window: QQuickWindow) -> None:
    keyboard = find_item(window, "keyboard")
    assert keyboard is not None
    (key,) = [k for k in _keys(keyboard, []) if "BackspaceKey" in k.metaObject().className()]
    _click(window, key)


def _show(window: QQuickWindow, name: str) -> QQuickItem:
    """Scroll the fields list so ``name`` is on screen (as a finger would)."""
    assert wait_for(lambda: find_item(window, name) is not None), f"{name} not shown"
    item = find_item(window, name)
    flick = find_item(window, "formFields")
    assert item is not None and flick is not None
    y = item.mapToItem(flick.property("contentItem"), QPointF(0, 0)).y()
    flick.setProperty("contentY", max(0.0, y - 60))
    QGuiApplication.processEvents()
    return item


def fill_field(window: QQuickWindow, name: str, text: str) -> None:
    _click(window, _show(window, f"input_{name}"))
    type_on_keyboard(window, text)


def pick(window: QQuickWindow, name: str, value: str) -> None:
    _click(window, _show(window, f"option_{name}_{value}"))


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "printed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _to_complete_screen(ui: KioskUi, form_id: str) -> None:
    w = ui.window
    tap(w, "languageButton")  # English: the keyboard opens in its en_US layout
    tap(w, "startButton")
    tap(w, "journey_form")
    tap(w, f"form_{form_id}")
    assert wait_for(lambda: find_item(w, "formCardScreen") is not None)
    reader = ui.terminal.id_card
    assert isinstance(reader, SimIdCardReader)
    reader.insert(make_card())
    assert wait_for(lambda: find_item(w, "formConfirmScreen") is not None)


def test_citizen_fills_and_prints_a_form(kiosk_ui: KioskUi, tmp_path: Path) -> None:
    w = kiosk_ui.window
    printer = kiosk_ui.terminal.form_printer
    assert isinstance(printer, SimFormPrinter)
    _to_complete_screen(kiosk_ui, "hk_macau_travel")
    # The card's fields are shown read-only for the citizen to check.
    assert text_of(w, "cardValue_name") == "张小明"
    assert text_of(w, "cardValue_id_number") == "420103199003070017"
    assert text_of(w, "cardValue_sex") == "Male"
    tap(w, "confirmButton")
    assert wait_for(lambda: find_item(w, "formCompleteScreen") is not None)

    # A wrong first digit is pointed out as it is typed, in plain words.
    fill_field(w, "mobile", "0")
    assert wait_for(lambda: "11 digits starting with 1" in text_of(w, "problem_mobile"))
    backspace(w)
    assert wait_for(lambda: find_item(w, "problem_mobile") is None)
    type_on_keyboard(w, "13800001234")
    fill_field(w, "current_address", "xinhua road wuhan")
    fill_field(w, "emergency_name", "li si")
    fill_field(w, "emergency_phone", "02787654321")
    for name, value in [
        ("permit_action", "first"),
        ("destination", "hk"),
        ("endorsement", "tourism"),
        ("trips", "1"),
        ("had_permit", "no"),
    ]:
        pick(w, name, value)
    journey = kiosk_ui.controller.journey_as(FormJourney)
    assert journey is not None
    assert journey.answers["mobile"] == "13800001234"
    assert journey.answers["current_address"].lower() == "xinhua road wuhan"

    _click(w, _show(w, "nextButton"))
    assert wait_for(lambda: find_item(w, "formReviewScreen") is not None), journey.problems
    tap(w, "printButton")
    assert wait_for(lambda: find_item(w, "formResultScreen") is not None, 15)
    receipt = text_of(w, "formReceipt")
    assert RECEIPT.match(receipt), receipt
    assert text_of(w, "formHeadline") == "Please take your form and sign it at the counter"
    qr = find_item(w, "formQr")
    assert qr is not None and receipt in str(qr.property("source").toString())

    ((title, pdf),) = printer.jobs
    assert receipt in title and "张小明" not in title  # job titles show up in logs
    text = _pdf_text(pdf, tmp_path)
    for expected in (
        "往来港澳通行证及签注申请表",
        "张小明",
        "420103199003070017",
        "13800001234",
        "027",
        "香港 Hong Kong",
        receipt,
    ):
        assert expected in text, expected
    assert "xinhua road wuhan" in text.lower()

    tap(w, "formDoneButton")
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)
    assert kiosk_ui.controller.session is None
    # The session's end wiped the answers and the card.
    assert journey.answers == {} and journey.card is None


def test_paper_out_still_gives_the_receipt(kiosk_ui: KioskUi) -> None:
    w = kiosk_ui.window
    printer = kiosk_ui.terminal.form_printer
    assert isinstance(printer, SimFormPrinter)
    printer.paper_out()
    _to_complete_screen(kiosk_ui, "enterprise_registration")
    tap(w, "confirmButton")
    journey = kiosk_ui.controller.journey_as(FormJourney)
    assert journey is not None
    # Typing is covered above; here the answers go in through the same verbs.
    c, now = kiosk_ui.controller, kiosk_ui.shell.now()
    for name, value in {
        "rep_mobile": "13700001111",
        "enterprise_name": "示范科技有限公司",
        "enterprise_type": "llc",
        "capital": "50",
        "registered_address": "武汉市江汉区市民之家路1号",
        "business_scope": "软件开发",
        "foreign_investment": "no",
    }.items():
        journey.set_answer(name, value, now)
    c.acted(now)
    _click(w, _show(w, "nextButton"))
    tap(w, "printButton")
    assert wait_for(lambda: find_item(w, "formResultScreen") is not None, 15)
    assert text_of(w, "formHeadline") == "The printer is not working, but your form was submitted"
    assert text_of(w, "formMessage") == "缺纸，请联系工作人员 / Out of paper, please ask staff"
    receipt = text_of(w, "formReceipt")
    assert RECEIPT.match(receipt)
    # The form went into the outbox with its print record, in one transaction.
    outbox = kiosk_ui.terminal.outbox
    (item,) = [i for i in outbox.next_batch() if i.kind == "form.enterprise_registration"]
    assert item.record["receipt"] == receipt
    (row,) = [r for r in outbox.db["form_prints"].rows if r["receipt"] == receipt]
    assert row["state"] == "stopped" and row["submission"] == item.key
    assert printer.jobs == []


def test_an_expired_card_is_explained(kiosk_ui: KioskUi) -> None:
    w = kiosk_ui.window
    tap(w, "startButton")
    tap(w, "journey_form")
    tap(w, "form_residence_permit")
    card = make_card()
    card.valid_to = "2020-01-01"
    reader = kiosk_ui.terminal.id_card
    assert isinstance(reader, SimIdCardReader)
    reader.insert(card)
    assert wait_for(lambda: find_item(w, "formConfirmScreen") is not None)
    assert "不能早于" in text_of(w, "cardProblem")
    assert find_item(w, "confirmButton") is None
    tap(w, "backButton")
    assert wait_for(lambda: find_item(w, "formCardScreen") is not None)
