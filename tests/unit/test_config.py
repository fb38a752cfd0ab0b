"""Configuration: layering, and refusals that name the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_alone_give_a_working_terminal(tmp_path: Path) -> None:
    cfg = load_config(path=write(tmp_path / "k.toml", ""))
    assert cfg.terminal.timezone == "Asia/Shanghai"
    assert [s.prefix for s in cfg.services] == ["A", "B", "C", "D"]
    assert cfg.devices.ticket_printer == "sim://"


def test_terminal_file_overrides_defaults(tmp_path: Path) -> None:
    terminal = write(tmp_path / "k.toml", '[terminal]\nid = "T07"\n[ui]\nidle_timeout_s = 90\n')
    cfg = load_config(path=terminal)
    assert cfg.terminal.id == "T07"  # from the terminal file
    assert cfg.ui.idle_timeout_s == 90
    assert cfg.terminal.hall_name == "武汉市民之家"  # untouched default
    # Fleet layers come only from signed bundles (tests/fleet/); without [fleet] root none.
    assert cfg.fleet.root == ""


def test_wrong_type_names_file_line_and_key(tmp_path: Path) -> None:
    bad = write(tmp_path / "k.toml", '[terminal]\nid = "T01"\n\n[ui]\nidle_timeout_s = "soon"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path=bad)
    assert err.value.file == str(bad)
    assert err.value.line == 5
    assert err.value.key == "ui.idle_timeout_s"
    assert f"{bad}:5: ui.idle_timeout_s:" in str(err.value)


def test_unknown_key_is_refused_as_a_probable_typo(tmp_path: Path) -> None:
    bad = write(tmp_path / "k.toml", "[ui]\nidle_timout_s = 30\n")
    with pytest.raises(ConfigError) as err:
        load_config(path=bad)
    assert err.value.key == "ui.idle_timout_s"
    assert "unknown key" in err.value.problem
    assert err.value.line == 2


def test_torn_file_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "k.toml", '[terminal]\nid = "T01\n')
    with pytest.raises(ConfigError) as err:
        load_config(path=bad)
    assert "not valid TOML" in str(err.value)
    assert err.value.line == 2


def test_unknown_time_zone_and_duplicate_prefix_are_refused(tmp_path: Path) -> None:
    tz = write(tmp_path / "tz.toml", '[terminal]\ntimezone = "Asia/Wuhan"\n')
    with pytest.raises(ConfigError, match="unknown time zone"):
        load_config(path=tz)
    dup = write(
        tmp_path / "dup.toml",
        '[[services]]\ncode = "X"\nname = "甲"\nname_en = "X"\nprefix = "A"\n'
        '[[services]]\ncode = "Y"\nname = "乙"\nname_en = "Y"\nprefix = "A"\n',
    )
    with pytest.raises(ConfigError, match="share the prefix 'A'"):
        load_config(path=dup)


def test_missing_config_file_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(path=tmp_path / "absent.toml")
