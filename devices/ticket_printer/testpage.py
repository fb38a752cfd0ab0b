"""The technician's test page: every character class a ticket uses, sizes, QR and cut."""

from __future__ import annotations

from devices.ticket_printer.escpos import Align
from devices.ticket_printer.layout import BlockKind, LayoutBlock

TEST_PAGE_LAYOUT: tuple[LayoutBlock, ...] = (
    LayoutBlock(BlockKind.TEXT, "打印测试 / TEST PAGE", width=2, height=2, bold=True),
    LayoutBlock(BlockKind.RULE, char="="),
    LayoutBlock(BlockKind.TEXT, "ASCII: ABCDEFGHIJKLMNOPQRSTUVWXYZ", align=Align.LEFT),
    LayoutBlock(BlockKind.TEXT, "abcdefghijklmnopqrstuvwxyz 0123456789", align=Align.LEFT),
    LayoutBlock(BlockKind.TEXT, "符号: !\"#$%&'()*+,-./:;<=>?@[\\]^_`{{|}}~", align=Align.LEFT),
    LayoutBlock(BlockKind.TEXT, "全角标点：（）【】《》，。、；！？“”‘’…—", align=Align.LEFT),
    LayoutBlock(BlockKind.TEXT, "常用汉字：户籍出入境社保医保企业开办", align=Align.LEFT),
    LayoutBlock(BlockKind.TEXT, "次常用字：鑫淼犇骉垚焱", align=Align.LEFT),
    LayoutBlock(
        BlockKind.TEXT, "GB18030 四字节：㐀䶵𠀀𪚥（若显示□则打印机不支持）", align=Align.LEFT
    ),
    LayoutBlock(BlockKind.RULE),
    LayoutBlock(BlockKind.TEXT, "{hall_name}", width=2, height=2, bold=True),
    LayoutBlock(BlockKind.TEXT, "{number}", width=4, height=4, bold=True),
    LayoutBlock(BlockKind.TEXT, "{service_name} / {service_name_en}"),
    LayoutBlock(BlockKind.TEXT, "{issued_at:%Y-%m-%d %H:%M:%S}"),
    LayoutBlock(BlockKind.QR, "{qr_payload}", module=6),
    LayoutBlock(BlockKind.TEXT, "{privacy_notice}"),
    LayoutBlock(BlockKind.CUT, lines=3),
)
