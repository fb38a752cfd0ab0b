"""The form journey on the real ``sam://`` driver and the pty emulator (issue 13 item 5).

Citizen A reads a card; the SAM halts it after the read (as many modules do) and A
walks away leaving it on the reader. Citizen B's form journey must never show A's card:
it reads only a card placed during its own journey, asks for the old one to be lifted,
and does not poll the reader with reads while it waits.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sam_cards import RESIDENT, resident_card
from sam_emulator import SamEmulator

from devices.base import DeviceKind
from devices.form_printer.sim import SimFormPrinter
from devices.idcard.protocol import Presence
from devices.idcard.sam.driver import SamIdCardReader
from devices.registry import open_device
from kiosk.config import KioskConfig
from kiosk.flows.form import CardStep, FormJourney, FormServices, FormState, form_entry
from kiosk.flows.kiosk import KioskController
from kiosk.forms.catalog import load_catalog
from kiosk.forms.desk import FormDesk
from kiosk.forms.filled import FilledForm
from kiosk.forms.ports import MemoryRecorder, PageHeader
from kiosk.terminal import Terminal, build_terminal
from tests.support import make_config

pytestmark = pytest.mark.timeout(60)


class PdfStub:
    def render_pdf(self, filled: FilledForm, header: PageHeader) -> bytes:
        return b"%PDF-1.4"


@pytest.fixture
def emulator() -> Iterator[SamEmulator]:
    emu = SamEmulator(halt_after_read=True, speed=4.0)
    try:
        yield emu
    finally:
        emu.close()


@pytest.fixture
def kiosk(emulator: SamEmulator, tmp_path: Path) -> Iterator[tuple[KioskController, Terminal]]:
    config: KioskConfig = make_config(tmp_path / "data")
    devices = config.devices.model_copy(update={"id_card": emulator.uri + "&poll_ms=50"})
    terminal = build_terminal(config.model_copy(update={"devices": devices}))
    reader = terminal.id_card
    assert isinstance(reader, SamIdCardReader)
    printer = open_device(DeviceKind.FORM_PRINTER, "sim://?delay_ms=5")
    assert isinstance(printer, SimFormPrinter)
    desk = FormDesk(PdfStub(), printer, MemoryRecorder(), PageHeader("厅", "Hall", "T01"))
    services = FormServices(load_catalog(), reader, desk)
    controller = KioskController(config, [form_entry(services)], time.monotonic(), terminal.events)
    terminal.start()
    try:
        yield controller, terminal
    finally:
        controller.close()
        terminal.close()


def _run(controller: KioskController, until, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Tick the controller (device events are dispatched there) until ``until()``."""
    deadline = time.monotonic() + seconds
    while not until():
        assert time.monotonic() < deadline, "condition not met in time"
        controller.tick(time.monotonic())
        time.sleep(0.02)


def _form(controller: KioskController) -> FormJourney:
    controller.start(time.monotonic())
    controller.open_journey("form", time.monotonic())
    journey = controller.journey_as(FormJourney)
    assert journey is not None
    journey.choose("hk_macau_travel", time.monotonic())
    return journey


def test_a_card_left_by_the_last_citizen_is_never_shown(
    kiosk: tuple[KioskController, Terminal], emulator: SamEmulator
) -> None:
    controller, terminal = kiosk
    reader = terminal.id_card
    assert isinstance(reader, SamIdCardReader)

    # Citizen A places their card, sees it, and leaves it on the reader.
    a = _form(controller)
    emulator.insert(resident_card())
    _run(controller, lambda: a.state is FormState.CONFIRM_CARD)
    assert a.card_values()["name"] == RESIDENT["name"]
    controller.cancel(time.monotonic())
    assert reader.presence is Presence.READ  # halted, still on the reader
    reads = reader.health().counters.get("reads", 0)
    read_commands = emulator.commands.count((0x30, 0x01))

    # Citizen B: the journey waits for a card of B's own; A's is not read.
    b = _form(controller)
    assert b.card_step is CardStep.LIFT_FIRST
    started = time.monotonic()
    _run(controller, lambda: time.monotonic() - started > 1.5)
    assert b.state is FormState.PLACE_CARD and b.card is None and b.card_values() == {}
    counters = reader.health().counters
    assert counters.get("reads", 0) == reads  # no read of the old card...
    assert "read_failures" not in counters  # ...and no reads in a loop while waiting
    assert emulator.commands.count((0x30, 0x01)) == read_commands

    # A's card is lifted; B places theirs: that one is read.
    emulator.remove()
    _run(controller, lambda: b.card_step is CardStep.PLACE)
    other = resident_card(name="李四")
    emulator.insert(other)
    _run(controller, lambda: b.state is FormState.CONFIRM_CARD)
    assert b.card_values()["name"] == "李四"
    assert reader.health().counters["reads"] == reads + 1
