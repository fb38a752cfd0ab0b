"""Works around a reference-count bug in PySide6 6.12.0 on Python 3.11.

Every call of a Qt method that returns nothing (``QPainter.drawRect``,
``QFont.setBold``, ...) gives back ``None`` without taking a reference to it. On
Python 3.11 ``None`` is reference counted (it became immortal in 3.12), so after a
few thousand such calls its count reaches zero and the interpreter aborts with
"Fatal Python error: none_dealloc". A page render makes hundreds of these calls.

:func:`keep_none_alive` measures how many references a block of code lost and
gives them back (plus a margin, since other threads move the count too) with
``Py_IncRef``, never to be released: a Python list holding them would hand them
back at interpreter shutdown and the abort would happen there instead. Too many
costs nothing: ``None`` is never freed anyway. Remove this once PySide6 is fixed
or the kiosk runs Python 3.12+.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_MARGIN = 16
_restored = 0
_lock = threading.Lock()


def needed() -> bool:
    """True where None is still reference counted (before Python 3.12)."""
    return sys.version_info < (3, 12)


@contextmanager
def keep_none_alive() -> Iterator[None]:
    if not needed():
        yield
        return
    before = sys.getrefcount(None)
    try:
        yield
    finally:
        lost = before - sys.getrefcount(None)
        if lost > 0:
            _restore(lost + _MARGIN)


def _restore(count: int) -> None:
    global _restored
    with _lock:
        none = ctypes.py_object(None)
        for _ in range(count):
            ctypes.pythonapi.Py_IncRef(none)
        _restored += count


def restored() -> int:
    """How many references have been given back so far (for tests and diagnostics)."""
    return _restored
