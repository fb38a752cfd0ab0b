"""An accepted photo is queued in the terminal's outbox, encrypted, under its receipt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.config import KioskConfig
from kiosk.flows.photo import PhotoOutcome
from kiosk.forms.receipt import receipt_ok
from kiosk.journeys import photo_delivery
from kiosk.terminal import build_terminal


def test_photo_goes_to_the_outbox_encrypted(config: KioskConfig) -> None:
    terminal = build_terminal(config)
    try:
        jpeg = b"\xff\xd8" + b"FACE-PIXELS" * 2000
        outcome = PhotoOutcome(jpeg, np.zeros((472, 354, 3), np.uint8), True, [])
        receipt = photo_delivery(terminal)(outcome)
        assert receipt.startswith(f"{config.terminal.id}-") and receipt_ok(receipt)
        status = terminal.outbox.status()
        assert status.pending == 1
        # Nothing on disk holds the photo in the clear.
        for path in Path(config.terminal.data_path).rglob("*"):
            if path.is_file():
                assert b"FACE-PIXELS" not in path.read_bytes(), path
    finally:
        terminal.close()


def test_receipt_slip_prints_on_the_ticket_printer(config: KioskConfig) -> None:
    """Issue 15.8: the receipt existed only on screen. It now comes out of the ticket
    printer, through the ticket's own ESC/POS layout and GB18030 encoder."""
    from devices.ticket_printer.protocol import PrinterFault, TicketPrintError
    from devices.ticket_printer.sim import SimTicketPrinter
    from kiosk.journeys import receipt_printer
    from kiosk.photo.specs import get_spec

    terminal = build_terminal(config)
    try:
        printer = terminal.ticket_printer
        assert isinstance(printer, SimTicketPrinter)
        print_receipt = receipt_printer(terminal)
        print_receipt("T01-20261202-7KQ3MX", get_spec("us-visa"))
        paper = printer.rendered[-1]
        assert "证件照回执".encode("gb18030") in paper
        assert "美国签证照片".encode("gb18030") in paper
        assert b"T01-20261202-7KQ3MX" in paper
        assert b"\x1dVB" in paper  # fed and cut like a ticket
        printer.inject(PrinterFault.PAPER_OUT)
        with pytest.raises(TicketPrintError):
            print_receipt("T01-20261202-AAAAAA", get_spec("us-visa"))
    finally:
        terminal.close()


def test_menu_tile_names_the_photos_this_hall_offers(tmp_path: Path) -> None:
    """Issue 15.8: the tile promised ID-card and visa photos while the booth made one
    spec. The tile now names what `[photo] specs` offers, and only that."""
    from kiosk.journeys import available_journeys
    from tests.support import make_config

    two = make_config(tmp_path / "a", '[photo]\nspecs = ["cn-id-card", "us-visa"]\n')
    one = make_config(tmp_path / "b", '[photo]\nspecs = ["cn-exit-entry"]\n')
    for cfg, zh, en in (
        (two, "身份证、美国签证照片", "ID card, US visa photos"),
        (one, "护照、通行证照片", "Passport, travel permit photos"),
    ):
        terminal = build_terminal(cfg)
        try:
            tile = next(e for e in available_journeys(terminal) if e.name == "photo")
        finally:
            terminal.close()
        assert tile.subtitle_zh.startswith(zh) and tile.subtitle_en.startswith(en)
        if cfg is one:
            assert "签证" not in tile.subtitle_zh and "visa" not in tile.subtitle_en


def test_photo_config_names_a_bad_spec_and_a_background_one_spec_lacks(tmp_path: Path) -> None:
    from kiosk.config import ConfigError
    from tests.support import make_config

    with pytest.raises(ConfigError, match="cn-4inch"):
        make_config(tmp_path / "a", '[photo]\nspecs = ["cn-exit-entry", "cn-4inch"]\n')
    # "blue" is an exit-entry colour; the US visa allows white only.
    with pytest.raises(ConfigError, match="us-visa"):
        make_config(
            tmp_path / "b", '[photo]\nspecs = ["cn-exit-entry", "us-visa"]\nbackground = "blue"\n'
        )
