"""Checks a citizen's answers, field by field, with plain-language messages in zh and en.

The form journey asks when the citizen leaves a field or taps Next, never while they
type: a half-typed answer is not judged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kiosk.forms.dates import bounds, clamp, resolve_bound
from kiosk.forms.idnumber import IdNumberProblem, id_number_problem
from kiosk.forms.model import FieldDef, FieldType, FormDefinition

LONG_TERM = "long-term"
YES, NO = "yes", "no"

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_PHONE_CHARS = re.compile(r"^[0-9-]*$")
_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


class ProblemCode(StrEnum):
    REQUIRED = "required"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    PATTERN = "pattern"
    BAD_DATE = "bad_date"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    NOT_AN_OPTION = "not_an_option"
    BAD_PHONE = "bad_phone"
    NOT_YES_NO = "not_yes_no"
    UNKNOWN_FIELD = "unknown_field"
    FROM_CARD = "from_card"
    NOT_TYPED = "not_typed"
    ID_LENGTH = IdNumberProblem.LENGTH.value
    ID_CHARACTERS = IdNumberProblem.CHARACTERS.value
    ID_REGION = IdNumberProblem.REGION.value
    ID_BIRTH_DATE = IdNumberProblem.BIRTH_DATE.value
    ID_CHECK_DIGIT = IdNumberProblem.CHECK_DIGIT.value


@dataclass(frozen=True)
class FieldProblem:
    """Why one answer is not accepted. Messages never repeat the citizen's answer."""

    field: str
    code: ProblemCode
    message: str  # zh
    message_en: str

    def text(self, language: str) -> str:
        return self.message if language.startswith("zh") else self.message_en

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "code": self.code.value,
            "message": self.message,
            "message_en": self.message_en,
        }


def _problem(f: FieldDef, code: ProblemCode, zh: str, en: str) -> FieldProblem:
    return FieldProblem(f.name, code, zh, en)


def normalize(f: FieldDef, raw: str) -> str:
    """The answer as stored: trimmed; full-width digits and letters made plain for
    numbers, phones and dates (the Pinyin keyboard can type either)."""
    value = raw.strip()
    if f.type in (FieldType.ID_NUMBER, FieldType.PHONE, FieldType.DATE):
        value = unicodedata.normalize("NFKC", value).strip()
    if f.type is FieldType.ID_NUMBER:
        value = value.replace(" ", "").upper()
    elif f.type is FieldType.PHONE:
        value = value.replace(" ", "")
        if value.startswith("+86"):
            value = value[3:]
    elif f.type is FieldType.DATE:
        value = _normalize_date(f, value)
    elif f.type is FieldType.YES_NO:
        value = {"是": YES, "否": NO, "true": YES, "false": NO}.get(value.lower(), value.lower())
    return value


def _normalize_date(f: FieldDef, value: str) -> str:
    if f.allow_long_term and value.lower() in {"长期", LONG_TERM, "long term"}:
        return LONG_TERM
    for form in _DATE_FORMS:
        match = form.match(value)
        if match:
            y, m, d = (int(g) for g in match.groups())
            return f"{y:04d}-{m:02d}-{d:02d}"
    return value


def check_field(f: FieldDef, raw: str, today: date) -> FieldProblem | None:
    """One answer against its field's rules; None when it is fine."""
    value = normalize(f, raw)
    if not f.is_input:
        return None
    if not value:
        if f.required:
            return _problem(f, ProblemCode.REQUIRED, "这一项必须填写", "This item is required")
        return None
    checker = _CHECKERS.get(f.type, _check_text)
    return checker(f, value, today)


def _check_text(f: FieldDef, value: str, today: date) -> FieldProblem | None:
    n = len(value)
    if f.max_length is not None and n > f.max_length:
        return _problem(
            f,
            ProblemCode.TOO_LONG,
            f"最多填写{f.max_length}个字，请删减",
            f"At most {f.max_length} characters, please shorten it",
        )
    if f.min_length is not None and n < f.min_length:
        return _problem(
            f,
            ProblemCode.TOO_SHORT,
            f"至少需要{f.min_length}个字，请补充完整",
            f"At least {f.min_length} characters are needed, please complete it",
        )
    if f.pattern is not None and re.fullmatch(f.pattern, value) is None:
        return _problem(f, ProblemCode.PATTERN, f.pattern_hint, f.pattern_hint_en)
    return None


def _check_date(f: FieldDef, value: str, today: date) -> FieldProblem | None:
    if value == LONG_TERM and f.allow_long_term:
        return None
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        example = date_example(f, today)
        return _problem(
            f,
            ProblemCode.BAD_DATE,
            f"日期不对，请按 年-月-日 填写，例如 {example}",
            f"Not a date: please write year-month-day, e.g. {example}",
        )
    if f.min_date is not None:
        low = resolve_bound(f.min_date, today)
        if day < low:
            return _problem(
                f,
                ProblemCode.TOO_EARLY,
                f"日期不能早于{low.isoformat()}",
                f"The date cannot be before {low.isoformat()}",
            )
    if f.max_date is not None:
        high = resolve_bound(f.max_date, today)
        if day > high:
            return _problem(
                f,
                ProblemCode.TOO_LATE,
                f"日期不能晚于{high.isoformat()}",
                f"The date cannot be after {high.isoformat()}",
            )
    return None


def date_example(f: FieldDef, today: date) -> str:
    """An example the field accepts today (so the message's own example is never refused)."""
    return clamp(today, *bounds(f.min_date, f.max_date, today)).isoformat()


def _check_choice(f: FieldDef, value: str, today: date) -> FieldProblem | None:
    if f.option(value) is None:
        return _problem(
            f,
            ProblemCode.NOT_AN_OPTION,
            "请从列出的选项中选择一项",
            "Please pick one of the listed options",
        )
    return None


def _check_yes_no(f: FieldDef, value: str, today: date) -> FieldProblem | None:
    if value not in (YES, NO):
        return _problem(f, ProblemCode.NOT_YES_NO, "请选择“是”或“否”", "Please choose Yes or No")
    return None


def _check_phone(f: FieldDef, value: str, today: date) -> FieldProblem | None:
    if f.phone_kind == "mobile":
        zh, en = "手机号码应为1开头的11位数字", "A mobile number has 11 digits starting with 1"
    else:
        zh = "请填写11位手机号码，或带区号的固定电话（如 027-12345678）"
        en = "Please give an 11-digit mobile or a landline with area code (e.g. 027-12345678)"
    bad = _problem(f, ProblemCode.BAD_PHONE, zh, en)
    if not _PHONE_CHARS.match(value):
        return bad
    if _MOBILE.match(value):
        return None
    if f.phone_kind == "any" and _LANDLINE.match(value):
        return None
    return bad


_ID_MESSAGES: dict[IdNumberProblem, tuple[str, str]] = {
    IdNumberProblem.LENGTH: ("身份证号码应为18位", "An ID number has 18 characters"),
    IdNumberProblem.CHARACTERS: (
        "身份证号码只能是数字，最后一位可以是X",
        "An ID number has only digits; the last one may be X",
    ),
    IdNumberProblem.REGION: (
        "身份证号码开头的地区代码不对，请核对",
        "The region code at the start of the ID number is wrong, please check it",
    ),
    IdNumberProblem.BIRTH_DATE: (
        "身份证号码中的出生日期不对，请核对",
        "The birth date inside the ID number is wrong, please check it",
    ),
    IdNumberProblem.CHECK_DIGIT: (
        "身份证号码有误（最后一位校验不符），请逐位核对",
        "The ID number is wrong (its last character does not match), please check each digit",
    ),
}


def _check_id_number(f: FieldDef, value: str, today: date) -> FieldProblem | None:
    found = id_number_problem(value, today)
    return None if found is None else _id_problem(f, found)


def _id_problem(f: FieldDef, found: IdNumberProblem) -> FieldProblem:
    zh, en = _ID_MESSAGES[found]
    return _problem(f, ProblemCode(found.value), zh, en)


_CHECKERS = {
    FieldType.TEXT: _check_text,
    FieldType.ADDRESS: _check_text,
    FieldType.DATE: _check_date,
    FieldType.CHOICE: _check_choice,
    FieldType.YES_NO: _check_yes_no,
    FieldType.PHONE: _check_phone,
    FieldType.ID_NUMBER: _check_id_number,
}


def check_form(
    form: FormDefinition,
    values: Mapping[str, str],
    today: date,
    has_photo: bool = False,
) -> list[FieldProblem]:
    """Every problem with a whole set of answers, in the order the form lists them."""
    problems: list[FieldProblem] = []
    known = {f.name for f in form.fields()}
    for name in values:
        if name not in known:
            problems.append(
                FieldProblem(
                    name,
                    ProblemCode.UNKNOWN_FIELD,
                    "这份表格没有这一项",
                    "This form has no such item",
                )
            )
    normalized = {f.name: normalize(f, values.get(f.name, "")) for f in form.fields() if f.is_input}
    for f in form.fields():
        if f.type is FieldType.PHOTO:
            if f.required and not has_photo:
                problems.append(
                    _problem(f, ProblemCode.REQUIRED, "需要照片，请先拍照", "A photo is needed")
                )
            continue
        if not f.is_input:
            if values.get(f.name):
                problems.append(
                    _problem(
                        f,
                        ProblemCode.NOT_TYPED,
                        "这一项在打印后手写填写",
                        "This item is filled in by hand on the printed form",
                    )
                )
            continue
        found = check_field(f, values.get(f.name, ""), today)
        answered_yes = f.required_if is not None and normalized.get(f.required_if) == YES
        if found is None and answered_yes and not normalized.get(f.name):
            found = _problem(
                f,
                ProblemCode.REQUIRED,
                "您在上一题选择了“是”，这一项必须填写",
                "You answered Yes above, so this item is required",
            )
        if found is not None:
            problems.append(found)
    return problems
