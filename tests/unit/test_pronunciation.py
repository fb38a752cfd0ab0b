"""The pronunciation table makes espeak-ng say what the kiosk means (checked on the
phonemes espeak-ng itself reports with -x)."""

from __future__ import annotations

import contextlib
import subprocess
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.voice.espeak import VOICES
from kiosk.pronunciation import PronunciationError, load_pronunciation, parse

TABLE = load_pronunciation()


def phonemes(text: str, language: str = "zh_CN") -> str:
    out = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", VOICES[language], text],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return " ".join(out.stdout.split())


@pytest.mark.parametrize(
    "fix", [f for fixes in TABLE.words.values() for f in fixes], ids=lambda f: f.text
)
def test_each_word_fix_sounds_like_its_reference(fix) -> None:  # type: ignore[no-untyped-def]
    assert fix.sounds_like, f"{fix.text}: give sounds_like so the fix can be checked"
    assert phonemes(fix.say) == phonemes(fix.sounds_like)
    assert phonemes(fix.text) != phonemes(fix.sounds_like), f"{fix.text}: espeak-ng reads it right"


def test_retake_is_chong_pai_in_a_whole_prompt() -> None:
    said = phonemes(TABLE.fix_words("不满意可以重拍。", "zh_CN"))
    assert phonemes("崇拍") in said and phonemes("重") not in said


@pytest.mark.parametrize(
    ("language", "letter"), [(lang, c) for lang, names in TABLE.letters.items() for c in names]
)
def test_each_letter_name_replaces_a_wrong_default(language: str, letter: str) -> None:
    """In a spelled number (before a digit), the name differs from espeak-ng's reading."""
    name = TABLE.letters[language][letter]
    assert phonemes(f"{name} 0", language) != phonemes(f"{letter} 0", language)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_numbers_are_read_one_character_at_a_time(language: str) -> None:
    spelled = phonemes(TABLE.spell("A-023", language), language)
    one_by_one = " ".join(phonemes(TABLE.spell(c, language), language) for c in "A023")
    assert spelled == one_by_one
    # As a whole, espeak-ng reads "023" as the number twenty-three: the table prevents that.
    assert phonemes("A023", language) != spelled


def test_receipt_letters_by_their_chinese_names() -> None:
    spelled = TABLE.spell("GN60TE", "zh_CN")
    assert spelled == "ji4 N 6 0 T E"
    assert phonemes(spelled).startswith(phonemes("ji4"))


def test_bad_tables_say_where() -> None:
    with pytest.raises(PronunciationError, match=r"zh_CN.words\[0\]: needs text and say"):
        parse('[[zh_CN.words]]\ntext = "重拍"\n')
    with pytest.raises(PronunciationError, match=r"zh_CN.letters.GG: one letter"):
        parse('[zh_CN.letters]\nGG = "x"\n')
    with pytest.raises(PronunciationError, match=r"fr: unknown language"):
        parse("[fr]\n")


@given(st.text(max_size=200))
def test_parser_only_raises_its_own_errors(text: str) -> None:
    with contextlib.suppress(PronunciationError, tomllib.TOMLDecodeError):
        parse(text)
