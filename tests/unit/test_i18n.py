"""Every string a citizen can see is translated, in both .ts files."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "ui"


def messages(ts: Path) -> dict[str, ET.Element]:
    root = ET.parse(ts).getroot()
    return {m.findtext("source") or "": m for m in root.iter("message")}


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_message_has_a_finished_translation(language: str) -> None:
    found = messages(UI / "i18n" / f"kiosk_{language}.ts")
    assert found
    for source, msg in found.items():
        tr = msg.find("translation")
        assert tr is not None, source
        assert tr.get("type") not in ("unfinished", "obsolete", "vanished"), source
        text = "".join(tr.itertext()).strip()
        assert text, f"{language}: {source!r} has no translation"


def test_ts_files_cover_every_qml_string(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run(
        [str(lupdate), *map(str, sorted((UI / "qml").glob("*.qml"))), "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    wanted = set(messages(fresh))
    for language in ("zh_CN", "en"):
        have = set(messages(UI / "i18n" / f"kiosk_{language}.ts"))
        assert wanted - have == set(), f"run pyside6-lupdate for {language}"


def test_chinese_is_really_chinese() -> None:
    zh = messages(UI / "i18n" / "kiosk_zh_CN.ts")
    tr = zh["Tap to start"].find("translation")
    assert tr is not None and tr.text == "点击开始"
