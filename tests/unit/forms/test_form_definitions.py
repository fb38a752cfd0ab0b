"""Form definitions: the shipped forms load, and broken files are named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.forms.catalog import load_catalog
from kiosk.forms.loader import FormDefinitionError, load_definition, parse_definition
from kiosk.forms.model import FieldType

GOOD = """\
id = "demo"
version = 1
title = "示例表"
title_en = "Demo"

[[sections]]
id = "a"
title = "甲"
title_en = "A"

[[sections.fields]]
name = "who"
type = "text"
label = "姓名"
label_en = "Name"
source = "id_card.name"

[[sections.fields]]
name = "when"
type = "date"
label = "日期"
label_en = "Date"
min_date = "today"
"""


def test_shipped_forms_load(catalog):
    assert set(catalog.ids()) == {"hk_macau_travel", "residence_permit", "enterprise_registration"}
    for form in catalog:
        types = {f.type for f in form.fields()}
        assert FieldType.SIGNATURE in types
        assert any(f.card_field == "id_number" or f.card_field == "name" for f in form.fields())


def test_show_json_shape(catalog):
    shown = catalog.get("hk_macau_travel").summary_json()
    by_name = {f["name"]: f for f in shown["fields"]}
    assert by_name["name"]["source"] == "id_card"
    assert by_name["photo"]["source"] == "photo"
    assert by_name["mobile"]["source"] is None
    assert by_name["sex"]["options"] == ["M", "F"]
    assert by_name["mobile"]["required"] is True


def test_good_definition_parses():
    form = parse_definition(GOOD, "demo.toml")
    assert form.field("who").card_field == "name"


def _problems(text: str) -> FormDefinitionError:
    with pytest.raises(FormDefinitionError) as info:
        parse_definition(text, "bad.toml")
    return info.value


def test_unknown_card_field_names_line_and_field():
    err = _problems(GOOD.replace('source = "id_card.name"', 'source = "id_card.nmae"'))
    (p,) = err.problems
    assert p.line == 16
    assert p.where == "sections[0].fields[0] (who).source"
    assert "nmae" in p.message
    assert str(err).startswith("bad.toml: line 16: sections[0].fields[0] (who).source")


def test_bad_date_bound_and_wrong_type_named():
    err = _problems(GOOD.replace('min_date = "today"', 'min_date = "tomorrow"'))
    assert [(p.line, p.where) for p in err.problems] == [
        (23, "sections[0].fields[1] (when).min_date")
    ]
    err = _problems(GOOD.replace('type = "date"', 'type = "dat"'))
    assert err.problems[0].line == 20 and err.problems[0].where.endswith("(when).type")


def test_unknown_key_refused_with_line():
    err = _problems(GOOD.replace('label_en = "Date"', 'label_en = "Date"\nrequierd = true'))
    assert err.problems[0].line == 23
    assert err.problems[0].where.endswith("(when).requierd")


def test_duplicate_name_and_dangling_required_if():
    text = GOOD.replace('name = "when"', 'name = "who"') + 'required_if = "nothing"\n'
    err = _problems(text)
    wheres = {p.where for p in err.problems}
    assert "sections[0].fields[1] (who).name" in wheres
    assert "sections[0].fields[1] (who).required_if" in wheres


def test_choice_without_options_and_syntax_error():
    err = _problems(GOOD.replace('type = "text"', 'type = "choice"'))
    assert "at least two options" in err.problems[0].message
    err = _problems(GOOD.replace('title = "甲"', 'title = "甲'))
    assert err.problems[0].line == 8 and err.problems[0].where == "(syntax)"


def test_file_name_must_match_id(tmp_path: Path):
    path = tmp_path / "other.toml"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(FormDefinitionError, match=r"line 1: id: .*'other'"):
        load_definition(path)


def test_same_id_in_two_folders(tmp_path: Path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "demo.toml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="also defined"):
        load_catalog([tmp_path / "a", tmp_path / "b"])
