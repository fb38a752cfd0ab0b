"""Fonts and translations, loaded once per QGuiApplication."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

log = logging.getLogger(__name__)

UI_DIR = Path(__file__).resolve().parent
QML_DIR = UI_DIR / "qml"
I18N_DIR = UI_DIR / "i18n"
# WenQuanYi Micro Hei: its glyphs map back to the right Unicode in Qt's PDF writer
# (Noto CJK does not), and setting it explicitly avoids Qt picking Japanese variants.
FONT_FILE = UI_DIR / "fonts" / "wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYi Micro Hei"


def install_font(app: QGuiApplication) -> str:
    """Load the bundled CJK font and make it the application font."""
    font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    family = families[0] if families else FONT_FAMILY
    if not families:
        log.warning("bundled font %s did not load; falling back to system fonts", FONT_FILE.name)
    app.setFont(QFont(family))
    return family


def compiled_translation(language: str) -> Path:
    """Compile ``ui/i18n/kiosk_<language>.ts`` to a .qm file, cached by the source's hash
    (two checkouts on one machine must never load each other's translations)."""
    source = I18N_DIR / f"kiosk_{language}.ts"
    cache = Path(tempfile.gettempdir()) / "hall-kiosk-i18n"
    cache.mkdir(exist_ok=True)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    target = cache / f"kiosk_{language}-{digest}.qm"
    if not target.exists():
        lrelease = Path(sys.executable).with_name("pyside6-lrelease")
        subprocess.run(
            [str(lrelease), "-silent", str(source), "-qm", str(target)],
            check=True,
            capture_output=True,
        )
    return target


class Translations:
    """Swaps the installed QTranslator when the citizen switches language."""

    def __init__(self) -> None:
        self._translator: QTranslator | None = None
        self.language = ""

    def use(self, language: str) -> None:
        if language == self.language:
            return
        app = QCoreApplication.instance()
        if self._translator is not None:
            app.removeTranslator(self._translator)
            self._translator = None
        translator = QTranslator()
        if translator.load(str(compiled_translation(language))):
            app.installTranslator(translator)
            self._translator = translator
        else:
            log.warning("no translation for %s", language)
        self.language = language
