"""Answers are checked the way a citizen would expect, with messages in zh and en."""

from __future__ import annotations

import re
from datetime import date

import pytest
from forms_samples import GOOD_ANSWERS, TODAY

from kiosk.forms.filled import FormInvalid, fill, prefill
from kiosk.forms.idnumber import IdNumberProblem, check_char, id_number_problem
from kiosk.forms.validate import ProblemCode, check_field


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("11010519491231002X", None),  # the standard's own example
        ("420103199003070017", None),
        ("11010519491231002x".upper(), None),
        ("420103199003070016", IdNumberProblem.CHECK_DIGIT),
        ("42010319900307001", IdNumberProblem.LENGTH),
        ("42010319900307001A", IdNumberProblem.CHARACTERS),
        ("990103199003070010", None),  # 2023 foreign permanent resident IDs start with 9
        ("000103199003070017", IdNumberProblem.REGION),
        ("420103199002300017", IdNumberProblem.BIRTH_DATE),
        ("420103203001010017", IdNumberProblem.BIRTH_DATE),  # born in the future
    ],
)
def test_gb11643(number, problem):
    if problem is None and number.startswith("99"):
        number = number[:17] + check_char(number[:17])
    assert id_number_problem(number, TODAY) == problem


def test_id_number_messages_are_plain(catalog):
    f = catalog.get("hk_macau_travel").field("id_number")
    found = check_field(f, "420103199003070016", TODAY)
    assert found is not None and found.code is ProblemCode.ID_CHECK_DIGIT
    assert "校验" in found.message and "check" in found.message_en
    typed = check_field(f, "4201A", TODAY)
    assert typed is not None and typed.code is ProblemCode.ID_LENGTH
    # Full-width digits from the Pinyin keyboard and a lower-case x are accepted.
    assert check_field(f, "１１０１０５１９４９１２３１００２x", TODAY) is None


def test_phone_rules(catalog):
    mobile = catalog.get("hk_macau_travel").field("mobile")
    anyphone = catalog.get("hk_macau_travel").field("emergency_phone")
    assert check_field(mobile, "138 0000 1234", TODAY) is None
    assert check_field(mobile, "+8613800001234", TODAY) is None
    bad = check_field(mobile, "027-87654321", TODAY)
    assert bad is not None and bad.message == "手机号码应为1开头的11位数字"
    assert check_field(anyphone, "027-87654321", TODAY) is None
    assert check_field(anyphone, "12345", TODAY) is not None
    assert check_field(mobile, "0", TODAY) is not None


def test_date_ranges(catalog):
    departure = catalog.get("hk_macau_travel").field("departure_date")
    early = check_field(departure, "2026-11-01", TODAY)
    assert early is not None and early.code is ProblemCode.TOO_EARLY
    assert "2026-11-27" in early.message
    late = check_field(departure, "2028-01-01", TODAY)
    assert late is not None and late.code is ProblemCode.TOO_LATE
    assert check_field(departure, "2027年1月5日", TODAY) is None
    assert check_field(departure, "2027/01/05", TODAY) is None
    bad = check_field(departure, "2027-02-30", TODAY)
    assert bad is not None and bad.code is ProblemCode.BAD_DATE
    since = catalog.get("residence_permit").field("living_since")
    assert check_field(since, "2026-08-01", TODAY) is not None  # under six months
    valid_to = catalog.get("residence_permit").field("id_valid_to")
    assert check_field(valid_to, "长期", TODAY) is None


@pytest.mark.parametrize("today", [TODAY, date(2031, 6, 30)])
@pytest.mark.parametrize(
    ("form_id", "name"),
    [
        ("hk_macau_travel", "departure_date"),
        ("residence_permit", "living_since"),
        ("enterprise_registration", "start_date"),
    ],
)
def test_a_date_message_gives_an_example_the_field_accepts_that_day(catalog, today, form_id, name):
    """Issue 15 item 4: the example followed the calendar of 2024, and was refused."""
    f = catalog.get(form_id).field(name)
    bad = check_field(f, "下个月", today)
    assert bad is not None and bad.code is ProblemCode.BAD_DATE
    example = re.search(r"\d{4}-\d{2}-\d{2}", bad.message)
    assert example is not None and example.group() in bad.message_en
    assert check_field(f, example.group(), today) is None
    assert "2024" not in bad.message or today.year == 2024


def test_fill_takes_card_fields_and_checks_all(catalog, card):
    for form in catalog:
        filled = fill(form, GOOD_ANSWERS[form.id], card, today=TODAY)
        assert filled.card_fields
        assert "张小明" in filled.values.values()
    form = catalog.get("hk_macau_travel")
    assert prefill(form, card)["sex"] == "M"
    filled = fill(form, GOOD_ANSWERS[form.id], card, today=TODAY)
    assert filled.display(form.field("sex")) == "男 Male"
    assert filled.display(form.field("had_permit")) == "否 No"
    assert "张小明" not in repr(filled)


def test_fill_lists_every_problem_by_field(catalog, card):
    form = catalog.get("hk_macau_travel")
    answers = dict(GOOD_ANSWERS[form.id], mobile="12", had_permit="是", name="李四", colour="red")
    with pytest.raises(FormInvalid) as info:
        fill(form, answers, card, today=TODAY)
    codes = {(p.field, p.code) for p in info.value.problems}
    assert codes == {
        ("mobile", ProblemCode.BAD_PHONE),
        ("old_permit_number", ProblemCode.REQUIRED),  # required because had_permit is yes
        ("name", ProblemCode.FROM_CARD),
        ("colour", ProblemCode.UNKNOWN_FIELD),
    }


def test_expired_card_is_reported(catalog, card):
    card.valid_to = "2025-01-01"
    form = catalog.get("residence_permit")
    with pytest.raises(FormInvalid) as info:
        fill(form, GOOD_ANSWERS[form.id], card, today=TODAY)
    assert [p.field for p in info.value.problems] == ["id_valid_to"]


def test_without_card_the_citizen_types_everything(catalog, card):
    form = catalog.get("enterprise_registration")
    typed = dict(
        GOOD_ANSWERS[form.id],
        rep_name="王五",
        rep_id_number="11010519491231002x",
        rep_address="北京市东城区某某胡同1号",
    )
    filled = fill(form, typed, None, today=TODAY)
    assert filled.values["rep_id_number"] == "11010519491231002X"
    assert not filled.card_fields
