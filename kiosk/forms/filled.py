"""A form with a citizen's answers: prefilled from the ID card, checked, ready to render.

Personal data: ``repr`` hides the values, and :meth:`FilledForm.wipe` drops them when
the session ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from devices.idcard.record import IdDocument
from kiosk.forms.model import FieldDef, FieldType, FormDefinition
from kiosk.forms.validate import LONG_TERM, YES, FieldProblem, ProblemCode, check_form, normalize


class FormInvalid(Exception):
    """The answers do not pass the form's rules; ``problems`` names each field."""

    def __init__(self, form_id: str, problems: list[FieldProblem]) -> None:
        names = ", ".join(p.field for p in problems)
        super().__init__(f"form {form_id}: {len(problems)} problem(s) in: {names}")
        self.form_id = form_id
        self.problems = problems


def prefill(form: FormDefinition, card: IdDocument) -> dict[str, str]:
    """The answers the ID card gives, keyed by field name (only fields it has)."""
    out: dict[str, str] = {}
    for f in form.fields():
        attr = f.card_field
        if attr is None:
            continue
        value = getattr(card, attr, None)
        if value in (None, ""):
            continue
        out[f.name] = _card_value(f, str(value))
    return out


def _card_value(f: FieldDef, value: str) -> str:
    if f.type is FieldType.CHOICE and f.option(value) is None:
        # Cards say M/F; a form may list 男/女 (or the other way round).
        aliases = {"M": "男", "F": "女", "男": "M", "女": "F"}
        alias = aliases.get(value)
        if alias is not None and f.option(alias) is not None:
            return alias
    return normalize(f, value)


@dataclass(repr=False)
class FilledForm:
    """A checked set of answers. ``card_fields`` are shown read-only in the journey."""

    form: FormDefinition
    values: dict[str, str]
    card_fields: frozenset[str] = frozenset()
    photo: bytes = b""
    receipt: str = ""
    created_at: datetime = field(default_factory=lambda: datetime.now().astimezone())

    def __repr__(self) -> str:
        return f"FilledForm(form={self.form.id}, receipt={self.receipt}, <answers hidden>)"

    def display(self, f: FieldDef, language: str | None = None) -> str:
        """The answer as shown: option labels, yes/no and "long-term" in words. The
        printed form has both languages (``language`` None); a screen shows its own."""
        return display_value(f, self.values.get(f.name, ""), language)

    def wipe(self) -> None:
        self.values.clear()
        self.photo = b""


def display_value(f: FieldDef, value: str, language: str | None = None) -> str:
    """``value`` of ``f`` in words: in ``language`` ("zh_CN", "en"), or both when None."""
    if not value:
        return ""

    def words(zh: str, en: str) -> str:
        if language is None:
            return f"{zh} {en}"
        return zh if language.startswith("zh") else en

    if f.type is FieldType.CHOICE:
        option = f.option(value)
        return words(option.label, option.label_en) if option else value
    if f.type is FieldType.YES_NO:
        return words("是", "Yes") if value == YES else words("否", "No")
    if f.type is FieldType.DATE and value == LONG_TERM:
        return words("长期", "Long-term")
    return value


def fill(
    form: FormDefinition,
    answers: Mapping[str, str],
    card: IdDocument | None = None,
    photo: bytes = b"",
    today: date | None = None,
    receipt: str = "",
) -> FilledForm:
    """Merge card and typed answers, check them all; raises FormInvalid listing each field.

    An answer typed for a field the card has already filled is refused: the printed
    form must show what the card says.
    """
    today = today or date.today()
    from_card = prefill(form, card) if card is not None else {}
    problems: list[FieldProblem] = []
    for name in answers:
        if name in from_card and normalize(form.field(name), answers[name]) != from_card[name]:
            problems.append(
                FieldProblem(
                    name,
                    ProblemCode.FROM_CARD,
                    "这一项以身份证为准，不能修改",
                    "This item comes from the ID card and cannot be changed",
                )
            )
    merged = {**{k: str(v) for k, v in answers.items()}, **from_card}
    problems += check_form(form, merged, today, has_photo=bool(photo))
    if problems:
        raise FormInvalid(form.id, problems)
    values = {
        f.name: normalize(f, merged[f.name])
        for f in form.fields()
        if f.is_input and merged.get(f.name, "").strip()
    }
    return FilledForm(form, values, frozenset(from_card), photo, receipt)
