"""Every screen of the tour, as assistive technology and a contrast checker see it:
each tappable item is a named accessible control, at least 96 px, on screen; text and
control edges stand out from what is behind them (WCAG 2.x, from the QML colours);
large-text mode never draws text below 30 px; lists that scroll say so."""

from __future__ import annotations

import pytest

from tests.e2e.tour_run import Tour

# The tour renders ~100 screens once for the group; a loaded machine needs time.
pytestmark = [pytest.mark.xdist_group("tour"), pytest.mark.timeout(1800)]
MIN_TARGET_PX = 96
MIN_EDGE = 3.0
LARGE_MODE_MIN_PX = 30


def findings(tour: Tour, check: str) -> list[str]:
    out: list[str] = []
    for png, audit in sorted(tour.audits.items()):
        if check == "tappable":
            for t in audit.tappables:
                if not t.role:
                    out.append(f"{png}: {t.kind} at {t.rect} is not an accessible control")
                elif not t.control:
                    out.append(f"{png}: {t.role} at {t.rect} has no name")
        elif check == "controls":
            for c in audit.controls:
                _x, _y, w, h = c.rect
                if w < MIN_TARGET_PX or h < MIN_TARGET_PX:
                    out.append(f"{png}: {c.name!r} is {w}x{h} px")
                if not c.on_screen and not c.scrollable:
                    out.append(f"{png}: {c.name!r} at {c.rect} is cut off and cannot scroll")
                if c.edge_ratio is not None and c.edge_ratio < MIN_EDGE:
                    out.append(f"{png}: {c.name!r} edge contrast {c.edge_ratio}:1")
        elif check == "text":
            for t in audit.texts:
                if t.over_image:
                    if t.outline_ratio < 3.0:
                        out.append(f"{png}: {t.text[:30]!r} over a picture without an outline")
                elif t.ratio < t.needed:
                    out.append(
                        f"{png}: {t.text[:30]!r} {t.colour} on {t.background} is "
                        f"{t.ratio}:1 at {t.pixel_size} px (needs {t.needed}:1)"
                    )
        elif check == "large":
            if "-large" in png:
                for t in audit.texts:
                    if t.pixel_size < LARGE_MODE_MIN_PX:
                        out.append(f"{png}: {t.text[:30]!r} is {t.pixel_size} px")
        elif check == "scroll":
            for name, has_cue in audit.scroll_areas:
                if not has_cue:
                    out.append(f"{png}: list {name!r} scrolls without a scroll cue")
    return out


@pytest.mark.parametrize("check", ["tappable", "controls", "text", "large", "scroll"])
def test_every_screen(tour: Tour, check: str) -> None:
    assert findings(tour, check) == []


def test_every_screen_was_audited(tour: Tour) -> None:
    assert set(tour.audits) == set(tour.screens())
    menu = tour.audits["02-menu-zh_CN-large.png"]
    assert len(menu.controls) >= 7 and len(menu.texts) >= 8  # the audit really sees them


def test_citizen_screens_offer_hear_again_and_call_staff(tour: Tour) -> None:
    for png, items in tour.tree.items():
        if "-tech-" in png or "idle-warning" in png:
            continue  # technicians are staff; the idle warning covers the screen
        names = {str(i["name"]) for i in items if i["role"] == "Button"}
        wanted = {"再听一遍", "呼叫工作人员"} if "zh_CN" in png else {"Hear again", "Call staff"}
        assert wanted <= names, f"{png}: {sorted(names)}"
