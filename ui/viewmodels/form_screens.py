"""View-models of the form journey's screens: one class per screen, all thin.

Every rule lives in :mod:`kiosk.flows.form` and :mod:`kiosk.forms`; these only
turn the journey's state into lists the QML can show, in the citizen's language
(one language per screen: the printed form is the only place with both).
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import Property, Qt, Signal, Slot

from kiosk.flows.form import CardStep, FormJourney, FormState
from kiosk.forms.filled import display_value
from kiosk.forms.model import FieldDef, FieldType
from kiosk.session import Session
from ui.qr import qr_url
from ui.viewmodels.base import ScreenViewModel

H = Qt.InputMethodHint
# Every citizen field: the Pinyin keyboard must not learn what is typed on a shared
# terminal, and must not suggest what the last citizen typed.
_CITIZEN = H.ImhSensitiveData | H.ImhNoPredictiveText
_KEYBOARDS = {
    "text": _CITIZEN,
    "digits": _CITIZEN | H.ImhDigitsOnly,
    "number": _CITIZEN | H.ImhFormattedNumbersOnly,
    "email": _CITIZEN | H.ImhEmailCharactersOnly | H.ImhNoAutoUppercase,
    "latin": _CITIZEN | H.ImhLatinOnly | H.ImhPreferUppercase,
}
_PHONE = _CITIZEN | H.ImhDialableCharactersOnly  # a dial pad, not the calculator pad


def input_hints(f: FieldDef) -> int:
    """The Qt input-method hints for a typed field (as the int QML takes)."""
    hints = _PHONE if f.type is FieldType.PHONE else _KEYBOARDS[f.keyboard]
    return int(hints.value)


HOUSE_HINTS = int(_CITIZEN.value)  # the typed part of an address


def _date_text(day: date, language: str) -> str:
    if language.startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    return day.strftime("%d %b %Y").lstrip("0")


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

    def _exit_warning(self) -> str:
        """What Exit would throw away, when that is typed work (else Exit asks nothing)."""
        j = self.journey()
        if j is None or j.state not in (
            FormState.CONFIRM_CARD,
            FormState.COMPLETE,
            FormState.REVIEW,
        ):
            return ""
        n = len(j.typed_answers())
        if n == 0:
            return ""
        return self.pick(
            f"退出后，您已填写的 {n} 项内容和身份证信息都会被清除，不会保存，也不会打印。",
            f"If you exit now, the {n} answers you typed and the details from your ID card"
            " are cleared: nothing is kept or printed.",
        )

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
                "summary": self.pick(f.summary, f.summary_en),
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


class FormUnavailableViewModel(_FormScreen):
    """The outbox cannot take a form now: said before the citizen starts."""

    changed = Signal()


class FormCardViewModel(_FormScreen):
    changed = Signal()

    def _step(self) -> str:
        j = self.journey()
        return j.card_step.name.lower() if j is not None else CardStep.PLACE.name.lower()

    title = Property(str, _FormScreen._title, notify=changed)
    step = Property(str, _step, notify=changed)


class FormConfirmViewModel(_FormScreen):
    """The fields the ID card filled, read-only, for the citizen to check."""

    changed = Signal()

    def _rows(self) -> list[dict[str, str]]:
        j = self.journey()
        if j is None or j.form is None:
            return []
        values = j.card_values()
        return [
            {
                "name": f.name,
                "label": self.label(f),
                "value": display_value(f, values[f.name], self._c.language),
            }
            for f in j.form.fields()
            if f.name in values
        ]

    def _problem(self) -> str:
        j = self.journey()
        if j is None or not j.card_problems:
            return ""
        return "\n".join(p.text(self._c.language) for p in j.card_problems)

    title = Property(str, _FormScreen._title, notify=changed)
    rows = Property("QVariantList", _rows, notify=changed)
    problem = Property(str, _problem, notify=changed)
    exitWarning = Property(str, _FormScreen._exit_warning, notify=changed)

    @Slot()
    def confirm(self) -> None:
        j = self.journey()
        if j is not None and not j.card_problems:
            j.confirm_card(self.now())
            self._c.acted(self.now())


class FormCompleteViewModel(_FormScreen):
    """The fields still to fill. ``fields`` only changes when the screen is entered, so
    the QML inputs are not rebuilt (and lose focus) on every keystroke; what changes
    while the citizen works (answers, problems, picker texts) comes in maps."""

    changed = Signal()
    fieldsChanged = Signal()
    # After a Next that found problems: the index (in ``fields``) of the first one, for
    # the screen to scroll to (the voice says it: see kiosk.voice).
    showProblem = Signal(int)

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

    def _kind(self, f: FieldDef) -> str:
        if f.options or f.type is FieldType.YES_NO:
            return "choice"
        if f.type is FieldType.ADDRESS:
            return "address"
        if f.type is FieldType.DATE:
            return "date"
        return "text"

    def _fields(self) -> list[dict[str, object]]:
        j = self.journey()
        if j is None:
            return []
        out: list[dict[str, object]] = []
        for f in j.typed_fields():
            kind = self._kind(f)
            out.append(
                {
                    "name": f.name,
                    "kind": kind,
                    "label": self.label(f),
                    "help": self.pick(f.help, f.help_en),
                    "required": f.required,
                    "hints": input_hints(f) if kind == "text" else HOUSE_HINTS,
                    "options": _options(f, self.pick),
                    "range": self._range_text(j, f) if kind == "date" else "",
                }
            )
        return out

    def _range_text(self, j: FormJourney, f: FieldDef) -> str:
        low, high = j.date_range(f.name)
        lang = self._c.language
        return self.pick(
            f"可选 {_date_text(low, lang)} 至 {_date_text(high, lang)}",
            f"From {_date_text(low, lang)} to {_date_text(high, lang)}",
        )

    def _problems(self) -> dict[str, str]:
        j = self.journey()
        if j is None:
            return {}
        return {name: p.text(self._c.language) for name, p in j.problems.items()}

    def _answers(self) -> dict[str, str]:
        j = self.journey()
        return dict(j.answers) if j is not None else {}

    def _picked(self) -> dict[str, str]:
        """What a picker button shows now: the district and street, or the date."""
        j = self.journey()
        if j is None:
            return {}
        out: dict[str, str] = {}
        for name, choice in j.addresses.items():
            district = j.places.district(choice.district)
            street = district.street(choice.street) if district and choice.street else None
            parts = [
                self.pick(district.name, district.name_en) if district else choice.district,
                self.pick(street.name, street.name_en) if street else "",
            ]
            out[name] = " ".join(p for p in parts if p)
        for f in j.typed_fields():
            if f.type is FieldType.DATE:
                day = j.date_value(f.name)
                if day is not None:
                    out[f.name] = _date_text(day, self._c.language)
        return out

    def _houses(self) -> dict[str, str]:
        j = self.journey()
        if j is None:
            return {}
        return {name: choice.house for name, choice in j.addresses.items()}

    def _streets_listed(self) -> dict[str, bool]:
        """Per address field: True when its street came from the list (type the number
        only), False when the citizen types the street too."""
        j = self.journey()
        if j is None:
            return {}
        return {name: bool(choice.street) for name, choice in j.addresses.items()}

    def _districts(self) -> list[dict[str, object]]:
        j = self.journey()
        if j is None:
            return []
        return [
            {
                "name": d.name,
                "label": self.pick(d.name, d.name_en),
                "streets": [
                    {"name": s.name, "label": self.pick(s.name, s.name_en)} for s in d.streets
                ],
            }
            for d in j.places.districts
        ]

    def _keyboard_path(self) -> str:
        return str(self._keyboard_dir)

    def _keyboard_locale(self) -> str:
        return "zh_CN" if self._c.language == "zh_CN" else "en_US"

    title = Property(str, _FormScreen._title, notify=changed)
    fields = Property("QVariantList", _fields, notify=fieldsChanged)
    districts = Property("QVariantList", _districts, notify=fieldsChanged)
    problems = Property("QVariantMap", _problems, notify=changed)
    answers = Property("QVariantMap", _answers, notify=changed)
    picked = Property("QVariantMap", _picked, notify=changed)
    houses = Property("QVariantMap", _houses, notify=changed)
    streetsListed = Property("QVariantMap", _streets_listed, notify=changed)
    exitWarning = Property(str, _FormScreen._exit_warning, notify=changed)
    keyboardDataPath = Property(str, _keyboard_path, constant=True)
    keyboardLocale = Property(str, _keyboard_locale, notify=changed)
    keyboardNeedsReset = Property(bool, _needs_reset, notify=changed)

    def _act(self) -> None:
        self._c.acted(self.now())

    @Slot(str, str)
    def setAnswer(self, name: str, value: str) -> None:
        """A keystroke in a typed field: stored, never judged mid-typing."""
        j = self.journey()
        if j is not None:
            j.set_answer(name, value, self.now())
            self._act()

    @Slot(str)
    def leaveField(self, name: str) -> None:
        """The field lost focus: now its problem (if any) is shown."""
        j = self.journey()
        if j is not None and j.state is FormState.COMPLETE:
            j.leave_field(name, self.now())
            self._act()

    @Slot(str, str)
    def choose(self, name: str, value: str) -> None:
        j = self.journey()
        if j is not None:
            j.choose_answer(name, value, self.now())
            self._act()

    @Slot(str, str, str)
    def pickAddress(self, name: str, district: str, street: str) -> None:
        j = self.journey()
        if j is not None:
            j.pick_address(name, district, street, self.now())
            self._act()

    @Slot(str, str)
    def setHouse(self, name: str, house: str) -> None:
        j = self.journey()
        if j is not None and name in j.addresses:
            j.set_house(name, house, self.now())
            self._act()

    @Slot(str, str, int)
    def stepDate(self, name: str, unit: str, delta: int) -> None:
        """The date picker's ± buttons (the first tap shows today, or the nearest day
        the field accepts)."""
        j = self.journey()
        if j is not None:
            j.step_date(name, unit, delta, self.now())
            self._act()

    @Slot(str)
    def clearAnswer(self, name: str) -> None:
        j = self.journey()
        if j is not None:
            j.set_answer(name, "", self.now())
            j.leave_field(name, self.now())
            self._act()

    @Slot()
    def submit(self) -> None:
        j = self.journey()
        if j is None:
            return
        ok = j.submit_answers(self.now())
        self._act()
        first = j.first_problem() if not ok else None
        if first is not None:
            names = [f.name for f in j.typed_fields()]
            if first.field in names:
                self.showProblem.emit(names.index(first.field))


class FormReviewViewModel(_FormScreen):
    changed = Signal()

    def _rows(self) -> list[dict[str, object]]:
        j = self.journey()
        if j is None or j.filled is None:
            return []
        filled = j.filled
        rows: list[dict[str, object]] = []
        for f in filled.form.fields():
            if f.type is FieldType.PHOTO:
                value = self.pick(
                    "使用刚才在自助照相机拍的照片" if filled.photo else "打印后请在框内贴照片",
                    "The photo you took at the booth"
                    if filled.photo
                    else "Stick a photo in the box after printing",
                )
            elif f.is_input:
                value = filled.display(f, self._c.language)
            else:
                continue
            rows.append(
                {"label": self.label(f), "value": value, "fromCard": f.name in filled.card_fields}
            )
        return rows

    title = Property(str, _FormScreen._title, notify=changed)
    rows = Property("QVariantList", _rows, notify=changed)
    exitWarning = Property(str, _FormScreen._exit_warning, notify=changed)

    @Slot()
    def print(self) -> None:
        j = self.journey()
        if j is not None and j.filled is not None:
            j.print(self.now())
            self._c.acted(self.now())


class FormResultViewModel(_FormScreen):
    changed = Signal()
    countdownChanged = Signal()

    def _kind(self) -> str:
        """printed, not_printed (queued, no paper) or not_submitted (nothing queued)."""
        j = self.journey()
        if j is None:
            return "printed"
        return {
            FormState.NOT_PRINTED: "not_printed",
            FormState.NOT_SUBMITTED: "not_submitted",
        }.get(j.state, "printed")

    def _printed(self) -> bool:
        return self._kind() == "printed"

    def _receipt(self) -> str:
        j = self.journey()
        return j.receipt if j is not None else ""

    def _message(self) -> str:
        j = self.journey()
        if j is None or j.outcome is None:
            return ""
        return j.outcome.job.notice.text(self._c.language)

    def _take_card(self) -> bool:
        j = self.journey()
        return j is not None and j.card_on_reader

    def _qr(self) -> str:
        receipt = self._receipt()
        return qr_url(receipt) if receipt else ""

    title = Property(str, _FormScreen._title, notify=changed)
    kind = Property(str, _kind, notify=changed)
    printed = Property(bool, _printed, notify=changed)
    receipt = Property(str, _receipt, notify=changed)
    message = Property(str, _message, notify=changed)
    takeCard = Property(bool, _take_card, notify=changed)
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
