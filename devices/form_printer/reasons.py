"""CUPS ``printer-state-reasons`` in plain words for the citizen, and what they mean
for the device's health.

Keywords carry a severity suffix (``media-empty-error``, ``media-low-warning``,
``offline-report``); RFC 8011 says a client should treat the bare keyword the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from devices.health import EventKind, HealthState


@dataclass(frozen=True)
class Notice:
    """What the citizen is told, in each language: a screen shows one of them, never both
    (``str()`` gives both, for logs, records and the technician's command line)."""

    zh: str = ""
    en: str = ""

    def text(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en

    def __bool__(self) -> bool:
        return bool(self.zh or self.en)

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}" if self else ""


@dataclass(frozen=True)
class Explained:
    """The most important reason: a message, the health it implies and its event."""

    keyword: str
    message: Notice
    state: HealthState
    event: EventKind | None


# Most important first: the citizen hears about one problem, the one staff must fix first.
_STOPPING: tuple[tuple[frozenset[str], str, str, EventKind], ...] = (
    (frozenset({"media-empty", "media-needed"}), "缺纸", "Out of paper", EventKind.PAPER_OUT),
    (frozenset({"media-jam"}), "卡纸", "Paper jam", EventKind.JOB_FAILED),
    (
        frozenset({"door-open", "cover-open", "interlock-open"}),
        "打印机盖板未关好",
        "The printer cover is open",
        EventKind.COVER_OPEN,
    ),
    (
        frozenset({"offline", "connecting-to-device", "timed-out", "shutdown"}),
        "打印机未连接",
        "The printer is offline",
        EventKind.OFFLINE,
    ),
    (
        frozenset({"toner-empty", "marker-supply-empty"}),
        "墨粉用完",
        "Out of toner",
        EventKind.JOB_FAILED,
    ),
)
_WARNINGS: dict[str, tuple[str, str, EventKind | None]] = {
    "media-low": ("纸张不多", "Paper is running low", EventKind.PAPER_LOW),
    "toner-low": ("墨粉不多", "Toner is running low", None),
    "marker-supply-low": ("墨粉不多", "Toner is running low", None),
}


def keyword(reason: str) -> tuple[str, str]:
    """``("media-empty", "error")`` for ``media-empty-error``; severity "" if none."""
    for severity in ("error", "warning", "report"):
        if reason.endswith("-" + severity):
            return reason[: -len(severity) - 1], severity
    return reason, ""


def plain(zh: str, en: str) -> Notice:
    """A fault the citizen cannot fix: say what it is and to ask staff."""
    return Notice(f"{zh}，请联系工作人员", f"{en}, please ask staff")


def explain(reasons: Iterable[str], stopped: bool) -> Explained | None:
    """The reason that matters most, or None when all is well.

    ``stopped`` is true when the queue itself is stopped (printer-state 5): then even
    an unknown reason, or none, is a fault a technician must clear.
    """
    words = {keyword(r)[0]: keyword(r)[1] for r in reasons if r and r != "none"}
    for keys, zh, en, event in _STOPPING:
        hit = next((k for k in words if k in keys), None)
        # offline-report alone (no stop) is how some backends say "waiting for the device".
        if hit is not None and (stopped or words[hit] != "warning"):
            return Explained(hit, plain(zh, en), HealthState.FAULT, event)
    errors = [k for k, sev in words.items() if sev == "error"]
    if errors:
        return Explained(
            errors[0],
            plain("打印机故障", "The printer has a problem"),
            HealthState.FAULT,
            EventKind.JOB_FAILED,
        )
    if stopped:
        word = "paused" if "paused" in words else "stopped"
        return Explained(
            word,
            plain("打印机已暂停", "The printer is paused"),
            HealthState.FAULT,
            EventKind.JOB_FAILED,
        )
    for k in words:
        if k in _WARNINGS:
            zh, en, warn_event = _WARNINGS[k]
            return Explained(k, Notice(zh, en), HealthState.DEGRADED, warn_event)
    return None
