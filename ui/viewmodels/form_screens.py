"""View-models of the form journey's screens: one class per screen, all thin.

Every rule lives in :mod:`kiosk.flows.form` and :mod:`kiosk.forms`; these only
turn the journey's state into lists the QML can show, in the citizen's language.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import Property, Signal, Slot

from kiosk.flows.form import FormJourney, FormState
from kiosk.forms.model import FieldDef, FieldType
from kiosk.session import Session
from ui.qr import qr_url
from ui.viewmodels.base import ScreenViewModel

# Which on-screen keyboard layout each field type asks for (Qt.InputMethodHint values).
_IMH_NO_PREDICTIVE = 0x40
_IMH_PREFER_NUMBERS = 0x8
_IMH_PREFER_UPPERCASE = 0x200
_IMH_DIALABLE = 0x20000
_IMH_DATE = 0x80
_HINTS = {
    FieldType.PHONE: _IMH_DIALABLE | _IMH_NO_PREDICTIVE,
    FieldType.ID_NUMBER: _IMH_PREFER_NUMBERS | _IMH_PREFER_UPPERCASE | _IMH_NO_PREDICTIVE,
    FieldType.DATE: _IMH_PREFER_NUMBERS | _IMH_NO_PREDICTIVE,
}


class _FormScreen(ScreenViewModel):
    def journey(self) -> FormJourney | None:
        return self._c.journey_as(FormJourney)

    def _title(self) -> str:
        j = self.journey()
        if j is None or j.form is None:
            return ""
        return self.pick(j.form.title, j.form.title_en)

    def label(self, f: FieldDef) -> str:
        return self.pick(f.label, f.label_en)

    @Slot()
    def back(self) -> None:
        """One step back inside the journey; from its first screen, out to the menu."""
        j = self.journey()
        if j is not None and j.back(self.now()):
            self._c.acted(self.now())
        else:
            self._c.back(self.now())


class FormChooseViewModel(_FormScreen):
    changed = Signal()

    def _forms(self) -> list[dict[str, str]]:
        j = self.journey()
        if j is None:
            return []
        return [
            {
                "id": f.id,
                "title": self.pick(f.title, f.title_en),
                "other": self.pick(f.title_en, f.title),
            }
            for f in j.forms()
        ]

    forms = Property("QVariantList", _forms, notify=changed)

    @Slot(str)
    def choose(self, form_id: str) -> None:
        j = self.journey()
        if j is not None:  # None: a late tap after the journey ended
            j.choose(form_id, self.now())
            self._c.acted(self.now())


class FormCardViewModel(_FormScreen):
    changed = Signal()
    title = Property(str, _FormScreen._title, notify=changed)


class FormConfirmViewModel(_FormScreen):
    """The fields the ID card filled, read-only, for the citizen to check."""

    changed = Signal()

    def _rows(self) -> list[dict[str, str]]:
        j = self.journey()
        if j is None or j.form is None:
            return []
        values = j.card_values()
        filled = [f for f in j.form.fields() if f.name in values]
        return [
            {
                "name": f.name,
                "label": self.label(f),
                "value": _display(f, values[f.name], self.pick),
            }
            for f in filled
        ]

    def _problem(self) -> str:
        j = self.journey()
        if j is None or not j.card_problems:
            return ""
        return "\n".join(p.text(self._c.language) for p in j.card_problems)

    title = Property(str, _FormScreen._title, notify=changed)
    rows = Property("QVariantList", _rows, notify=changed)
    problem = Property(str, _problem, notify=changed)

    @Slot()
    def confirm(self) -> None:
        j = self.journey()
        if j is not None and not j.card_problems:
            j.confirm_card(self.now())
            self._c.acted(self.now())


class FormCompleteViewModel(_FormScreen):
    """The fields still to fill. ``fields`` only changes when the screen is entered, so
    the QML inputs are not rebuilt (and lose focus) on every keystroke."""

    changed = Signal()
    fieldsChanged = Signal()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown_for: tuple[int, FormState] | None = None
        # The Pinyin keyboard learns what is typed; point it at a private folder that
        # is emptied when each citizen's session ends (see wipe_keyboard).
        self._keyboard_dir = Path(tempfile.mkdtemp(prefix="kiosk-vkb-"))
        self._sessions_seen: set[str] = set()
        self._keyboard_fresh_for = ""
        self._c.on_change(self._maybe_new_fields)

    def _maybe_new_fields(self) -> None:
        j = self.journey()
        key = (id(j), j.state) if j is not None else None
        if key != self._shown_for:
            self._shown_for = key
            self.fieldsChanged.emit()
        session = self._c.session
        if session is not None and session.id not in self._sessions_seen:
            self._sessions_seen.add(session.id)
            session.on_end(self.wipe_keyboard)

    def wipe_keyboard(self, _session: Session | None = None) -> None:
        """Forget everything the keyboard learned during the session (on disk; the
        engine's memory is reset when the next citizen's keyboard appears)."""
        for child in self._keyboard_dir.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)

    def _needs_reset(self) -> bool:
        session = self._c.session
        return session is not None and session.id != self._keyboard_fresh_for

    @Slot()
    def keyboardResetDone(self) -> None:
        session = self._c.session
        self._keyboard_fresh_for = session.id if session is not None else ""

    def _fields(self) -> list[dict[str, object]]:
        j = self.journey()
        if j is None:
            return []
        return [
            {
                "name": f.name,
                "type": f.type.value,
                "label": self.label(f),
                "help": self.pick(f.help, f.help_en),
                "required": f.required,
                "value": j.answers.get(f.name, ""),
                "hints": _HINTS.get(f.type, 0),
                "options": _options(f, self.pick),
            }
            for f in j.typed_fields()
        ]

    def _problems(self) -> dict[str, str]:
        j = self.journey()
        if j is None:
            return {}
        return {name: p.text(self._c.language) for name, p in j.problems.items()}

    def _answers(self) -> dict[str, str]:
        j = self.journey()
        return dict(j.answers) if j is not None else {}

    def _keyboard_path(self) -> str:
        return str(self._keyboard_dir)

    def _keyboard_locale(self) -> str:
        return "zh_CN" if self._c.language == "zh_CN" else "en_US"

    title = Property(str, _FormScreen._title, notify=changed)
    fields = Property("QVariantList", _fields, notify=fieldsChanged)
    problems = Property("QVariantMap", _problems, notify=changed)
    answers = Property("QVariantMap", _answers, notify=changed)
    keyboardDataPath = Property(str, _keyboard_path, constant=True)
    keyboardLocale = Property(str, _keyboard_locale, notify=changed)
    keyboardNeedsReset = Property(bool, _needs_reset, notify=changed)

    @Slot(str, str)
    def setAnswer(self, name: str, value: str) -> None:
        j = self.journey()
        if j is not None:
            j.set_answer(name, value, self.now())
            self._c.acted(self.now())

    @Slot()
    def submit(self) -> None:
        j = self.journey()
        if j is not None:
            j.submit_answers(self.now())
            self._c.acted(self.now())


class FormReviewViewModel(_FormScreen):
    changed = Signal()

    def _rows(self) -> list[dict[str, object]]:
        j = self.journey()
        if j is None or j.filled is None:
            return []
        filled = j.filled
        return [
            {
                "label": self.label(f),
                "value": filled.display(f),
                "fromCard": f.name in filled.card_fields,
            }
            for f in filled.form.fields()
            if f.is_input
        ]

    title = Property(str, _FormScreen._title, notify=changed)
    rows = Property("QVariantList", _rows, notify=changed)

    @Slot()
    def print(self) -> None:
        j = self.journey()
        if j is not None and j.filled is not None:
            j.print(self.now())
            self._c.acted(self.now())


class FormResultViewModel(_FormScreen):
    changed = Signal()
    countdownChanged = Signal()

    def _printed(self) -> bool:
        j = self.journey()
        return j is not None and j.state is FormState.DONE

    def _receipt(self) -> str:
        j = self.journey()
        return j.receipt if j is not None else ""

    def _message(self) -> str:
        j = self.journey()
        if j is None or j.outcome is None:
            return ""
        return j.outcome.job.message

    def _qr(self) -> str:
        receipt = self._receipt()
        return qr_url(receipt) if receipt else ""

    title = Property(str, _FormScreen._title, notify=changed)
    printed = Property(bool, _printed, notify=changed)
    receipt = Property(str, _receipt, notify=changed)
    message = Property(str, _message, notify=changed)
    qrSource = Property(str, _qr, notify=changed)
    secondsLeft = Property(int, ScreenViewModel.seconds_left, notify=countdownChanged)

    @Slot()
    def done(self) -> None:
        self._c.finish(self.now())


def _options(f: FieldDef, pick) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    if f.type is FieldType.YES_NO:
        return [
            {"value": "yes", "label": pick("是", "Yes")},
            {"value": "no", "label": pick("否", "No")},
        ]
    return [{"value": o.value, "label": pick(o.label, o.label_en)} for o in f.options]


def _display(f: FieldDef, value: str, pick) -> str:  # type: ignore[no-untyped-def]
    option = f.option(value) if f.options else None
    if option is not None:
        return str(pick(option.label, option.label_en))
    if value == "long-term":
        return str(pick("长期", "Long-term"))
    return value
