"""The [ticket] section: layout and profile as data, refused clearly when wrong."""

from __future__ import annotations

import tomllib
from collections.abc import Callable

import pytest

from kiosk.config import ConfigError, KioskConfig
from kiosk.config.loader import Layer, default_layer, load_layers
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
        ({"central_url": "ftp://centre"}, "central.url"),
        ({"extra": "[ticket.printer]\npaper_mm = 57\n"}, "ticket.printer.paper_mm"),
    ],
)
def test_bad_ticket_values_are_refused(
    make_config: MakeConfig, kwargs: dict[str, str], key: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        make_config(**kwargs)
    assert caught.value.key == key


def _load(text: str) -> KioskConfig:
    return load_layers([default_layer(), Layer("kiosk.toml", text, tomllib.loads(text))])


@pytest.mark.parametrize(
    ("text", "key", "says"),
    [
        # the old per-ticket URL: a clear pointer to the one [central] section
        ('[ticket]\ncentral_url = "https://c.example"\n', "ticket.central_url", "[central] url"),
        # plain http leaves the machine: refused, whatever the path
        ('[central]\nurl = "http://10.0.0.5:8443"\n', "central.url", "plain http://"),
        ('[central]\nurl = "http://c.example/v1"\n', "central.url", "plain http://"),
        ('[central]\nurl = "https://c.example?x=1"\n', "central.url", "no query"),
        # https without the pinned CA or the terminal's certificate would silently
        # fall back to offline numbers against an mTLS centre
        ('[central]\nurl = "https://c.example"\n', "central", "ca_file"),
        ('[central]\nurl = "https://c.example"\nca_file = "/ca.pem"\n', "central", "client_cert"),
    ],
)
def test_the_centre_connection_is_https_with_pinned_ca_and_certificate(
    text: str, key: str, says: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(text)
    assert caught.value.key == key
    assert caught.value.file == "kiosk.toml"
    assert says in str(caught.value)


def test_loopback_http_and_a_full_https_section_are_accepted() -> None:
    assert _load('[central]\nurl = "http://127.0.0.1:8443"\n').central.url
    text = (
        '[central]\nurl = "https://c.example:8443"\nca_file = "/etc/hall-kiosk/ca.pem"\n'
        'client_cert = "/etc/hall-kiosk/t.pem"\nclient_key = "/etc/hall-kiosk/t.key"\n'
    )
    assert _load(text).central.url == "https://c.example:8443"
