"""Our GB18030 encoder: Chinese, full-width punctuation, rare characters, no losses."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.ticket_printer.gbtext import REPLACEMENT, Charset, encode_text


def test_full_width_punctuation_survives_where_python_escpos_prints_question_marks() -> None:
    text = "时间：09:05（上午）【请保管】《须知》，。、“好”"
    encoded = encode_text(text)
    assert encoded.replaced == ()
    assert encoded.data.decode("gb18030") == text
    assert b"?" not in encoded.data


def test_rare_characters_take_four_bytes_in_gb18030_and_are_replaced_visibly_in_gbk() -> None:
    name = "𠀀㐀"  # CJK extension B and A: outside GBK
    full = encode_text(name, Charset.GB18030)
    assert full.replaced == () and len(full.data) == 8
    narrow = encode_text(name, Charset.GBK)
    assert narrow.data.decode("gbk") == REPLACEMENT * 2
    assert [r.codepoint for r in narrow.replaced] == ["U+20000", "U+3400"]
    assert narrow.replaced[0].reason == "not in gbk"


def test_widths_count_columns_on_paper() -> None:
    assert encode_text("A023").width == 4
    assert encode_text("户籍业务").width == 8
    assert encode_text("号：A1").width == 6


def test_controls_and_escape_sequences_never_reach_the_printer() -> None:
    encoded = encode_text("A\x1b@B\x1dV\x00C\n")
    assert all(b >= 0x20 for b in encoded.data)
    assert encoded.data.decode("gb18030") == "A□@B□V□C□"
    assert [r.reason for r in encoded.replaced] == ["control character"] * 4


def test_emoji_combining_marks_and_private_use_are_reported() -> None:
    encoded = encode_text("好😀e\u0301\ue000", Charset.GB2312)
    # é is composed by NFC and exists in GB2312's pinyin table; the emoji does not
    assert encoded.data.decode("gb2312") == "好□é□"
    assert {r.reason for r in encoded.replaced} == {"not in gb2312", "private-use character"}


def test_odd_spaces_print_as_plain_spaces_but_ideographic_space_stays() -> None:
    assert encode_text("a\u00a0b\u2009c\u3000d").data.decode("gb18030") == "a b c\u3000d"


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(list(Charset)))
def test_any_unicode_encodes_without_error_and_loses_nothing_silently(
    text: str, charset: Charset
) -> None:
    encoded = encode_text(text, charset)
    assert all(b >= 0x20 for b in encoded.data)  # no byte can be read as a command
    printed = encoded.data.decode(charset.value)
    # every character either prints as itself (or a plain space) or as a reported □
    assert printed.count(REPLACEMENT) >= len(encoded.replaced)
    assert encoded.width >= len(printed)
    for replacement in encoded.replaced:
        assert printed[replacement.index] == REPLACEMENT


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60), st.text(max_size=30))
def test_any_text_in_a_ticket_prints_as_text_and_never_as_a_command(
    hall: str, service: str
) -> None:
    from datetime import UTC, datetime

    from escpos_paper import read_paper

    from devices.ticket_printer.layout import PrinterProfile, render
    from devices.ticket_printer.protocol import TicketContent

    ticket = TicketContent(
        hall, "Hall", "A001", service, "Svc", 0, datetime(2026, 1, 1, tzinfo=UTC), "x", "p"
    )
    rendered = render(ticket, PrinterProfile(code_page=Charset.GBK))
    paper = read_paper(rendered.data)  # raises on any byte that is not text or our commands
    assert len(paper.cuts) == 1 and paper.inits == 1
    assert paper.qr_payloads == ["x"]
    assert "A001" in paper.text
