"""Tap through the form journey offscreen: simulated card reader, the real on-screen
keyboard (QtVirtualKeyboard, loaded by the app itself), the sim printer; then read the
printed PDF back."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest

from devices.form_printer.sim import SimFormPrinter
from devices.idcard.sim import SimIdCardReader
from devices.voice.sim import SimVoice
from kiosk.flows.form import FormJourney
from kiosk.forms.dates import add_months
from tests.e2e.qml_helpers import find_item, tap, text_of, wait_for
from ui.app import KioskUi

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "forms"))
from forms_samples import make_card

RECEIPT = re.compile(r"^T01-\d{8}-[0-9A-Z]{6}$")
REPO = Path(__file__).resolve().parents[2]
H = Qt.InputMethodHint


def _click(window: QQuickWindow, item: QQuickItem) -> None:
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
    point = QPoint(round(centre.x()), round(centre.y()))
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QGuiApplication.processEvents()


def _keys(item: QQuickItem, out: list[QQuickItem]) -> list[QQuickItem]:
    for child in item.childItems():
        if not child.isVisible():
            continue
        if "Key_" in child.metaObject().className():
            out.append(child)
        _keys(child, out)
    return out


def _key(window: QQuickWindow, kind: str) -> QQuickItem | None:
    """A special key (``SymbolModeKey``, ``BackspaceKey``...) of the keyboard shown now."""
    keyboard = find_item(window, "keyboard")
    assert keyboard is not None
    found = [k for k in _keys(keyboard, []) if k.metaObject().className().startswith(kind)]
    return found[0] if found else None


def key_texts(window: QQuickWindow) -> set[str]:
    keyboard = find_item(window, "keyboard")
    assert keyboard is not None and keyboard.property("active"), "keyboard not shown"
    return {str(k.property("text")) for k in _keys(keyboard, [])}


def type_on_keyboard(window: QQuickWindow, text: str) -> None:
    """Tap the on-screen keyboard's keys, one character at a time (switching to the
    symbols page for a character the letters page does not have)."""
    for ch in text:
        keyboard = find_item(window, "keyboard")
        assert keyboard is not None and keyboard.property("active"), "keyboard not shown"

        def wanted(keyboard: QQuickItem = keyboard, ch: str = ch) -> list[QQuickItem]:
            keys = _keys(keyboard, [])
            if ch == " ":
                return [k for k in keys if k.metaObject().className().startswith("SpaceKey")]
            return [k for k in keys if str(k.property("text")).lower() == ch.lower()
                    and k.metaObject().className().startswith("Key_")]  # fmt: skip

        found = wanted()
        switched = False
        if not found and (mode := _key(window, "SymbolModeKey")) is not None:
            _click(window, mode)
            switched, found = True, wanted()
        assert found, f"no key {ch!r} on the keyboard"
        _click(window, found[0])
        if switched and (mode := _key(window, "SymbolModeKey")) is not None:
            _click(window, mode)


def backspace(window: QQuickWindow) -> None:
    key = _key(window, "BackspaceKey")
    assert key is not None
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


def _scene_y(item: QQuickItem) -> float:
    return float(item.mapToScene(QPointF(0, 0)).y())


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


def _to_confirm_screen(ui: KioskUi, form_id: str, english: bool = True) -> None:
    w = ui.window
    if english:
        tap(w, "languageButton")  # English: the keyboard opens in its en_US layout
    tap(w, "startButton")
    tap(w, "journey_form")
    tap(w, f"form_{form_id}")
    assert wait_for(lambda: find_item(w, "formCardScreen") is not None)
    reader = ui.terminal.id_card
    assert isinstance(reader, SimIdCardReader)
    reader.insert(make_card())  # placed now: a card_inserted event reaches the journey
    assert wait_for(lambda: find_item(w, "formConfirmScreen") is not None)


def _to_complete_screen(ui: KioskUi, form_id: str) -> FormJourney:
    _to_confirm_screen(ui, form_id)
    tap(ui.window, "confirmButton")
    assert wait_for(lambda: find_item(ui.window, "formCompleteScreen") is not None)
    journey = ui.controller.journey_as(FormJourney)
    assert journey is not None
    return journey


def test_citizen_fills_and_prints_a_form(kiosk_ui: KioskUi, tmp_path: Path) -> None:
    w = kiosk_ui.window
    printer = kiosk_ui.terminal.form_printer
    assert isinstance(printer, SimFormPrinter)
    _to_confirm_screen(kiosk_ui, "hk_macau_travel")
    # The card's fields are shown read-only, in one language.
    assert text_of(w, "cardValue_name") == "张小明"
    assert text_of(w, "cardValue_id_number") == "420103199003070017"
    assert text_of(w, "cardValue_sex") == "Male"
    tap(w, "confirmButton")
    assert wait_for(lambda: find_item(w, "formCompleteScreen") is not None)
    journey = kiosk_ui.controller.journey_as(FormJourney)
    assert journey is not None

    # Phone: a dial pad. A wrong first digit is not judged while typing...
    fill_field(w, "mobile", "0")
    keys = key_texts(w)
    assert {"*", "#", "0", "9"} <= keys and not {"√", "÷", "×", "%"} & keys
    assert text_of(w, "problem_mobile") == ""
    below = find_item(w, "field_current_address")
    assert below is not None
    y_before = below.y()  # its place in the list
    # ...but when the citizen leaves the field, and the line below does not move.
    _click(w, _show(w, "pickAddress_current_address"))
    assert wait_for(lambda: "11 digits starting with 1" in text_of(w, "problem_mobile"))
    assert below.y() == y_before
    # The address: district and street picked, only the number typed.
    tap(w, "district_江汉区")
    tap(w, "street_新华路")
    _click(w, _show(w, "input_mobile"))
    backspace(w)
    type_on_keyboard(w, "13800001234")
    assert wait_for(lambda: text_of(w, "problem_mobile") == "")  # right: gone at once
    _click(w, _show(w, "house_current_address"))
    type_on_keyboard(w, "12")
    assert journey.answers["current_address"] == "湖北省武汉市江汉区新华路12"
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
    # The date: from the picker, starting today.
    _click(w, _show(w, "pickDate_departure_date"))
    tap(w, "date_up_m")
    tap(w, "dateDoneButton")
    next_month = add_months(date.today(), 1).isoformat()
    assert journey.answers["departure_date"] == next_month
    assert journey.answers["mobile"] == "13800001234"
    assert journey.answers["emergency_name"].lower() == "li si"

    _click(w, _show(w, "nextButton"))
    assert wait_for(lambda: find_item(w, "formReviewScreen") is not None), journey.problems
    tap(w, "printButton")
    assert wait_for(lambda: find_item(w, "formResultScreen") is not None, 15)
    receipt = text_of(w, "formReceipt")
    assert RECEIPT.match(receipt), receipt
    assert text_of(w, "formHeadline") == "Please take your form and sign it at the counter"
    qr = find_item(w, "formQr")
    assert qr is not None and receipt in str(qr.property("source").toString())
    # The card still lies on the reader: the screen asks the citizen to take it.
    assert find_item(w, "takeCardText") is not None
    reader = kiosk_ui.terminal.id_card
    assert isinstance(reader, SimIdCardReader)
    reader.remove()
    assert wait_for(lambda: find_item(w, "takeCardText") is None)

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
        "江汉区新华路12",
        next_month,
        receipt,
    ):
        assert expected in text, expected

    tap(w, "formDoneButton")
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)
    assert kiosk_ui.controller.session is None
    # The session's end wiped the answers and the card.
    assert journey.answers == {} and journey.card is None


def test_paper_out_gives_the_receipt_and_the_job_never_prints_later(kiosk_ui: KioskUi) -> None:
    w = kiosk_ui.window
    printer = kiosk_ui.terminal.form_printer
    assert isinstance(printer, SimFormPrinter)
    printer.paper_out()
    journey = _to_complete_screen(kiosk_ui, "enterprise_registration")
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
    assert text_of(w, "formMessage") == "Out of paper, please ask staff"  # one language
    receipt = text_of(w, "formReceipt")
    assert RECEIPT.match(receipt)
    # The form went into the outbox with its receipt row before the printer was asked.
    outbox = kiosk_ui.terminal.outbox
    (item,) = [i for i in outbox.next_batch() if i.kind == "form.enterprise_registration"]
    assert item.record["receipt"] == receipt
    (row,) = [r for r in outbox.db["form_prints"].rows if r["receipt"] == receipt]
    assert row["state"] == "stopped" and row["submission"] == item.key
    assert printer.jobs == [] and len(printer.waiting) == 1
    # The citizen leaves; then staff refill the paper: the form does not come out.
    tap(w, "formDoneButton")
    assert wait_for(lambda: printer.waiting == {})
    printer.recover()
    assert printer.jobs == []
    (row,) = [r for r in outbox.db["form_prints"].rows if r["receipt"] == receipt]
    assert row["state"] == "cancelled"


def test_next_scrolls_to_and_says_the_first_problem(kiosk_ui: KioskUi) -> None:
    w = kiosk_ui.window
    _to_complete_screen(kiosk_ui, "hk_macau_travel")
    _click(w, _show(w, "nextButton"))  # nothing filled in; the list is scrolled down
    flick = find_item(w, "formFields")
    first = find_item(w, "field_mobile")
    assert flick is not None and first is not None
    top = _scene_y(flick)

    def first_in_view() -> bool:
        y = _scene_y(first)
        return top <= y and y + 150 <= top + flick.height()

    assert wait_for(first_in_view)
    assert text_of(w, "problem_mobile") == "This item is required"
    voice = kiosk_ui.terminal.voice
    assert isinstance(voice, SimVoice)
    assert wait_for(lambda: ("en", "Mobile phone: This item is required") in voice.said)


def test_exit_on_a_half_filled_form_asks_first(kiosk_ui: KioskUi) -> None:
    w = kiosk_ui.window
    journey = _to_complete_screen(kiosk_ui, "hk_macau_travel")
    tap(w, "exitButton")  # nothing typed yet: leaves at once
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)
    journey = _to_complete_screen(kiosk_ui, "hk_macau_travel")
    pick(w, "trips", "2")
    fill_field(w, "emergency_name", "wang")
    tap(w, "exitButton")
    assert wait_for(lambda: find_item(w, "exitConfirm") is not None)
    assert "the 2 answers you typed" in text_of(w, "exitLoses")
    tap(w, "keepFillingButton")
    assert find_item(w, "exitConfirm") is None
    assert find_item(w, "formCompleteScreen") is not None and journey.answers["trips"] == "2"
    tap(w, "exitButton")
    tap(w, "exitConfirmButton")
    assert wait_for(lambda: find_item(w, "attractScreen") is not None)
    assert kiosk_ui.controller.session is None and journey.answers == {}


def test_citizen_fields_keep_the_keyboard_from_learning(kiosk_ui: KioskUi) -> None:
    """Issue 13 item 9: every citizen field is sensitive and gets no predictions."""
    w = kiosk_ui.window
    journey = _to_complete_screen(kiosk_ui, "enterprise_registration")
    citizen = int((H.ImhSensitiveData | H.ImhNoPredictiveText).value)
    names = [f.name for f in journey.typed_fields() if f.type.value in ("text", "phone")]
    assert names

    def hints(name: str) -> int:
        return int(_show(w, name).property("inputMethodHints").value)

    for name in names:
        assert hints(f"input_{name}") & citizen == citizen, name
    assert hints("house_registered_address") & citizen == citizen
    assert hints("input_rep_mobile") & int(H.ImhDialableCharactersOnly.value)


def test_review_shows_typed_text_as_plain_text(kiosk_ui: KioskUi) -> None:
    """Issue 13 item 9: a typed ``<img>`` or ``<font>`` is shown as typed, not rendered."""
    w = kiosk_ui.window
    journey = _to_complete_screen(kiosk_ui, "enterprise_registration")
    now = kiosk_ui.shell.now()
    markup = '<font size=7>大</font><img src="a.png">'
    answers = {
        "rep_mobile": "13700001111",
        "enterprise_name": markup,
        "enterprise_type": "llc",
        "capital": "50",
        "registered_address": "武汉市江汉区市民之家路1号",
        "business_scope": "软件开发",
        "foreign_investment": "no",
    }
    for name, value in answers.items():
        journey.set_answer(name, value, now)
    kiosk_ui.controller.acted(now)
    _click(w, _show(w, "nextButton"))
    assert wait_for(lambda: find_item(w, "formReviewScreen") is not None), journey.problems
    shown = []
    stack = [w.contentItem()]
    while stack:
        item = stack.pop()
        if item.objectName() == "reviewValue":
            shown.append(item)
        stack.extend(item.childItems())
    (value,) = [i for i in shown if "<img" in str(i.property("text"))]
    # Shown as typed, every character: rendered as markup it would be one big 大 and a
    # broken image, less than 100 px wide.
    assert value.property("contentWidth") > 400


def test_an_expired_card_is_explained(kiosk_ui: KioskUi) -> None:
    w = kiosk_ui.window
    tap(w, "startButton")
    tap(w, "journey_form")
    tap(w, "form_residence_permit")
    assert wait_for(lambda: find_item(w, "formCardScreen") is not None)
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
    # The card read a moment ago still lies there: it must be lifted, not read again.
    assert "请先拿走" in text_of(w, "placeCardText")


def test_long_english_labels_never_run_into_their_value(kiosk_ui: KioskUi) -> None:
    w = kiosk_ui.window
    for large in (False, True):
        kiosk_ui.controller.set_language("en", kiosk_ui.shell.now())
        kiosk_ui.controller.set_large_text(large, kiosk_ui.shell.now())
        _to_confirm_screen(kiosk_ui, "hk_macau_travel", english=False)
        label = find_item(w, "cardLabel_hukou_address")
        value = find_item(w, "cardValue_hukou_address")
        assert label is not None and value is not None
        assert text_of(w, "cardLabel_hukou_address") == "Registered (hukou) address"
        label_right = label.mapToScene(QPointF(label.property("contentWidth"), 0)).x()
        assert label_right < value.mapToScene(QPointF(0, 0)).x()
        tap(w, "exitButton")
        assert wait_for(lambda: find_item(w, "attractScreen") is not None)


def test_the_app_loads_the_on_screen_keyboard_itself(tmp_path: Path) -> None:
    """Issue 15 item 1: nothing outside the app has to set QT_IM_MODULE."""
    env = {k: v for k, v in os.environ.items() if k != "QT_IM_MODULE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    code = (
        "import os; from ui.app import application; application();print(os.environ['QT_IM_MODULE'])"
    )
    for preset, expected in ((None, "qtvirtualkeyboard"), ("ibus", "ibus")):
        if preset is not None:
            env["QT_IM_MODULE"] = preset  # a deliberate setting is left alone
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True
        )
        assert done.stdout.strip() == expected, done.stderr[-2000:]
