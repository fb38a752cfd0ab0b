"""Finding and tapping QML items the way a finger would."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest

from ui.linebreak import plain


def find_item(window: QQuickWindow, name: str) -> QQuickItem | None:
    """Depth-first through the visual tree (Repeater delegates included)."""
    stack = [window.contentItem()]
    while stack:
        item = stack.pop()
        if item.objectName() == name and item.isVisible():
            return item
        stack.extend(item.childItems())
    return None


def wait_for(condition: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QGuiApplication.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def tap(window: QQuickWindow, name: str, timeout_s: float = 5.0) -> None:
    """Tap the centre of the item called ``name`` once it is on screen."""
    assert wait_for(lambda: find_item(window, name) is not None, timeout_s), f"{name} not shown"
    item = find_item(window, name)
    assert item is not None
    # A Grid places a new delegate on its next polish, before the frame a finger would
    # see: tapped before that (a busy machine), the tap lands where a neighbour will be.
    holder = item.parentItem()
    while holder is not None:
        holder.ensurePolished()
        holder = holder.parentItem()
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
    point = QPoint(round(centre.x()), round(centre.y()))
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QGuiApplication.processEvents()


def text_of(window: QQuickWindow, name: str) -> str:
    item = find_item(window, name)
    return "" if item is None else plain(str(item.property("text")))
