"""Fonts and translations, loaded once per QGuiApplication."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from ui.linebreak import keep_phrases

log = logging.getLogger(__name__)

UI_DIR = Path(__file__).resolve().parent
QML_DIR = UI_DIR / "qml"
I18N_DIR = UI_DIR / "i18n"
# WenQuanYi Micro Hei: its glyphs map back to the right Unicode in Qt's PDF writer
# (Noto CJK does not), and setting it explicitly avoids Qt picking Japanese variants.
FONT_FILE = UI_DIR / "fonts" / "wqy-microhei.ttc"
# Its bold face (scripts/make-bold-font). Without a real bold face Qt fakes bold, and
# the fake never reaches distance-field text (xcb: no bold at all) nor glyphs above
# 64 px (large text): a real face is bold on every path, on screen and in PDFs.
BOLD_FONT_FILE = UI_DIR / "fonts" / "wqy-microhei-bold.ttf"
FONT_FAMILY = "WenQuanYi Micro Hei"

_registered: str | None = None


def register_fonts() -> str:
    """Register the bundled regular and bold faces once per process; return the family.

    The screen and the PDF renderer both call this, so both see the same faces from
    the first frame on (needs a QGuiApplication)."""
    global _registered
    if _registered is None:
        family = ""
        for path in (FONT_FILE, BOLD_FONT_FILE):
            font_id = QFontDatabase.addApplicationFont(str(path))
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            if not families:
                log.warning("bundled font %s did not load", path.name)
            elif not family:
                family = families[0]
        _registered = family or FONT_FAMILY
    return _registered


def install_font(app: QGuiApplication) -> str:
    """Register the bundled CJK faces and make the family the application font."""
    family = register_fonts()
    app.setFont(QFont(family))
    return family


# Bump when what is done to a .ts before compiling changes (the cache key includes it).
_TS_TRANSFORM = "phrases-2"


def _phrased_ts(source: Path, target: Path) -> None:
    """The Chinese .ts with its translations glued into phrases (ui.linebreak)."""
    tree = ET.parse(source)
    for node in tree.getroot().iter():
        if node.tag in ("translation", "numerusform") and node.text:
            node.text = keep_phrases(node.text)
    tree.write(target, encoding="utf-8", xml_declaration=True)


def compiled_translation(language: str) -> Path:
    """Compile ``ui/i18n/kiosk_<language>.ts`` to a .qm file, cached by the source's hash
    (two checkouts on one machine must never load each other's translations). Chinese
    lines are made to break between phrases only (ui.linebreak)."""
    source = I18N_DIR / f"kiosk_{language}.ts"
    cache = Path(tempfile.gettempdir()) / "hall-kiosk-i18n"
    cache.mkdir(exist_ok=True)
    digest = hashlib.sha256(source.read_bytes() + _TS_TRANSFORM.encode()).hexdigest()[:16]
    target = cache / f"kiosk_{language}-{digest}.qm"
    if not target.exists():
        lrelease = Path(sys.executable).with_name("pyside6-lrelease")
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            ts = source
            if language.startswith("zh"):
                ts = Path(tmp) / source.name
                _phrased_ts(source, ts)
            partial = Path(tmp) / target.name
            subprocess.run(
                [str(lrelease), "-silent", str(ts), "-qm", str(partial)],
                check=True,
                capture_output=True,
            )
            partial.replace(target)  # atomic: a parallel test never reads half a file
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
