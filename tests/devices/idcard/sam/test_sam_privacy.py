"""No personal data in logs at any level, nor in reprs or error messages."""

from __future__ import annotations

import logging

import pytest
from sam_cards import RESIDENT, resident_card
from sam_emulator import SamEmulator

from devices.base import DeviceKind
from devices.health import DeviceEvent
from devices.idcard.sam.driver import SamIdCardReader
from devices.idcard.sam.frame import Response
from devices.registry import open_device

pytestmark = pytest.mark.timeout(60)


def secrets_of(card_fields: dict[str, str]) -> list[str]:
    """Each personal value, as text and as the hex of its UCS-2 bytes (a frame dump)."""
    out: list[str] = []
    for key in ("name", "address", "id_number", "birth", "issuer"):
        value = card_fields[key]
        out += [value, value.encode("utf-16-le").hex(), value.encode("utf-16-le").hex(" ")]
    out += ["1990-03-07", RESIDENT["id_number"][:6] + "19900307"]
    return out


def test_a_full_read_logs_nothing_personal(
    emulator: SamEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    card = resident_card()
    card.appended_address = "湖北省武汉市洪山区珞喻路1号"
    events: list[DeviceEvent] = []
    reader = open_device(DeviceKind.ID_CARD, emulator.uri + "&poll_ms=50")
    assert isinstance(reader, SamIdCardReader)
    try:
        reader.start(events.append)
        emulator.insert(card)
        doc = reader.read()
        logging.getLogger("test").debug("read %r", doc)
        emulator.remove_during_read = True
        emulator.insert(card)
        with pytest.raises(Exception) as err:
            reader.read()
    finally:
        reader.close()
    assert doc.id_number == RESIDENT["id_number"]
    assert any(r.name.startswith("devices.idcard.sam") for r in caplog.records)  # it did log
    text = caplog.text + repr(doc) + str(err.value) + repr(events)
    for secret in [*secrets_of(RESIDENT), card.appended_address, card.photo[:8].hex()]:
        assert secret not in text
    assert repr(Response(0, 0, 0x90, card.text)) == "Response(sw3=0x90, 256 data bytes)"


def test_wipe_drops_the_new_fields_too(emulator: SamEmulator) -> None:
    card = resident_card()
    card.appended_address = "湖北省武汉市洪山区珞喻路1号"
    card.fingerprint = bytes(1024)
    emulator.insert(card)
    reader = open_device(DeviceKind.ID_CARD, emulator.uri + "&fingerprint=1")
    try:
        doc = reader.read()  # type: ignore[attr-defined]
    finally:
        reader.close()
    assert doc.fingerprint and doc.appended_address and doc.photo
    doc.wipe()
    assert (doc.fingerprint, doc.photo, doc.appended_address, doc.name) == (b"", b"", None, None)
