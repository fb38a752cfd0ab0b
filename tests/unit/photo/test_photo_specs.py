"""Photo specs are data: loaded, validated, with errors that name the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.photo.checks import MODULES, thresholds
from kiosk.photo.errors import BackgroundError, SpecError
from kiosk.photo.specs import SPECS_FILE, builtin_specs, get_spec, load_specs


def test_every_builtin_spec_is_consistent() -> None:
    specs = builtin_specs()
    assert {"cn-exit-entry", "cn-id-card", "cn-social-security", "icao-35x45", "us-visa",
            "cn-1inch", "cn-2inch"} <= set(specs)  # fmt: skip
    for spec in specs.values():
        assert spec.source
        # The print size and pixel size agree on the aspect ratio within 10 %.
        print_ratio = spec.print_mm[0] / spec.print_mm[1]
        assert abs(print_ratio - spec.width_px / spec.height_px) < 0.1, spec.id


def test_exit_entry_is_three_by_four() -> None:
    spec = get_spec("cn-exit-entry")
    assert spec.width_px * 4 == spec.height_px * 3
    assert spec.width_px >= 354 and spec.dpi >= 300


def test_every_check_threshold_names_a_source() -> None:
    data = thresholds()
    for name in MODULES:
        assert data[name]["source"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "specs.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_field_names_file_and_field(tmp_path: Path) -> None:
    base = SPECS_FILE.read_text(encoding="utf-8").replace("dpi = 350\n", "", 1)
    with pytest.raises(SpecError) as err:
        load_specs(_write(tmp_path, base))
    assert "cn-id-card" in str(err.value) and "'dpi'" in str(err.value)
    assert str(tmp_path) in str(err.value)


def test_bad_colour_and_range_are_named(tmp_path: Path) -> None:
    text = SPECS_FILE.read_text(encoding="utf-8")
    with pytest.raises(SpecError, match=r"backgrounds\.white"):
        load_specs(_write(tmp_path, text.replace('white = "#FFFFFF"', 'white = "snow"', 1)))
    with pytest.raises(SpecError, match="head_height"):
        load_specs(_write(tmp_path, text.replace("head_height = [0.583, 0.688]",
                                                 "head_height = [0.7, 0.5]")))  # fmt: skip
    with pytest.raises(SpecError):
        load_specs(_write(tmp_path, "[x\n"))


def test_unknown_spec_lists_known_ones() -> None:
    with pytest.raises(SpecError, match="cn-exit-entry"):
        get_spec("passport")


def test_backgrounds_by_name_or_hex() -> None:
    spec = get_spec("cn-exit-entry")
    assert spec.background_bgr(None) == (255, 255, 255)
    assert spec.background_bgr("blue") == (0xF2, 0xE4, 0xD6)
    assert spec.background_bgr("#102030") == (0x30, 0x20, 0x10)
    with pytest.raises(BackgroundError) as err:
        spec.background_hex("red")
    assert err.value.known == ["white", "grey", "blue"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_background_parser_never_crashes(value: str) -> None:
    spec = get_spec("icao-35x45")
    try:
        hex_value = spec.background_hex(value)
    except BackgroundError as exc:
        assert exc.value == value
    else:
        assert len(hex_value) == 7 and hex_value.startswith("#")


def test_booth_spec_comes_from_config(tmp_path: Path) -> None:
    from kiosk.config import ConfigError
    from tests.support import make_config

    config = make_config(tmp_path, '[photo]\nspec = "us-visa"\n')
    assert config.photo.spec == "us-visa" and config.photo.background == ""
    with pytest.raises(ConfigError, match="nope"):
        make_config(tmp_path, '[photo]\nspec = "nope"\n')
    with pytest.raises(ConfigError, match="purple"):
        make_config(tmp_path, '[photo]\nbackground = "purple"\n')
