"""A placed card reaches the journey as an event (driver thread -> controller thread);
its record lives in the session only and is wiped with it."""

from __future__ import annotations

import time
from concurrent.futures import Future

from devices.health import DeviceEvent, EventKind
from devices.idcard.record import IdDocument
from devices.idcard.sim import SimIdCardReader
from kiosk.config import KioskConfig
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
        self.reading: Future[IdDocument] | None = None

    @property
    def screen(self) -> str:
        if self.reading is None:
            return "card_wait"
        return "card_done" if self.ctx.session.get("card") else "card_reading"

    def on_device_event(self, event: DeviceEvent, now: float) -> bool:
        if event.kind is EventKind.CARD_INSERTED and self.reading is None:
            self.reading = self.ctx.pool.submit(self.terminal.id_card.read, 5.0)
            return True
        return False

    def tick(self, now: float) -> bool:
        if self.reading is not None and self.reading.done() and not self.ctx.session.get("card"):
            self.ctx.session.put("card", self.reading.result())
            return True
        return False

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
    doc = session.get("card")
    assert isinstance(doc, IdDocument) and doc.name == "张小明" and doc.id_number_valid
    c.end_session(EndReason.FINISHED)
    assert doc.name is None and doc.id_number is None
    assert session.keys() == []
