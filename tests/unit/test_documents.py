"""A placed card reaches the journey as an event; its record lives in the session only."""

from __future__ import annotations

import time

from devices.health import DeviceEvent, EventKind
from devices.idcard.sim import SimIdCardReader
from kiosk.config import KioskConfig
from kiosk.documents import DocumentReading, document_in
from kiosk.flows.journey import JourneyContext, JourneyEntry
from kiosk.flows.kiosk import KioskController
from kiosk.session import EndReason
from kiosk.terminal import Terminal, build_terminal
from tests.support import ManualClock


class CardJourney:
    """The smallest journey that starts from a card (as the form journey does)."""

    name = "card"
    finished = False
    can_go_back = True
    idle_exempt = False

    def __init__(self, ctx: JourneyContext, terminal: Terminal) -> None:
        self.ctx = ctx
        self.terminal = terminal
        self.reading: DocumentReading | None = None

    @property
    def screen(self) -> str:
        if self.reading is None:
            return "card_wait"
        return "card_done" if self.reading.poll() else "card_reading"

    def on_device_event(self, event: DeviceEvent, now: float) -> bool:
        if event.kind is EventKind.CARD_INSERTED and self.reading is None:
            reader = self.terminal.id_card
            self.reading = DocumentReading(reader, self.ctx.pool, self.ctx.session)
            return True
        return False

    def tick(self, now: float) -> bool:
        return self.reading is not None and self.reading.poll() is not None

    def remaining(self, now: float) -> float | None:
        return None

    def prompt_values(self) -> dict[str, str]:
        return {}

    def close(self) -> None:
        pass


def run_until(c: KioskController, clock: ManualClock, screen: str) -> None:
    deadline = time.monotonic() + 5
    while c.screen != screen and time.monotonic() < deadline:
        c.tick(clock())
        time.sleep(0.01)
    assert c.screen == screen


def test_card_placed_is_read_into_the_session_and_wiped_with_it(
    config: KioskConfig, clock: ManualClock
) -> None:
    terminal = build_terminal(config)
    terminal.start()
    entry = JourneyEntry(
        "card", "读卡", "Card", "", "", "卡", lambda ctx, now: CardJourney(ctx, terminal)
    )
    c = KioskController(config, [entry], clock(), terminal.events)
    c.open_journey("card", clock())
    assert c.screen == "card_wait"
    reader = terminal.id_card
    assert isinstance(reader, SimIdCardReader)
    reader.insert()  # the driver thread posts card_inserted to terminal.events
    run_until(c, clock, "card_done")
    session = c.session
    assert session is not None
    doc = document_in(session)
    assert doc is not None and doc.name == "张小明" and doc.id_number_valid
    c.end_session(EndReason.FINISHED)
    assert doc.name is None and doc.id_number is None
    assert session.keys() == []


def test_card_pulled_before_the_read_is_a_failed_reading(config: KioskConfig) -> None:
    terminal = build_terminal(config)
    reader = terminal.id_card
    assert isinstance(reader, SimIdCardReader)
    from concurrent.futures import ThreadPoolExecutor

    from kiosk.session import Session

    session = Session()
    with ThreadPoolExecutor(1) as pool:
        reading = DocumentReading(reader, pool, session)
        deadline = time.monotonic() + 5
        while reading.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    outcome = reading.poll()
    assert outcome is not None and not outcome.ok and "no card" in outcome.reason
    assert document_in(session) is None
