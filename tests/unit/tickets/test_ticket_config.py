"""The [ticket] section: layout and profile as data, refused clearly when wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.config import ConfigError, KioskConfig
from kiosk.tickets.service import printer_profile, ticket_layout

MakeConfig = Callable[..., KioskConfig]


def test_a_58mm_printer_without_cutter_and_qr_from_config(make_config: MakeConfig) -> None:
    config = make_config(
        '[ticket.printer]\npaper_mm = 58\nchars_per_line = 32\ncutter = false\nqr = "raster"\n'
        'code_page = "gbk"\n'
        '[[ticket.layout]]\nkind = "text"\ntext = "{number}"\nwidth = 3\nalign = "left"\n'
    )
    profile = printer_profile(config)
    assert (profile.paper_mm, profile.chars_per_line, profile.cutter) == (58, 32, False)
    assert (profile.qr.value, profile.code_page.value, profile.dots_per_line) == (
        "raster",
        "gbk",
        384,
    )
    (block,) = ticket_layout(config)
    assert (block.text, block.width, block.align.name) == ("{number}", 3, "LEFT")


def test_unknown_template_field_names_the_file_and_key(make_config: MakeConfig) -> None:
    with pytest.raises(ConfigError) as caught:
        make_config('[[ticket.layout]]\nkind = "text"\ntext = "{citizen_name}"\n')
    assert caught.value.file == "test.toml"
    assert caught.value.key == "ticket.layout.0.text"
    assert "unknown field {citizen_name}" in caught.value.problem


def test_offline_tag_that_would_look_like_another_prefix_is_refused(
    make_config: MakeConfig,
) -> None:
    extra = '[[services]]\ncode = "X"\nname = "甲"\nname_en = "X"\nprefix = "A"\n'
    extra += '[[services]]\ncode = "Y"\nname = "乙"\nname_en = "Y"\nprefix = "AK"\n'
    with pytest.raises(ConfigError, match="offline_tag"):
        make_config(extra, tag="K")


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"tag": "k1"}, "ticket.offline_tag"),
        ({"central_url": "ftp://centre"}, "ticket.central_url"),
        ({"extra": "[ticket.printer]\npaper_mm = 57\n"}, "ticket.printer.paper_mm"),
    ],
)
def test_bad_ticket_values_are_refused(
    make_config: MakeConfig, kwargs: dict[str, str], key: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        make_config(**kwargs)
    assert caught.value.key == key
