"""``kiosk tour`` renders every screen, both languages, both text sizes, with real pixels."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from kiosk.config import KioskConfig
from ui.tour import render_tour


def test_tour_renders_every_screen(qapp: object, config: KioskConfig, tmp_path: Path) -> None:
    written = render_tour(config, tmp_path / "tour")
    names = {p.name for p in written}
    # ticket and technician screens, the form journey's (issue 7), the booth's (issue 6:
    # with the choice of photo since issue 15), the identity check's (issue 10, both
    # languages)
    identity = {p.name for p in written if "-identity-" in p.name}
    assert len(written) == 36 + 7 * 4 + 7 * 4 + len(identity)
    for language in ("zh_CN", "en"):
        for screen in ("23-identity-consent", "24-identity-document", "26-identity-result"):
            assert f"{screen}-{language}.png" in identity
        acted = {n.split("-")[3] for n in identity if n.startswith("25-") and language + "." in n}
        assert acted == {"blink", "open_mouth", "turn_left", "turn_right", "nod"}, identity
    for screen in (
        "01-attract",
        "12-form-confirm",
        "15-form-done",
        "16-form-not-printed",
        "03-ticket-services",
        "05-ticket-done",
        "07-idle-warning",
        "09-technician-panel",
    ):
        for variant in ("zh_CN", "en", "zh_CN-large", "en-large"):
            assert f"{screen}-{variant}.png" in names
    for path in written:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1920, 1080), path.name
        # Not a blank frame: several distinct colours (text, buttons).
        colours = {image.pixel(x, y) for x in range(0, 1920, 37) for y in range(0, 1080, 29)}
        assert len(colours) > 3, path.name
    # The language really changes what is drawn.
    zh = QImage(str(tmp_path / "tour" / "03-ticket-services-zh_CN.png"))
    en = QImage(str(tmp_path / "tour" / "03-ticket-services-en.png"))
    assert zh != en
