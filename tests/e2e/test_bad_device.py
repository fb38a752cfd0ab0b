"""One bad device never stops the kiosk (issue 13 item 12): a device URI no driver takes, or
a device that cannot open, is that device's FAULT; the journeys that need it leave the menu
with a plain notice and the others keep working."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.health import HealthState
from devices.ticket_printer.sim import SimTicketPrinter
from kiosk.config import KioskConfig
from kiosk.terminal import build_terminal
from tests.e2e.kiosk_process import start_kiosk, stop_kiosk
from tests.e2e.qml_helpers import find_item, tap, text_of, wait_for
from tests.support import make_config
from ui.app import KioskUi

BAD = """
[devices]
camera = "webcam://0"
ticket_printer = "escpos+tcp://"
"""


def test_kiosk_run_starts_with_an_unknown_scheme_and_an_incomplete_uri(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[terminal]\ndata_dir = "{tmp_path}"\n{BAD}', encoding="utf-8")
    proc, log = start_kiosk(cfg)
    try:
        assert "attract screen up" in log, log
        # Named with file, line and key, and the schemes that do exist.
        assert f"{cfg}:5: devices.camera: 'webcam://0': no camera driver for webcam://" in log
        assert "known: file:///path/clip.mp4, sim://, v4l2:///dev/video0" in log
        assert f"{cfg}:6: devices.ticket_printer: 'escpos+tcp://': incomplete" in log
    finally:
        stop_kiosk(proc, log)


def test_doctor_names_the_bad_uri_and_exits_non_zero(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[terminal]\ndata_dir = "{tmp_path}"\n{BAD}', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor", "--config", str(cfg)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"error: {cfg}:5: devices.camera: 'webcam://0': no camera driver" in done.stdout
    camera = next(x for x in done.stdout.splitlines() if x.startswith("camera "))
    assert "fault" in camera
    as_json = subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor", "--json", "--config", str(cfg)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = json.loads(as_json.stdout)["device_uri_problems"]
    assert [(p["key"], p["line"]) for p in problems] == [
        ("devices.camera", 5),
        ("devices.ticket_printer", 6),
    ]


@pytest.fixture
def broken_ui(qapp: object, tmp_path: Path) -> Iterator[KioskUi]:
    # The camera's scheme is unknown; the ID card reader's port does not exist (a valid
    # URI whose device cannot open at run time).
    config = make_config(tmp_path / "data")
    devices = config.devices.model_copy(
        update={"camera": "webcam://0", "id_card": "sam:///nonexistent/ttyUSB9"}
    )
    ui = KioskUi(build_terminal(config.model_copy(update={"devices": devices})))
    ui.window.resize(1920, 1080)
    ui.window.show()
    yield ui
    ui.close()


def test_the_other_journeys_keep_working(broken_ui: KioskUi) -> None:
    ui, w = broken_ui, broken_ui.window
    health = {k.value: d.health() for k, d in ui.terminal.devices.items()}
    assert health["camera"].state is HealthState.FAULT
    assert "no camera driver for webcam://" in health["camera"].reason
    assert health["id_card"].state is HealthState.FAULT
    assert "/nonexistent/ttyUSB9" in health["id_card"].reason

    tap(w, "startButton")
    assert wait_for(lambda: find_item(w, "journey_ticket") is not None)
    assert find_item(w, "journey_photo") is None
    assert find_item(w, "journey_form") is None
    assert find_item(w, "journey_identity") is None
    assert text_of(w, "menuUnavailable") == (
        "暂停服务：免费证件照、自助填表、身份核验。请到人工窗口办理。"
    )

    tap(w, "journey_ticket")
    tap(w, "service_CRJ")
    assert wait_for(lambda: text_of(w, "ticketNumber") == "BZ001")
    printer = ui.terminal.ticket_printer
    assert isinstance(printer, SimTicketPrinter)
    assert [t.number for t in printer.printed] == ["BZ001"]


def test_a_device_that_fails_to_start_is_a_fault_too(qapp: object, config: KioskConfig) -> None:
    terminal = build_terminal(config)

    class Broken:
        uri = "sim://"

        def start(self, sink: object) -> None:
            raise OSError("device unplugged")

    from devices.base import DeviceKind

    terminal.devices[DeviceKind.TICKET_PRINTER] = Broken()  # type: ignore[assignment]
    ui = KioskUi(terminal)
    try:
        printer = ui.terminal.devices[DeviceKind.TICKET_PRINTER]
        assert printer.health().state is HealthState.FAULT
        assert "cannot start: device unplugged" in printer.health().reason
        assert [e.name for e in ui.controller.journeys()] == ["photo", "form", "identity"]
        ui.shell.tick()
    finally:
        ui.close()


def test_an_unreadable_config_file_exits_78_so_systemd_does_not_restart_it(
    tmp_path: Path,
) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("[terminal\nid = 'T01'\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "run", "--config", str(cfg)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 78  # RestartPreventExitStatus=78 in the unit
    assert done.stderr.startswith(f"kiosk: {cfg}:1:") and "Traceback" not in done.stderr
    unit = (Path(__file__).resolve().parents[2] / "systemd/hall-kiosk.service").read_text()
    assert "RestartPreventExitStatus=78" in unit
