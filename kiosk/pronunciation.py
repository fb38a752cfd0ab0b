"""Make prompt text say what it means: words espeak-ng misreads, numbers spelled out.

The table is data (``kiosk/pronunciation.toml``); tests compare espeak-ng's phonemes
of each correction with a reference it reads right.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources


@dataclass(frozen=True)
class WordFix:
    text: str
    say: str
    sounds_like: str = ""


@dataclass(frozen=True)
class Pronunciation:
    spell_values: frozenset[str] = frozenset()
    words: dict[str, tuple[WordFix, ...]] = field(default_factory=dict)
    letters: dict[str, dict[str, str]] = field(default_factory=dict)

    def fix_words(self, text: str, language: str) -> str:
        """Replace each misread word by what the voice reads right."""
        for fix in self.words.get(language, ()):
            text = text.replace(fix.text, fix.say)
        return text

    def spell(self, value: str, language: str) -> str:
        """``"A023"`` -> ``"A 0 2 3"``: one character at a time, separators dropped, letters
        by their spoken names where the table has one."""
        names = self.letters.get(language, {})
        chars = [c for c in value.upper() if c.isalnum()]
        return " ".join(names.get(c, c) for c in chars)

    def values(self, values: dict[str, str], language: str) -> dict[str, str]:
        """Prompt values ready to speak: numbers spelled, the rest as they are."""
        return {
            k: self.spell(v, language) if k in self.spell_values else v for k, v in values.items()
        }


class PronunciationError(ValueError):
    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"kiosk/pronunciation.toml: {where}: {problem}")
        self.where = where
        self.problem = problem


def parse(text: str) -> Pronunciation:
    data = tomllib.loads(text)
    spell = data.pop("spell", [])
    if not isinstance(spell, list) or not all(isinstance(s, str) for s in spell):
        raise PronunciationError("spell", "must be a list of prompt value names")
    words: dict[str, tuple[WordFix, ...]] = {}
    letters: dict[str, dict[str, str]] = {}
    for language, table in data.items():
        if language not in ("zh_CN", "en") or not isinstance(table, dict):
            raise PronunciationError(language, "unknown language (zh_CN or en)")
        fixes = []
        for i, entry in enumerate(table.get("words", [])):
            if not isinstance(entry, dict) or not entry.get("text") or not entry.get("say"):
                raise PronunciationError(f"{language}.words[{i}]", "needs text and say")
            fixes.append(WordFix(entry["text"], entry["say"], entry.get("sounds_like", "")))
        words[language] = tuple(fixes)
        names = table.get("letters", {})
        for letter, say in names.items():
            if len(letter) != 1 or not letter.isalpha() or not isinstance(say, str) or not say:
                raise PronunciationError(f"{language}.letters.{letter}", "one letter = a name")
        letters[language] = {k.upper(): v for k, v in names.items()}
    return Pronunciation(frozenset(spell), words, letters)


def load_pronunciation() -> Pronunciation:
    return parse(resources.files("kiosk").joinpath("pronunciation.toml").read_text("utf-8"))
