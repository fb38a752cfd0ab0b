"""The one font that survives a round trip through Qt's PDF writer.

With Noto CJK, Qt's PDF writer maps some glyphs to the wrong Unicode (民 comes out
as a radical), so ``pdftotext`` and copy-paste read wrong. WenQuanYi Micro Hei
extracts correctly. The family is set explicitly everywhere: left to fontconfig,
Qt would pick Noto's Japanese variants.
"""

from __future__ import annotations

import os

from PySide6.QtGui import QGuiApplication

from ui.resources import FONT_FILE, register_fonts

WQY_PATH = FONT_FILE  # the bundled copy, registered with its bold face (ui.resources)

_app: QGuiApplication | None = None
_family: str | None = None


class FontMissing(RuntimeError):
    """The PDF font is not installed (Debian: fonts-wqy-microhei)."""


def ensure_gui() -> None:
    """Fonts need a QGuiApplication; the CLI has none, so make the kiosk's own (offscreen
    without a display): one place decides how the application is made."""
    global _app
    if QGuiApplication.instance() is None:
        from ui.app import application  # late: the renderer alone does not need the UI

        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = application()


def pdf_family() -> str:
    """Register WenQuanYi Micro Hei once and return its family name."""
    global _family
    if _family is None:
        ensure_gui()
        if not WQY_PATH.exists():
            raise FontMissing(f"{WQY_PATH} not found: reinstall hall-kiosk")
        # The same registration as the screen's, so both use the same faces.
        _family = register_fonts()
    return _family
