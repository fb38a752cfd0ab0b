"""The photo receipt as a ticket-printer slip: the number to quote at the counter,
its QR code, which photo it is, and when. It holds no photo and no name."""

from __future__ import annotations

from datetime import datetime

from devices.ticket_printer.escpos import Align
from devices.ticket_printer.layout import BlockKind, LayoutBlock, Slip
from kiosk.photo.specs import PhotoSpec

RECEIPT_LAYOUT: tuple[LayoutBlock, ...] = (
    LayoutBlock(BlockKind.TEXT, "{hall_name}", width=2, height=2, bold=True),
    LayoutBlock(BlockKind.TEXT, "{hall_name_en}"),
    LayoutBlock(BlockKind.RULE),
    LayoutBlock(BlockKind.TEXT, "证件照回执 / ID photo receipt", width=2, height=2, bold=True),
    LayoutBlock(BlockKind.TEXT, "{photo} / {photo_en}"),
    LayoutBlock(BlockKind.FEED),
    LayoutBlock(BlockKind.TEXT, "回执号 / Receipt number"),
    LayoutBlock(BlockKind.TEXT, "{receipt}", width=2, height=2, bold=True),
    LayoutBlock(BlockKind.QR, "{receipt}", module=6),
    LayoutBlock(BlockKind.TEXT, "{taken_at:%Y-%m-%d %H:%M}"),
    LayoutBlock(BlockKind.RULE),
    LayoutBlock(BlockKind.TEXT, "办理业务时请出示本回执", align=Align.LEFT),
    LayoutBlock(BlockKind.TEXT, "Show this receipt at the counter.", align=Align.LEFT),
    LayoutBlock(
        BlockKind.TEXT, "本回执不含照片和个人信息 / No photo or personal data on this slip"
    ),
    LayoutBlock(BlockKind.CUT, lines=3),
)


def receipt_slip(
    hall_name: str, hall_name_en: str, receipt: str, spec: PhotoSpec, taken_at: datetime
) -> Slip:
    """The slip for one accepted photo."""
    fields = {
        "hall_name": hall_name,
        "hall_name_en": hall_name_en,
        "receipt": receipt,
        "photo": spec.name,
        "photo_en": spec.name_en,
        "taken_at": taken_at,
    }
    return Slip(RECEIPT_LAYOUT, fields)
