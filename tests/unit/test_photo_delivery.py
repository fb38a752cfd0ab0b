"""An accepted photo is queued in the terminal's outbox, encrypted, under its receipt."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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
