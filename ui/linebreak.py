"""Chinese lines break between phrases, not inside words.

Qt breaks Chinese text between any two characters (Unicode line breaking allows it), so
"联系工作人员" can end a line with "联系工" and start the next with "作人员". Gluing each
run of Chinese characters with WORD JOINER (U+2060, invisible, zero width) leaves only
the breaks at punctuation and spaces: "摄像头暂时无法使用，/请稍候或联系工作人员。".
A clause longer than its line still breaks (QML's ``Text.Wrap`` falls back to anywhere).
"""

from __future__ import annotations

WORD_JOINER = "\u2060"


def _cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def keep_phrases(text: str) -> str:
    """``text`` with a word joiner between every two adjacent Chinese characters."""
    if not any(_cjk(c) for c in text):
        return text
    out: list[str] = []
    for i, ch in enumerate(text):
        out.append(ch)
        if _cjk(ch) and i + 1 < len(text) and _cjk(text[i + 1]):
            out.append(WORD_JOINER)
    return "".join(out)


def plain(text: str) -> str:
    """The text without the joiners (for comparing, logging, speaking)."""
    return text.replace(WORD_JOINER, "")
