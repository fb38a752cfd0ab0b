"""``kiosk tour`` renders every screen, both languages, both text sizes, with real pixels,
and writes the accessibility tree of each."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from kiosk.voice import PromptBook, screen_key
from tests.e2e.tour_run import Tour
from ui.viewmodels.shell import SCREEN_FILES

# The tour renders ~100 screens once for the group; a loaded machine needs time.
pytestmark = [pytest.mark.xdist_group("tour"), pytest.mark.timeout(1800)]
VARIANTS = ("zh_CN", "en", "zh_CN-large", "en-large")
# Screens the tour does not reach, and where they are tested instead.
NOT_TOURED = {
    "photo_not_printed": "a second capture with the slip printer out: test_photo_journey.py",
    "identity_matching": "the moment between the last action and the result, on the "
    "toured live screen: passed through in test_identity_journey.py",
}


def screen_id(png: str) -> str:
    """``11-form-card-zh_CN-large.png`` -> ``form-card``."""
    stem = png.removesuffix(".png").removesuffix("-large")
    stem = stem.rsplit("-", 1)[0] if stem.endswith(("-en", "-zh_CN")) else stem
    return stem.split("-", 1)[1]


def test_tour_renders_every_screen(tour: Tour) -> None:
    names = set(tour.screens())
    ids = {screen_id(n) for n in names}
    # Every screen the core can show is in the tour (photo_choose etc. when they exist).
    for screen in SCREEN_FILES:
        if screen not in NOT_TOURED:
            assert screen.replace("_", "-") in ids, f"the tour never shows {screen}"
    for sid in ids:
        for variant in VARIANTS:
            assert any(n.endswith(f"-{sid}-{variant}.png") for n in names), (sid, variant)
    # The identity check (issue 10) shows each of the five actions, in every variant.
    for variant in VARIANTS:
        acted = {
            n.removeprefix("29-identity-").removesuffix(f"-{variant}.png")
            for n in names
            if n.startswith("29-identity-") and n.endswith(f"-{variant}.png")
        }
        assert acted == {"blink", "open-mouth", "turn-left", "turn-right", "nod"}, variant
    for path in tour.written:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1920, 1080), path.name
        # Not a blank frame: several distinct colours (text, buttons).
        colours = {image.pixel(x, y) for x in range(0, 1920, 37) for y in range(0, 1080, 29)}
        assert len(colours) > 3, path.name
    # The language really changes what is drawn.
    zh = QImage(str(tour.out / "03-ticket-services-zh_CN.png"))
    en = QImage(str(tour.out / "03-ticket-services-en.png"))
    assert zh != en


def test_every_toured_screen_has_a_prompt_in_both_languages(tour: Tour) -> None:
    book = PromptBook()
    for sid in {screen_id(n) for n in tour.screens()}:
        assert screen_key(sid) in book, f"no prompt for {sid}"
        for language in ("zh_CN", "en"):
            assert book.text(screen_key(sid), language)


def test_accessibility_json_has_every_png_with_named_buttons(tour: Tour) -> None:
    assert set(tour.tree) == set(tour.screens())
    menu = tour.tree["02-menu-zh_CN.png"]
    buttons = {i["name"] for i in menu if i["role"] == "Button"}
    assert {"再听一遍", "呼叫工作人员", "退出"} <= buttons
    assert any(str(n).startswith("取号排队") for n in buttons)
    for item in menu:
        assert set(item) == {"name", "role", "x", "y", "w", "h"}
        assert int(item["x"]) >= 0 and int(item["x"]) + int(item["w"]) <= 1920  # type: ignore[call-overload]
