"""A filled form as an A4 PDF, drawn with QPdfWriter + QPainter.

Two passes: :class:`_Layout` places every box on pages (in millimetres), then
:func:`_paint` draws them, so each footer can say "page 2 of 3".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import segno
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from kiosk.forms.filled import FilledForm
from kiosk.forms.model import FieldDef, FieldType, Section
from kiosk.forms.ports import PageHeader
from ui.render.fonts import pdf_family

DPI = 300
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 15.0, 12.0, 16.0
CONTENT_W = PAGE_W - 2 * MARGIN_X
LABEL_W = 32.0  # label column of each cell
PHOTO_W, PHOTO_H = 33.0, 48.0  # the usual 33 x 48 mm ID photo
PHOTO_GAP = 3.0
MIN_ROW_H = 10.0
SIGNATURE_H = 20.0
PAD = 1.6
HEADER_FIRST_H = 34.0
HEADER_NEXT_H = 12.0
SECTION_BAR_H = 7.0
QR_MM = 24.0

GREY = QColor(90, 90, 90)
LIGHT = QColor(235, 235, 235)
LINE = QColor(60, 60, 60)


def _mm(value: float) -> float:
    return value * DPI / 25.4


def _rect(x: float, y: float, w: float, h: float) -> QRectF:
    return QRectF(_mm(x), _mm(y), _mm(w), _mm(h))


@dataclass
class _Fonts:
    family: str

    def make(self, pt: float, bold: bool = False) -> QFont:
        font = QFont(self.family)
        font.setPointSizeF(pt)
        font.setBold(bold)
        # Never substitute another family: a fallback glyph may extract wrongly.
        font.setStyleStrategy(QFont.StyleStrategy.PreferQuality)
        return font


Draw = Callable[[QPainter], None]


@dataclass
class _Page:
    draws: list[Draw] = field(default_factory=list)


class _Layout:
    """Places sections and field cells on pages, top to bottom."""

    def __init__(self, filled: FilledForm, fonts: _Fonts, device: QPdfWriter) -> None:
        self.filled = filled
        self.fonts = fonts
        self.device = device
        self.pages: list[_Page] = []
        self.y = 0.0
        self._new_page()

    # -- measuring -------------------------------------------------------------
    def text_h(self, text: str, font: QFont, width_mm: float) -> float:
        if not text:
            return 0.0
        metrics = QFontMetricsF(font, self.device)
        box = metrics.boundingRect(
            QRectF(0, 0, _mm(width_mm), 1e6), int(Qt.TextFlag.TextWordWrap), text
        )
        return box.height() * 25.4 / DPI

    # -- pages -----------------------------------------------------------------
    @property
    def page(self) -> _Page:
        return self.pages[-1]

    def _new_page(self) -> None:
        self.pages.append(_Page())
        first = len(self.pages) == 1
        self.y = MARGIN_TOP + (HEADER_FIRST_H if first else HEADER_NEXT_H) + 3.0

    def room(self) -> float:
        return PAGE_H - MARGIN_BOTTOM - self.y

    def ensure(self, height: float) -> None:
        if height > self.room():
            self._new_page()

    # -- content ---------------------------------------------------------------
    def section(self, section: Section) -> None:
        photo = next((f for f in section.fields if f.type is FieldType.PHOTO), None)
        first_row = self._rows(section, CONTENT_W)[:1]
        need = SECTION_BAR_H + (PHOTO_H if photo else self._row_h(first_row[0]) if first_row else 0)
        self.ensure(need + 2.0)
        self._section_bar(section)
        photo_bottom = 0.0
        if photo is not None:
            self._photo_box(photo, self.y)
            photo_bottom = self.y + PHOTO_H
        fields = [f for f in section.fields if f.type is not FieldType.PHOTO]
        pending: list[FieldDef] = []
        for f in fields:
            narrow = self.y < photo_bottom
            width = CONTENT_W - (PHOTO_W + PHOTO_GAP if narrow else 0.0)
            if f.width == "full" or f.type is FieldType.SIGNATURE:
                if pending:
                    self._place_row(pending, width)
                    pending = []
                    narrow = self.y < photo_bottom
                    width = CONTENT_W - (PHOTO_W + PHOTO_GAP if narrow else 0.0)
                self._place_row([f], width)
            else:
                pending.append(f)
                if len(pending) == 2:
                    self._place_row(pending, width)
                    pending = []
        if pending:
            narrow = self.y < photo_bottom
            self._place_row(pending, CONTENT_W - (PHOTO_W + PHOTO_GAP if narrow else 0.0))
        self.y = max(self.y, photo_bottom) + 4.0

    def _rows(self, section: Section, width: float) -> list[list[tuple[FieldDef, float]]]:
        row: list[tuple[FieldDef, float]] = []
        rows: list[list[tuple[FieldDef, float]]] = []
        for f in section.fields:
            if f.type is FieldType.PHOTO:
                continue
            if f.width == "full" or f.type is FieldType.SIGNATURE:
                rows += [row] if row else []
                rows.append([(f, width)])
                row = []
            else:
                row.append((f, width / 2))
                if len(row) == 2:
                    rows.append(row)
                    row = []
        return rows + ([row] if row else [])

    def _cell_h(self, f: FieldDef, width: float) -> float:
        if f.type is FieldType.SIGNATURE:
            return SIGNATURE_H
        label_h = self.text_h(f.label, self.fonts.make(8.5, True), LABEL_W - 2 * PAD)
        label_h += self.text_h(f.label_en, self.fonts.make(6.5), LABEL_W - 2 * PAD)
        value = self.filled.display(f)
        value_h = self.text_h(value, self.fonts.make(10.5), width - LABEL_W - 2 * PAD)
        return max(MIN_ROW_H, label_h + 2 * PAD, value_h + 2 * PAD)

    def _row_h(self, row: list[tuple[FieldDef, float]]) -> float:
        return max(self._cell_h(f, w) for f, w in row)

    def _place_row(self, fields: list[FieldDef], width: float) -> None:
        cell_w = (
            width / len(fields)
            if len(fields) > 1
            else (
                width
                if fields[0].width == "full" or fields[0].type is FieldType.SIGNATURE
                else width / 2
            )
        )
        height = max(self._cell_h(f, cell_w) for f in fields)
        if height > self.room():
            self._new_page()
        x = MARGIN_X
        for f in fields:
            self._cell(f, x, self.y, cell_w, height)
            x += cell_w
        self.y += height

    # -- drawing commands ------------------------------------------------------
    def _section_bar(self, section: Section) -> None:
        y = self.y
        zh, en = self.fonts.make(10.5, True), self.fonts.make(8)

        def draw(p: QPainter) -> None:
            p.fillRect(_rect(MARGIN_X, y, CONTENT_W, SECTION_BAR_H), LIGHT)
            p.setPen(QPen(Qt.GlobalColor.black))
            p.setFont(zh)
            box = _rect(MARGIN_X + 2, y, CONTENT_W - 4, SECTION_BAR_H)
            used = p.boundingRect(box, int(Qt.AlignmentFlag.AlignVCenter), section.title)
            p.drawText(box, int(Qt.AlignmentFlag.AlignVCenter), section.title)
            p.setFont(en)
            p.setPen(GREY)
            rest = QRectF(
                used.right() + _mm(3), box.top(), box.right() - used.right(), box.height()
            )
            p.drawText(rest, int(Qt.AlignmentFlag.AlignVCenter), section.title_en)

        self.page.draws.append(draw)
        self.y += SECTION_BAR_H

    def _cell(self, f: FieldDef, x: float, y: float, w: float, h: float) -> None:
        value = self.filled.display(f)
        from_card = f.name in self.filled.card_fields
        fonts = self.fonts
        label_f, label_en_f, value_f = fonts.make(8.5, True), fonts.make(6.5), fonts.make(10.5)

        def draw(p: QPainter) -> None:
            p.setPen(QPen(LINE, _mm(0.2)))
            p.drawRect(_rect(x, y, w, h))
            p.drawLine(
                _rect(x + LABEL_W, y, 0, h).topLeft(), _rect(x + LABEL_W, y, 0, h).bottomLeft()
            )
            label_box = _rect(x + PAD, y + PAD, LABEL_W - 2 * PAD, h - 2 * PAD)
            p.setPen(Qt.GlobalColor.black)
            p.setFont(label_f)
            flags = int(Qt.TextFlag.TextWordWrap)
            used = p.boundingRect(label_box, flags, f.label)
            p.drawText(label_box, flags, f.label)
            p.setPen(GREY)
            p.setFont(label_en_f)
            en_box = QRectF(
                label_box.left(),
                used.bottom(),
                label_box.width(),
                label_box.bottom() - used.bottom(),
            )
            p.drawText(en_box, flags, f.label_en)
            if f.required:
                p.setPen(QColor(170, 0, 0))
                p.setFont(label_en_f)
                p.drawText(
                    _rect(x + LABEL_W - 3, y + 0.5, 2.5, 3), int(Qt.AlignmentFlag.AlignRight), "*"
                )
            value_box = _rect(x + LABEL_W + PAD, y + PAD, w - LABEL_W - 2 * PAD, h - 2 * PAD)
            if from_card:
                # Fields read off the card are tinted, so the clerk knows they are verified.
                p.fillRect(
                    _rect(x + LABEL_W + 0.2, y + 0.2, w - LABEL_W - 0.4, h - 0.4),
                    QColor(246, 246, 240),
                )
            p.setPen(Qt.GlobalColor.black)
            p.setFont(value_f)
            p.drawText(value_box, flags | int(Qt.AlignmentFlag.AlignVCenter), value)

        self.page.draws.append(draw)

    def _photo_box(self, f: FieldDef, y: float) -> None:
        x = MARGIN_X + CONTENT_W - PHOTO_W
        photo = self.filled.photo
        hint_f, hint_en_f = self.fonts.make(9), self.fonts.make(6.5)

        def draw(p: QPainter) -> None:
            box = _rect(x, y, PHOTO_W, PHOTO_H)
            image = QImage.fromData(QByteArray(photo)) if photo else QImage()
            if not image.isNull():
                scaled = image.size().scaled(
                    box.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio
                )
                target = QRectF(0, 0, scaled.width(), scaled.height())
                target.moveCenter(box.center())
                p.drawImage(target, image)
            else:
                p.setPen(GREY)
                p.setFont(hint_f)
                centre = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)
                p.drawText(_rect(x, y + PHOTO_H / 2 - 9, PHOTO_W, 8), centre, "照片")
                p.setFont(hint_en_f)
                p.drawText(
                    _rect(x + 2, y + PHOTO_H / 2 - 1, PHOTO_W - 4, 10), centre, "Photo 33×48 mm"
                )
            p.setPen(QPen(LINE, _mm(0.25)))
            p.drawRect(box)

        self.page.draws.append(draw)

    def notes(self, notes: tuple[str, ...]) -> None:
        font = self.fonts.make(8)
        for note in notes:
            h = self.text_h(note, font, CONTENT_W) + 1.0
            self.ensure(h)
            y = self.y

            def draw(p: QPainter, note: str = note, y: float = y, h: float = h) -> None:
                p.setPen(GREY)
                p.setFont(font)
                p.drawText(_rect(MARGIN_X, y, CONTENT_W, h), int(Qt.TextFlag.TextWordWrap), note)

            self.page.draws.append(draw)
            self.y += h


def _draw_qr(p: QPainter, text: str, x: float, y: float, size: float) -> None:
    qr = segno.make(text, error="m")
    rows = [list(r) for r in qr.matrix_iter(border=0)]
    module = size / len(rows)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                p.fillRect(
                    _rect(x + start * module, y + r * module, (c - start) * module, module),
                    Qt.GlobalColor.black,
                )
            else:
                c += 1


def _header(
    p: QPainter, filled: FilledForm, header: PageHeader, fonts: _Fonts, first: bool
) -> None:
    form = filled.form
    left = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignTop)
    if not first:
        p.setPen(GREY)
        p.setFont(fonts.make(8))
        p.drawText(
            _rect(MARGIN_X, MARGIN_TOP, CONTENT_W, 6), left, f"{header.hall_name} · {form.title}"
        )
        right = int(Qt.AlignmentFlag.AlignRight) | int(Qt.AlignmentFlag.AlignTop)
        p.drawText(
            _rect(MARGIN_X, MARGIN_TOP, CONTENT_W, 6), right, f"回执号 Receipt {filled.receipt}"
        )
        p.setPen(QPen(LINE, _mm(0.3)))
        y = MARGIN_TOP + HEADER_NEXT_H - 3
        p.drawLine(
            _rect(MARGIN_X, y, 0, 0).topLeft(), _rect(MARGIN_X + CONTENT_W, y, 0, 0).topLeft()
        )
        return
    text_w = CONTENT_W - QR_MM - 4
    p.setPen(Qt.GlobalColor.black)
    p.setFont(fonts.make(13, True))
    p.drawText(_rect(MARGIN_X, MARGIN_TOP, text_w, 7), left, header.hall_name)
    p.setPen(GREY)
    p.setFont(fonts.make(8))
    p.drawText(_rect(MARGIN_X, MARGIN_TOP + 6.5, text_w, 5), left, header.hall_name_en)
    p.setPen(Qt.GlobalColor.black)
    p.setFont(fonts.make(16, True))
    p.drawText(_rect(MARGIN_X, MARGIN_TOP + 13, text_w, 9), left, form.title)
    p.setFont(fonts.make(9))
    p.drawText(
        _rect(MARGIN_X, MARGIN_TOP + 22, text_w, 10),
        left | int(Qt.TextFlag.TextWordWrap),
        form.title_en,
    )
    qx = MARGIN_X + CONTENT_W - QR_MM
    if filled.receipt:
        _draw_qr(p, filled.receipt, qx, MARGIN_TOP, QR_MM)
        p.setFont(fonts.make(6.5))
        p.setPen(GREY)
        centre = int(Qt.AlignmentFlag.AlignHCenter) | int(Qt.AlignmentFlag.AlignTop)
        p.drawText(_rect(qx - 8, MARGIN_TOP + QR_MM + 0.5, QR_MM + 8, 4), centre, "回执号 Receipt")
        p.setPen(Qt.GlobalColor.black)
        p.setFont(fonts.make(7.5, True))
        p.drawText(_rect(qx - 10, MARGIN_TOP + QR_MM + 3.5, QR_MM + 10, 5), centre, filled.receipt)
    p.setPen(QPen(LINE, _mm(0.4)))
    y = MARGIN_TOP + HEADER_FIRST_H
    p.drawLine(_rect(MARGIN_X, y, 0, 0).topLeft(), _rect(MARGIN_X + CONTENT_W, y, 0, 0).topLeft())


def _footer(
    p: QPainter, filled: FilledForm, header: PageHeader, fonts: _Fonts, n: int, total: int
) -> None:
    y = PAGE_H - MARGIN_BOTTOM + 5
    p.setPen(GREY)
    p.setFont(fonts.make(7.5))
    box = _rect(MARGIN_X, y, CONTENT_W, 5)
    p.drawText(
        box, int(Qt.AlignmentFlag.AlignHCenter), f"第 {n} 页，共 {total} 页 · Page {n} of {total}"
    )
    stamp = filled.created_at.strftime("%Y-%m-%d %H:%M")
    p.drawText(box, int(Qt.AlignmentFlag.AlignLeft), f"{header.terminal_id} · {stamp}")
    p.drawText(box, int(Qt.AlignmentFlag.AlignRight), f"{filled.form.id} v{filled.form.version}")


class QtFormRenderer:
    """The ``qt`` renderer: registered in setup.cfg under ``hall_kiosk.renderers``."""

    def render_pdf(self, filled: FilledForm, header: PageHeader) -> bytes:
        return self._render(filled, header)

    def _render(self, filled: FilledForm, header: PageHeader) -> bytes:
        fonts = _Fonts(pdf_family())
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)
        writer.setResolution(DPI)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
            )
        )
        writer.setTitle(f"{filled.form.title} {filled.receipt}")
        writer.setCreator("hall kiosk")
        layout = _Layout(filled, fonts, writer)
        for section in filled.form.sections:
            layout.section(section)
        layout.notes(filled.form.notes)
        painter = QPainter(writer)
        try:
            total = len(layout.pages)
            for n, page in enumerate(layout.pages, start=1):
                if n > 1:
                    writer.newPage()
                _header(painter, filled, header, fonts, first=n == 1)
                for draw in page.draws:
                    draw(painter)
                _footer(painter, filled, header, fonts, n, total)
        finally:
            painter.end()
        buffer.close()
        return bytes(buffer.data().data())
