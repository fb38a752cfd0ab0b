"""One line per event on stderr (journald keeps it; stdout stays clean for --json).

Under systemd the unit names the lines (``SyslogIdentifier=hall-kiosk``) and caps their
rate; here each record is kept to one line of bounded size, a traceback included, so
one event is one journal entry and a runaway message cannot fill the disk.

Never personal data.
"""

from __future__ import annotations

import logging
import sys

# Longest line written; journald's own line limit is 48 KiB, ours is far below it.
MAX_LINE = 4000


class OneLineFormatter(logging.Formatter):
    """``LEVEL logger message``, with any newline (a traceback's too) folded into " | "."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = " | ".join(line for line in super().format(record).splitlines() if line.strip())
        if len(text) > MAX_LINE:
            text = text[: MAX_LINE - 12] + " [truncated]"
        return text


def setup_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_kiosk", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter())
    handler._kiosk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
