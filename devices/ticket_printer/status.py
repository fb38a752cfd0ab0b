"""Real-time status (DLE EOT n) read and interpreted by us, byte by byte.

Every status byte has fixed bits (bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0); a byte
that breaks them is not a status answer (stale print data, line noise) and is refused
with :class:`StatusByteError` instead of being misread.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from devices.health import EventKind, HealthState

_FIXED_MASK = 0x93
_FIXED_VALUE = 0x12


class PrinterState(StrEnum):
    """What a technician (and the citizen's screen) needs to know, worst first."""

    OFFLINE = "offline"  # no connection, or no answer to a status query
    COVER_OPEN = "cover_open"
    PAPER_OUT = "paper_out"
    ERROR = "error"
    PAPER_LOW = "paper_low"
    OK = "ok"


class StatusByteError(ValueError):
    """A reply to DLE EOT ``query`` that is not a status byte."""

    def __init__(self, query: int, got: int) -> None:
        super().__init__(f"DLE EOT {query}: 0x{got:02X} is not a status byte")
        self.query = query
        self.got = got


def check_status_byte(query: int, byte: int) -> int:
    if byte & _FIXED_MASK != _FIXED_VALUE:
        raise StatusByteError(query, byte)
    return byte


@dataclass(frozen=True)
class PrinterStatus:
    """The decoded answers to DLE EOT 1, 2 and 4 (or why there were none)."""

    online: bool
    cover_open: bool = False
    paper_near_end: bool = False
    paper_end: bool = False
    error: bool = False
    reason: str = ""  # why the printer is offline when no byte came back

    @classmethod
    def unreachable(cls, reason: str) -> PrinterStatus:
        return cls(online=False, reason=reason)

    @classmethod
    def from_bytes(cls, printer: int, offline_cause: int, paper: int) -> PrinterStatus:
        """Decode DLE EOT 1 (printer), 2 (offline cause) and 4 (roll paper sensor)."""
        check_status_byte(1, printer)
        check_status_byte(2, offline_cause)
        check_status_byte(4, paper)
        return cls(
            online=not printer & 0x08,
            cover_open=bool(offline_cause & 0x04),
            paper_end=bool(offline_cause & 0x20) or (paper & 0x60) == 0x60,
            error=bool(offline_cause & 0x40),
            paper_near_end=(paper & 0x0C) == 0x0C,
        )

    @property
    def state(self) -> PrinterState:
        if self.cover_open:
            return PrinterState.COVER_OPEN
        if self.paper_end:
            return PrinterState.PAPER_OUT
        if self.error:
            return PrinterState.ERROR
        if not self.online:
            return PrinterState.OFFLINE
        if self.paper_near_end:
            return PrinterState.PAPER_LOW
        return PrinterState.OK

    @property
    def can_print(self) -> bool:
        return self.state in (PrinterState.OK, PrinterState.PAPER_LOW)

    def as_dict(self) -> dict[str, object]:
        return {
            "state": self.state.value,
            "online": self.online,
            "cover_open": self.cover_open,
            "paper_near_end": self.paper_near_end,
            "paper_end": self.paper_end,
            "error": self.error,
            "reason": self.reason,
        }


# How each state shows up in health and which event announces it.
HEALTH_OF_STATE: dict[PrinterState, tuple[HealthState, EventKind | None]] = {
    PrinterState.OK: (HealthState.OK, EventKind.RECOVERED),
    PrinterState.PAPER_LOW: (HealthState.DEGRADED, EventKind.PAPER_LOW),
    PrinterState.PAPER_OUT: (HealthState.FAULT, EventKind.PAPER_OUT),
    PrinterState.COVER_OPEN: (HealthState.FAULT, EventKind.COVER_OPEN),
    PrinterState.OFFLINE: (HealthState.FAULT, EventKind.OFFLINE),
    PrinterState.ERROR: (HealthState.FAULT, EventKind.OFFLINE),
}
