"""The address pickers' data: the shipped city loads, and a broken file says where."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.forms.places import (
    PLACES_DIR,
    AddressChoice,
    PlacesError,
    compose,
    load_places,
    parse_places,
)

WUHAN = (PLACES_DIR / "wuhan.toml").read_text(encoding="utf-8")


def test_the_shipped_city_loads_with_every_district():
    places = load_places()
    assert len(places.districts) == 13
    district = places.district("江汉区")
    assert district is not None and district.street("新华路") is not None
    choice = AddressChoice("江汉区", "新华路", " 1号2栋301 ")
    assert compose(places, choice) == "湖北省武汉市江汉区新华路1号2栋301"


def test_a_bad_item_is_named_with_file_and_line():
    broken = WUHAN.replace('name_en = "Hongshan District"', 'name_en = ""')
    with pytest.raises(PlacesError) as err:
        parse_places(broken, "city.toml")
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "洪山区" in text) - 1
    assert err.value.line == line and err.value.where == "districts[6].name_en"
    assert str(err.value).startswith(f"city.toml:{line}: districts[6].name_en: ")


def test_a_district_listed_twice_and_broken_toml_are_refused(tmp_path: Path):
    twice = WUHAN + '\n[[districts]]\nname = "江汉区"\nname_en = "Again"\n'
    with pytest.raises(PlacesError, match="listed twice"):
        parse_places(twice, "city.toml")
    with pytest.raises(PlacesError) as err:
        parse_places("id = \n", "city.toml")
    assert err.value.line == 1 and err.value.where == "(syntax)"
    with pytest.raises(PlacesError, match=r"nowhere\.toml"):
        load_places("nowhere", tmp_path)
