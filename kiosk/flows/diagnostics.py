"""The technician's diagnostics: PIN first, then every device's health and a test button.

Opened by a hidden gesture (a long press on the hall name on the attract screen); not
on the citizen's menu. Idle timeout applies, so a panel left open locks itself.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum, auto

from devices.base import DeviceKind
from devices.health import DeviceEvent, Health
from kiosk.flows.journey import JourneyContext, JourneyEntry
from kiosk.technician.pin import LOCKOUT_FILE, PinGate, PinResult
from kiosk.technician.self_test import TestOutcome, run_self_test
from kiosk.terminal import Terminal, device_uris

log = logging.getLogger(__name__)


class DiagState(Enum):
    PIN = auto()
    PANEL = auto()


@dataclass(frozen=True)
class DeviceRow:
    kind: DeviceKind
    uri: str
    health: Health
    testing: bool
    last_test: TestOutcome | None


class DiagnosticsJourney:
    name = "diagnostics"

    def __init__(self, terminal: Terminal, gate: PinGate, pool: ThreadPoolExecutor) -> None:
        self._terminal = terminal
        self._gate = gate
        self._pool = pool
        self.state = DiagState.PIN
        # No usable PIN configured (none, or a published one): say so before any typing.
        self.pin_message = "unset" if gate.problem() else ""
        self._tests: dict[DeviceKind, Future[TestOutcome]] = {}
        self._outcomes: dict[DeviceKind, TestOutcome] = {}

    # -- Journey protocol ----------------------------------------------------
    @property
    def screen(self) -> str:
        return "tech_pin" if self.state is DiagState.PIN else "tech_panel"

    @property
    def finished(self) -> bool:
        return False

    @property
    def can_go_back(self) -> bool:
        return True

    @property
    def idle_exempt(self) -> bool:
        return bool(self._tests)  # not while a test is running

    def remaining(self, now: float) -> float | None:
        return None

    def prompt_values(self) -> dict[str, str]:
        return {}

    def on_device_event(self, event: DeviceEvent, now: float) -> bool:
        return False

    def close(self) -> None:
        self._tests.clear()

    def tick(self, now: float) -> bool:
        done = [kind for kind, fut in self._tests.items() if fut.done()]
        for kind in done:
            self._outcomes[kind] = self._tests.pop(kind).result()
            log.info("self-test %s: %s", kind.value, "ok" if self._outcomes[kind].ok else "failed")
        # The panel shows live health, so it always repaints while open.
        return bool(done) or self.state is DiagState.PANEL

    # -- what the technician does -------------------------------------------
    def enter_pin(self, pin: str, now: float) -> PinResult:
        """``now`` (the UI's monotonic clock) is not used: the lockout is kept in wall
        time so that it survives a restart."""
        result = self._gate.try_pin(pin)
        if result is PinResult.OK:
            self.state = DiagState.PANEL
            self.pin_message = ""
            log.info("technician signed in")
        elif result is PinResult.WRONG:
            self.pin_message = "wrong"
            log.warning("wrong technician PIN")
        elif result is PinResult.UNSET:
            self.pin_message = "unset"
            log.warning("diagnostics refused: %s", self._gate.problem())
        elif result is PinResult.TOO_SHORT:
            self.pin_message = "too_short"
            log.warning("diagnostics refused: the technician PIN is shorter than 6 digits")
        else:
            self.pin_message = "locked"
            log.warning("technician PIN locked for %.0f s", self._gate.locked_for())
        return result

    def locked_for(self, now: float) -> float:
        return self._gate.locked_for()

    def run_test(self, kind: DeviceKind) -> None:
        if self.state is not DiagState.PANEL or kind in self._tests:
            return
        self._tests[kind] = self._pool.submit(run_self_test, self._terminal, kind)

    def rows(self) -> list[DeviceRow]:
        uris = device_uris(self._terminal.config)
        return [
            DeviceRow(
                kind=kind,
                uri=uris[kind],
                health=device.health(),
                testing=kind in self._tests,
                last_test=self._outcomes.get(kind),
            )
            for kind, device in self._terminal.devices.items()
        ]


def diagnostics_entry(terminal: Terminal) -> JourneyEntry:
    tech = terminal.config.technician
    # One gate for every visit, its count kept in the data directory: the lockout
    # survives leaving the screen and restarting the kiosk.
    gate = PinGate(
        tech.pin_hash,
        tech.max_tries,
        tech.lockout_s,
        state_file=terminal.config.terminal.data_path / LOCKOUT_FILE,
    )

    def start(ctx: JourneyContext, now: float) -> DiagnosticsJourney:
        return DiagnosticsJourney(terminal, gate, ctx.pool)

    return JourneyEntry(
        name="diagnostics",
        title_zh="设备诊断",
        title_en="Diagnostics",
        subtitle_zh="技术人员专用",
        subtitle_en="For technicians",
        icon="检",
        start=start,
        in_menu=False,
    )
