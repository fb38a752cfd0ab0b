"""The ticket layout as data: templates, profiles, raster QR for printers without GS ( k."""

from __future__ import annotations

import pytest
from escpos_paper import Qr, read_paper

from devices.ticket_printer.escpos import Align
from devices.ticket_printer.gbtext import Charset
from devices.ticket_printer.layout import (
    DEFAULT_LAYOUT,
    BlockKind,
    LayoutBlock,
    LayoutError,
    PrinterProfile,
    QrMode,
    check_layout,
    render,
    wrap,
)
from devices.ticket_printer.protocol import TicketContent
from devices.ticket_printer.sim import SimTicketPrinter
from devices.ticket_printer.status import PrinterState, PrinterStatus, StatusByteError
from devices.uri import DeviceUri


@pytest.mark.parametrize("paper_mm", [58, 80])
def test_raster_qr_is_readable_by_a_camera(ticket: TicketContent, paper_mm: int) -> None:
    profile = PrinterProfile(paper_mm=paper_mm, chars_per_line=32, qr=QrMode.RASTER)
    paper = read_paper(render(ticket, profile).data)
    qrs = [i for i in paper.items if isinstance(i, Qr)]
    assert [(q.payload, q.native) for q in qrs] == [(ticket.qr_payload, False)]
    image = next(i for i in paper.items if type(i).__name__ == "Image")
    assert len(image.rows[0]) <= profile.dots_per_line  # fits the paper


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{name}", "unknown field {name}"),
        ("{number.__class__}", "unknown field"),
        ("{number!r}", "conversion !r"),
        ("{number", "bad template"),
    ],
)
def test_bad_templates_are_refused_with_the_block_named(template: str, problem: str) -> None:
    layout = (LayoutBlock(BlockKind.RULE), LayoutBlock(BlockKind.TEXT, template))
    with pytest.raises(LayoutError) as caught:
        check_layout(layout)
    assert caught.value.block == 1
    assert problem in caught.value.problem


def test_sizes_outside_the_printer_range_are_refused() -> None:
    with pytest.raises(LayoutError, match="size 9x1"):
        check_layout((LayoutBlock(BlockKind.TEXT, "{number}", width=9),))


def test_wrap_breaks_chinese_anywhere_and_english_at_spaces() -> None:
    assert wrap("户籍业务出入境业务", 8, Charset.GB18030) == ["户籍业务", "出入境业", "务"]
    assert wrap("Household registration office", 16, Charset.GB18030) == [
        "Household",
        "registration",
        "office",
    ]


def test_unprintable_characters_in_config_text_are_reported(ticket: TicketContent) -> None:
    layout = (LayoutBlock(BlockKind.TEXT, "欢迎😀{number}", align=Align.LEFT),)
    rendered = render(ticket, PrinterProfile(code_page=Charset.GBK), layout)
    assert [r.codepoint for r in rendered.replaced] == ["U+1F600"]
    assert read_paper(rendered.data).text[0] == "欢迎□A023"


def test_default_layout_has_every_part_of_the_ticket() -> None:
    texts = " ".join(block.text for block in DEFAULT_LAYOUT)
    for field in ("hall_name", "number", "service_name", "service_name_en", "people_ahead"):
        assert "{" + field in texts
    assert [b.kind for b in DEFAULT_LAYOUT].count(BlockKind.QR) == 1
    assert DEFAULT_LAYOUT[-1].kind is BlockKind.CUT


def test_simulator_renders_the_same_bytes_and_reports_status(ticket: TicketContent) -> None:
    sim = SimTicketPrinter(DeviceUri.parse("sim://?delay_ms=0&paper=21"))
    sim.print_ticket(ticket)
    assert "A023" in read_paper(sim.rendered[0]).text
    assert sim.status().state is PrinterState.PAPER_LOW
    assert sim.status().can_print


@pytest.mark.parametrize(
    ("bytes_", "state"),
    [
        ((0x12, 0x12, 0x12), PrinterState.OK),
        ((0x12, 0x12, 0x1E), PrinterState.PAPER_LOW),
        ((0x1A, 0x32, 0x7E), PrinterState.PAPER_OUT),
        ((0x1A, 0x16, 0x12), PrinterState.COVER_OPEN),
        ((0x1A, 0x52, 0x12), PrinterState.ERROR),
        ((0x1A, 0x12, 0x12), PrinterState.OFFLINE),
    ],
)
def test_status_bytes_decode_to_states(bytes_: tuple[int, int, int], state: PrinterState) -> None:
    assert PrinterStatus.from_bytes(*bytes_).state is state


def test_a_byte_that_is_not_a_status_answer_is_named() -> None:
    with pytest.raises(StatusByteError) as caught:
        PrinterStatus.from_bytes(0x12, 0x41, 0x12)  # "A": stale text, not a status
    assert (caught.value.query, caught.value.got) == (2, 0x41)
