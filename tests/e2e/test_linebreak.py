"""Chinese lines break between phrases: laid out by Qt with the kiosk's font, a line
never ends inside 工作人员 or leaves 束。 alone."""

from __future__ import annotations

from PySide6.QtGui import QFont, QTextLayout, QTextOption

from ui.app import application
from ui.linebreak import keep_phrases, plain
from ui.resources import register_fonts


def lines(text: str, width: float, px: int = 40) -> list[str]:
    application()
    font = QFont(register_fonts())
    font.setPixelSize(px)
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)  # QML Text.Wrap
    layout.setTextOption(option)
    layout.beginLayout()
    out = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        out.append(plain(text[line.textStart() : line.textStart() + line.textLength()]).strip())
    layout.endLayout()
    return out


def test_breaks_only_after_punctuation_or_between_clauses() -> None:
    text = "摄像头暂时无法使用，请稍候或联系工作人员。"
    width = 17.5 * 40  # Qt alone: "...联系工" / "作人员。"
    assert lines(text, width)[0].endswith("联系工")
    assert lines(keep_phrases(text), width) == ["摄像头暂时无法使用，", "请稍候或联系工作人员。"]


def test_a_number_stays_with_its_words() -> None:
    text = keep_phrases("为保护您的隐私，本次服务将在 12 秒后结束。")
    assert lines(text, 620) == ["为保护您的隐私，", "本次服务将在 12 秒后结束。"]


def test_a_clause_longer_than_its_line_still_breaks() -> None:
    text = keep_phrases("护照身份证签证等照片当场拍好护照身份证签证等照片当场拍好")
    assert len(lines(text, 400)) >= 2


def test_other_text_is_left_alone() -> None:
    assert keep_phrases("Please ask staff") == "Please ask staff"
    assert plain(keep_phrases("请稍候 A 0 2 3")) == "请稍候 A 0 2 3"
