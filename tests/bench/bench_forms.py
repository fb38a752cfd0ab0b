"""Benchmarks for the forms: render-to-PDF time, checks per keystroke, and (when the
UI journey is present) the time from a card on the reader to the prefilled screen.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_forms.py``
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "forms"))

from forms_samples import GOOD_ANSWERS, TODAY, make_card

from kiosk.forms.catalog import load_catalog
from kiosk.forms.filled import fill
from kiosk.forms.ports import PageHeader, load_renderer
from kiosk.forms.validate import check_field


def _times(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _report(label: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(
        f"{label:<44} min/median/max {ms[0]:.1f}/{statistics.median(ms):.1f}/{ms[-1]:.1f} ms"
        f"   p95 {p95:8.2f} ms   n={len(ms)}"
    )


def bench_render(runs: int = 20) -> None:
    import cv2
    import skimage.data

    face = skimage.data.astronaut()[0:300, 120:330]
    jpeg = cv2.imencode(".jpg", cv2.cvtColor(face, cv2.COLOR_RGB2BGR))[1].tobytes()
    renderer = load_renderer()
    header = PageHeader("武汉市民之家", "Wuhan Citizen Centre", "T01")
    catalog = load_catalog()
    start = time.perf_counter()
    first = fill(
        catalog.get("hk_macau_travel"),
        GOOD_ANSWERS["hk_macau_travel"],
        make_card(),
        today=TODAY,
        receipt="T01-20261127-7KQ3MX",
    )
    renderer.render_pdf(first, header)
    print(
        f"{'first render (font load, Qt start)':<44} {(time.perf_counter() - start) * 1000:8.2f} ms"
    )
    for form in catalog:
        filled = fill(
            form,
            GOOD_ANSWERS[form.id],
            make_card(),
            photo=jpeg,
            today=TODAY,
            receipt="T01-20261127-7KQ3MX",
        )
        size = len(renderer.render_pdf(filled, header))
        _report(
            f"render {form.id} ({size // 1024} KiB)",
            _times(lambda f=filled: renderer.render_pdf(f, header), runs),
        )


def bench_checks(runs: int = 2000) -> None:
    form = load_catalog().get("hk_macau_travel")
    id_field, phone = form.field("id_number"), form.field("mobile")
    _report(
        "check id_number (one keystroke)",
        _times(lambda: check_field(id_field, "42010319900307001", date(2026, 11, 27), True), runs),
    )
    _report(
        "check phone (one keystroke)",
        _times(lambda: check_field(phone, "1380000123", date(2026, 11, 27), True), runs),
    )
    _report(
        "fill + check whole form",
        _times(lambda: fill(form, GOOD_ANSWERS[form.id], make_card(), today=TODAY), 200),
    )


def bench_journey(runs: int = 8) -> None:
    """Card placed on the (simulated) reader -> the prefilled confirm screen is drawn.

    Measured twice: with the simulator's realistic 600 ms read, and with a 20 ms read
    to show what the kiosk itself adds (polling, prefill, checks, QML).
    """
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from devices.idcard.sim import SimIdCardReader
    from kiosk.flows.form import FormJourney
    from kiosk.terminal import build_terminal
    from tests.e2e.qml_helpers import find_item, wait_for
    from tests.support import make_config
    from ui.app import KioskUi, application

    application()
    for read_ms in (600, 20):
        config = make_config(Path(tempfile.mkdtemp(prefix="bench-forms-")))
        devices = config.devices.model_copy(update={"id_card": f"sim://?read_ms={read_ms}"})
        ui = KioskUi(build_terminal(config.model_copy(update={"devices": devices})))
        ui.window.resize(1920, 1080)
        ui.window.show()
        reader = ui.terminal.id_card
        assert isinstance(reader, SimIdCardReader)
        c, w = ui.controller, ui.window
        times = []
        try:
            for _ in range(runs):
                c.start(ui.shell.now())
                c.open_journey("form", ui.shell.now())
                journey = c.journey_as(FormJourney)
                assert journey is not None
                journey.choose("hk_macau_travel", ui.shell.now())
                c.acted(ui.shell.now())
                assert wait_for(lambda w=w: find_item(w, "formCardScreen") is not None)
                start = time.perf_counter()
                reader.insert(make_card())
                assert wait_for(lambda w=w: find_item(w, "cardValue_name") is not None, 10)
                times.append((time.perf_counter() - start) * 1000)
                reader.remove()
                c.cancel(ui.shell.now())
        finally:
            ui.close()
        _report(f"card on reader -> prefilled screen (read {read_ms} ms)", times)


if __name__ == "__main__":
    bench_render()
    bench_checks()
    bench_journey()
