"""The ticket as data: a printer profile and a list of layout blocks rendered to bytes.

The core turns its config (``[ticket.printer]``, ``[[ticket.layout]]``) into these
records; the driver renders a :class:`TicketContent` with them into one byte string,
which is then written to the printer in a single transfer.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from devices.ticket_printer import escpos
from devices.ticket_printer.escpos import Align, QrErrorLevel
from devices.ticket_printer.gbtext import Charset, Replacement, encode_text
from devices.ticket_printer.protocol import TicketContent


class QrMode(StrEnum):
    NATIVE = "native"  # the printer draws the QR code itself (GS ( k)
    RASTER = "raster"  # we draw it and send a bit image (GS v 0)


class BlockKind(StrEnum):
    TEXT = "text"
    QR = "qr"
    RULE = "rule"
    FEED = "feed"
    CUT = "cut"


class LayoutError(ValueError):
    """A template that cannot be rendered: names the block and the problem."""

    def __init__(self, block: int, problem: str) -> None:
        super().__init__(f"layout block {block}: {problem}")
        self.block = block
        self.problem = problem


# The fields a template may name, e.g. "{number}" or "{issued_at:%H:%M}".
TEMPLATE_FIELDS = frozenset(
    {
        "hall_name",
        "hall_name_en",
        "number",
        "service_name",
        "service_name_en",
        "people_ahead",
        "issued_at",
        "qr_payload",
        "privacy_notice",
    }
)


@dataclass(frozen=True)
class PrinterProfile:
    """What differs between ticket printers. Defaults: an 80 mm printer with a cutter."""

    paper_mm: int = 80
    chars_per_line: int = 48  # at size 1 (12x24 dot font): 48 on 80 mm, 32 on 58 mm
    cutter: bool = True
    code_page: Charset = Charset.GB18030
    qr: QrMode = QrMode.NATIVE

    @property
    def dots_per_line(self) -> int:
        return 576 if self.paper_mm >= 80 else 384


@dataclass(frozen=True)
class LayoutBlock:
    """One element of the ticket, top to bottom."""

    kind: BlockKind
    text: str = ""  # a template for text and QR blocks
    align: Align = Align.CENTER
    width: int = 1  # character size multipliers 1..8
    height: int = 1
    bold: bool = False
    lines: int = 1  # feed: blank lines; cut: lines fed before the cut
    module: int = 6  # QR: dots per module
    char: str = "-"  # rule: the character repeated across the line


DEFAULT_LAYOUT: tuple[LayoutBlock, ...] = (
    LayoutBlock(BlockKind.TEXT, "{hall_name}", width=2, height=2, bold=True),
    LayoutBlock(BlockKind.TEXT, "{hall_name_en}"),
    LayoutBlock(BlockKind.RULE),
    LayoutBlock(BlockKind.TEXT, "{number}", width=4, height=4, bold=True),
    LayoutBlock(BlockKind.TEXT, "{service_name}", width=2, height=2, bold=True),
    LayoutBlock(BlockKind.TEXT, "{service_name_en}"),
    LayoutBlock(BlockKind.TEXT, "前面还有 {people_ahead} 人 / {people_ahead} ahead of you"),
    LayoutBlock(BlockKind.TEXT, "{issued_at:%Y-%m-%d %H:%M}"),
    LayoutBlock(BlockKind.QR, "{qr_payload}", module=6),
    LayoutBlock(BlockKind.TEXT, "扫码查看排队进度 / Scan to follow the queue"),
    LayoutBlock(BlockKind.TEXT, "{privacy_notice}"),
    LayoutBlock(BlockKind.CUT, lines=3),
)


@dataclass(frozen=True)
class RenderedTicket:
    """The bytes of one ticket and every character that had to be replaced."""

    data: bytes
    replaced: tuple[Replacement, ...] = field(default=())


@dataclass(frozen=True)
class Slip:
    """A printout other than a queue ticket (a receipt, say): its own layout and the
    values its templates name. Rendered with the printer's profile and encoder."""

    layout: tuple[LayoutBlock, ...]
    fields: dict[str, Any]


def check_template(template: str, block: int = 0, known: frozenset[str] = TEMPLATE_FIELDS) -> None:
    """Refuse unknown fields, attribute/index access and conversions in a template."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise LayoutError(block, f"bad template {template!r}: {exc}") from None
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in known:
            names = ", ".join(sorted(known))
            raise LayoutError(block, f"unknown field {{{name}}} (known: {names})")
        if conversion:
            raise LayoutError(block, f"conversion !{conversion} is not allowed")
        if spec and "{" in spec:
            raise LayoutError(block, "nested fields are not allowed")


def check_layout(
    layout: tuple[LayoutBlock, ...] | list[LayoutBlock], known: frozenset[str] = TEMPLATE_FIELDS
) -> None:
    for index, block in enumerate(layout):
        if block.kind in (BlockKind.TEXT, BlockKind.QR):
            check_template(block.text, index, known)
        if not (1 <= block.width <= 8 and 1 <= block.height <= 8):
            raise LayoutError(index, f"size {block.width}x{block.height} outside 1..8")
        if block.kind is BlockKind.QR and not 1 <= block.module <= 16:
            raise LayoutError(index, f"QR module {block.module} outside 1..16")


def _fields(ticket: TicketContent) -> dict[str, Any]:
    return {name: getattr(ticket, name) for name in TEMPLATE_FIELDS}


def fill(
    template: str,
    ticket: TicketContent | dict[str, Any],
    block: int = 0,
    known: frozenset[str] = TEMPLATE_FIELDS,
) -> str:
    """``template`` with the ticket's fields filled in."""
    check_template(template, block, known)
    fields = ticket if isinstance(ticket, dict) else _fields(ticket)
    try:
        return template.format_map(fields)
    except (ValueError, TypeError) as exc:
        raise LayoutError(block, f"cannot fill {template!r}: {exc}") from None


def _columns(char: str) -> int:
    """Columns of one character, as encode_text would print it, without encoding it.

    Only ASCII (and the odd spaces printed as ASCII space) is a single byte in GB18030;
    every other character, or the □ that replaces it, is full width.
    """
    if char < "\x80" or (char != "\u3000" and unicodedata.category(char) == "Zs"):
        return 1
    return 2


def wrap(text: str, columns: int, charset: Charset = Charset.GB18030) -> list[str]:
    """Split ``text`` into lines of at most ``columns`` columns.

    Chinese has no spaces, so lines break between any two characters; inside a run
    of Latin text we go back to the last space when there is one. (``charset`` does
    not change widths: a character outside it prints as a full-width □.)
    """
    columns = max(columns, 2)
    lines: list[str] = []
    for paragraph in unicodedata.normalize("NFC", text).split("\n"):
        line = ""
        used = 0
        for char in paragraph:
            w = _columns(char)
            if used + w > columns:
                cut = line.rfind(" ")
                if char != " " and cut > 0 and line[-1:].isascii() and len(line) - cut < 16:
                    lines.append(line[:cut].rstrip())
                    line = line[cut + 1 :]
                else:
                    lines.append(line.rstrip())
                    line = ""
                used = sum(_columns(c) for c in line)
                if char == " " and not line:
                    continue
            line += char
            used += w
        lines.append(line.rstrip())
    return lines


def qr_rows(payload: str, module: int, max_dots: int) -> list[list[bool]]:
    """The QR code as rows of dots for a raster image, scaled to fit the paper."""
    import segno  # only needed by printers without native QR

    matrix = [list(row) for row in segno.make(payload, error="m", micro=False).matrix]
    size = len(matrix) + 8  # four modules of quiet zone on each side
    module = max(1, min(module, max_dots // size))
    rows: list[list[bool]] = []
    quiet = [False] * (size * module)
    for _ in range(4 * module):
        rows.append(quiet)
    for matrix_row in matrix:
        dots = [False] * (4 * module)
        for dark in matrix_row:
            dots.extend([bool(dark)] * module)
        dots.extend([False] * (4 * module))
        rows.extend([dots] * module)
    for _ in range(4 * module):
        rows.append(quiet)
    return rows


def render(
    ticket: TicketContent,
    profile: PrinterProfile = PrinterProfile(),
    layout: tuple[LayoutBlock, ...] | list[LayoutBlock] = DEFAULT_LAYOUT,
) -> RenderedTicket:
    """The whole ticket as one byte string, starting with ESC @ and FS &."""
    return _render_blocks(_fields(ticket), profile, layout, TEMPLATE_FIELDS)


def render_slip(slip: Slip, profile: PrinterProfile = PrinterProfile()) -> RenderedTicket:
    """A slip as one byte string, with the same encoder, wrapping, QR and cut as tickets."""
    known = frozenset(slip.fields)
    check_layout(slip.layout, known)
    return _render_blocks(slip.fields, profile, slip.layout, known)


def _render_blocks(
    fields: dict[str, Any],
    profile: PrinterProfile,
    layout: tuple[LayoutBlock, ...] | list[LayoutBlock],
    known: frozenset[str],
) -> RenderedTicket:
    out = bytearray(escpos.INIT + escpos.CHINESE_ON)
    replaced: list[Replacement] = []
    cut_done = False
    for index, block in enumerate(layout):
        out += escpos.align(block.align)
        if block.kind is BlockKind.TEXT:
            text = fill(block.text, fields, index, known)
            out += escpos.char_size(block.width, block.height) + escpos.bold(block.bold)
            for line in wrap(text, profile.chars_per_line // block.width, profile.code_page):
                encoded = encode_text(line, profile.code_page)
                replaced.extend(encoded.replaced)
                out += encoded.data + escpos.LF
            out += escpos.char_size(1, 1) + escpos.bold(False)
        elif block.kind is BlockKind.RULE:
            rule = encode_text(block.char[:1] or "-", profile.code_page)
            out += rule.data * (profile.chars_per_line // max(1, rule.width)) + escpos.LF
        elif block.kind is BlockKind.QR:
            payload = fill(block.text, fields, index, known)
            if profile.qr is QrMode.NATIVE:
                out += escpos.qr_native(payload.encode("utf-8"), block.module, QrErrorLevel.M)
            else:
                out += escpos.raster_image(qr_rows(payload, block.module, profile.dots_per_line))
            out += escpos.LF
        elif block.kind is BlockKind.FEED:
            out += escpos.feed_lines(block.lines)
        elif block.kind is BlockKind.CUT:
            cut_done = True
            if profile.cutter:
                out += escpos.feed_and_cut(block.lines * 24)
            else:
                out += escpos.feed_lines(block.lines + 3)  # room to tear off by hand
    if not cut_done and profile.cutter:
        out += escpos.feed_and_cut(72)
    return RenderedTicket(bytes(out), tuple(replaced))


def sample_ticket(now: datetime) -> TicketContent:
    """A ticket with every character class tickets use, for test pages and benchmarks."""
    return TicketContent(
        hall_name="武汉市民之家",
        hall_name_en="Wuhan Citizen Centre",
        number="A023",
        service_name="户籍业务（测试）",
        service_name_en="Household registration",
        people_ahead=7,
        issued_at=now,
        qr_payload="HKT1|wuhan-citizen-centre|A023|2026-11-27T09:05+08:00|K7Q2MX",
        privacy_notice="本票据不含个人信息 / This ticket holds no personal data",
    )
