"""Hypothesis: the loader and the checks never fail with anything but their named errors."""

from __future__ import annotations

from forms_samples import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.forms.catalog import load_catalog
from kiosk.forms.idnumber import check_char, id_number_problem
from kiosk.forms.loader import FormDefinitionError, parse_definition
from kiosk.forms.validate import check_field

FIELDS = list(load_catalog().get("hk_macau_travel").fields()) + list(
    load_catalog().get("enterprise_registration").fields()
)
SAMPLE = (load_catalog().get("residence_permit").field("living_since"),)
TEMPLATE = """\
id = "demo"
version = {version}
title = {title}
title_en = "Demo"

[[sections]]
id = "a"
title = "甲"
title_en = "A"

[[sections.fields]]
name = {name}
type = {type}
label = "项"
label_en = "Item"
{extra} = {value}
"""

toml_value = st.one_of(
    st.integers(-5, 5).map(str),
    st.text(max_size=12).map(lambda s: '"' + s.replace("\\", "").replace('"', "") + '"'),
    st.sampled_from(['"today-18y"', '"2020-02-30"', "true", "[]", '[{value="a"}]', "{}"]),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_loads_or_names_its_problem(text):
    try:
        parse_definition(text, "fuzz.toml")
    except FormDefinitionError as exc:
        assert exc.problems and str(exc).startswith("fuzz.toml: ")


@settings(max_examples=200)
@given(
    version=toml_value,
    title=toml_value,
    name=toml_value,
    type=st.sampled_from(['"text"', '"date"', '"choice"', '"photo"', '"signature"', '"x"']),
    extra=st.sampled_from(
        [
            "source",
            "min_date",
            "max_date",
            "options",
            "pattern",
            "required_if",
            "max_length",
            "required",
            "width",
            "phone_kind",
            "allow_long_term",
        ]
    ),
    value=toml_value,
)
def test_structured_mutations_are_named(version, title, name, type, extra, value):
    text = TEMPLATE.format(
        version=version, title=title, name=name, type=type, extra=extra, value=value
    )
    try:
        parse_definition(text, "fuzz.toml")
    except FormDefinitionError as exc:
        for p in exc.problems:
            assert p.where and p.message


@settings(max_examples=300)
@given(st.sampled_from(FIELDS), st.text(max_size=40))
def test_checks_never_raise(field, answer):
    found = check_field(field, answer, TODAY)
    if found is not None:
        assert found.field == field.name and found.message and found.message_en


@settings(max_examples=200)
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_catches_any_single_digit_change(body):
    number = body + check_char(body)
    for i in range(17):
        changed = body[:i] + str((int(body[i]) + 1) % 10) + body[i + 1 :]
        assert check_char(changed) != number[17]
    problem = id_number_problem(number, TODAY)
    assert problem is None or problem.value != "id_check_digit"
