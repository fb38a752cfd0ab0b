"""Fixtures that play ESC/POS ticket printers (TCP on 127.0.0.1, a pty, a fake USB bus).

This folder is on sys.path (pytest's prepend import mode), so tests import the
emulator and the paper reader as ``escpos_peer`` and ``escpos_paper``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from escpos_peer import TcpPrinter

from devices.ticket_printer.protocol import TicketContent

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def tcp_printer() -> Iterator[TcpPrinter]:
    with TcpPrinter() as server:
        yield server


@pytest.fixture
def ticket() -> TicketContent:
    return TicketContent(
        hall_name="武汉市民之家",
        hall_name_en="Wuhan Citizen Centre",
        number="A023",
        service_name="出入境业务",
        service_name_en="Exit and entry",
        people_ahead=4,
        issued_at=datetime(2026, 11, 27, 9, 5, tzinfo=SHANGHAI),
        qr_payload="HKT1|wuhan-citizen-centre|A023|2026-11-27T09:05+08:00|K7Q2MX",
        privacy_notice="本票据不含个人信息 / No personal data",
    )


def fast(uri: str) -> str:
    """Short timeouts so fault tests stay quick (still bounded the same way)."""
    sep = "&" if "?" in uri else "?"
    return f"{uri}{sep}poll_ms=100&status_timeout_ms=200&connect_timeout_ms=300"
