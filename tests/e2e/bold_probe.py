"""Draw the same words bold and regular with the kiosk's fonts; save the window as PNG.

Run as ``python -m tests.e2e.bold_probe OUT.png`` on whichever Qt platform the
environment selects (the bold test runs it offscreen and under Xvfb, xcb).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickWindow

from ui.app import application

SIZES = (34, 60, 78, 96)  # 78 and 96: large-text headings, beyond Qt's 64 px glyph cache
ROW = 140

QML = """
import QtQuick
Window {
    width: 1400; height: %d; visible: true; color: "white"
    Repeater {
        model: [%s]
        Item {
            y: index * %d; width: 1400; height: %d
            Text { x: 20; text: "办理业务 Bold"; font.pixelSize: modelData; font.bold: true }
            Text { x: 720; text: "办理业务 Bold"; font.pixelSize: modelData }
        }
    }
}
"""


def main(out: str) -> int:
    app = application()
    engine = QQmlApplicationEngine()
    source = QML % (ROW * len(SIZES), ", ".join(map(str, SIZES)), ROW, ROW)
    engine.loadData(QByteArray(source.encode()))
    window = engine.rootObjects()[0]
    assert isinstance(window, QQuickWindow)

    def grab() -> None:
        window.grabWindow().save(out)
        app.quit()

    QTimer.singleShot(800, grab)
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
