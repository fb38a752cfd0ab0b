"""Chinese lines break between phrases, not inside words.

Qt breaks Chinese text between any two characters (Unicode line breaking allows it), so
"联系工作人员" can end a line with "联系工" and start the next with "作人员". Gluing each
run of Chinese characters with WORD JOINER (U+2060, invisible, zero width) leaves only
the breaks at punctuation and spaces: "摄像头暂时无法使用，/请稍候或联系工作人员。".
A clause longer than its line still breaks (QML's ``Text.Wrap`` falls back to anywhere).
"""

from __future__ import annotations

WORD_JOINER = "\u2060"
NO_BREAK_SPACE = "\u00a0"


def _cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def _joins(ch: str) -> bool:
    """Part of a Chinese phrase: a character, a digit, or a %1 placeholder's sign."""
    return _cjk(ch) or ch.isdigit() or ch == "%"


def keep_phrases(text: str) -> str:
    """``text`` with a word joiner between every two adjacent Chinese characters, and
    the spaces around a number inside a Chinese phrase made non-breaking ("在 12 秒后")."""
    if not any(_cjk(c) for c in text):
        return text
    out: list[str] = []
    for i, ch in enumerate(text):
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        between = ch == " " and before and after and _joins(before) and _joins(after)
        if between and (_cjk(before) or _cjk(after)):
            out.append(NO_BREAK_SPACE)
            continue
        out.append(ch)
        if _cjk(ch) and after and _cjk(after):
            out.append(WORD_JOINER)
    return "".join(out)


def plain(text: str) -> str:
    """The text without the joiners (for comparing, logging, speaking)."""
    return text.replace(WORD_JOINER, "").replace(NO_BREAK_SPACE, " ")
