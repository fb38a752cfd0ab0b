"""The pinned PySide6 must survive a long-running kiosk's worth of signals (ADR 0006)."""

from __future__ import annotations

import subprocess
import sys

LOOP = """
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont

class Model(QObject):
    changed = Signal()

m = Model()
for _ in range(300_000):   # about eight hours of 100 ms ticks
    m.changed.emit()
f = QFont()
for _ in range(300_000):
    f.setBold(True)
print("alive")
"""


def test_signals_and_void_calls_do_not_exhaust_none_or_bool() -> None:
    done = subprocess.run([sys.executable, "-c", LOOP], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "alive"
