"""``kiosk doctor`` tells simulated devices from real ones; ``kiosk support-bundle`` carries
what support needs and never a citizen's data; log records are one capped line."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from devices.idcard.sim import SimIdCardReader, sample_card
from kiosk.flows.form import FormJourney, FormState
from kiosk.flows.kiosk import KioskController
from kiosk.journeys import available_journeys
from kiosk.logs import MAX_LINE, OneLineFormatter
from kiosk.terminal import build_terminal
from tests.support import ManualClock, make_config

KIOSK = [sys.executable, "-m", "kiosk"]


def kiosk(*args: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KIOSK_CONFIG=str(config))
    return subprocess.run([*KIOSK, *args], capture_output=True, text=True, env=env, timeout=120)


def test_a_terminal_on_simulators_is_not_production(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[terminal]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    plain = kiosk("doctor", config=cfg)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "warning: not production: simulated devices (id_card, camera" in plain.stdout
    rows = {line.split()[0]: line.split()[1] for line in plain.stdout.splitlines()[2:]}
    assert rows["ticket_printer"] == "sim" and rows["outbox"] == "ok"
    strict = kiosk("doctor", "--strict", config=cfg)
    assert strict.returncode == 1
    report = json.loads(kiosk("doctor", "--json", config=cfg).stdout)
    assert report["production"] is False
    assert all(row["simulated"] for row in report["devices"] if row["device"] != "outbox")


def test_a_real_device_is_not_called_simulated(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(
        f'[terminal]\ndata_dir = "{tmp_path}"\n[devices]\nform_printer = "pdf://{tmp_path}/pdf"\n',
        encoding="utf-8",
    )
    report = json.loads(kiosk("doctor", "--json", config=cfg).stdout)
    rows = {row["device"]: row for row in report["devices"]}
    assert rows["form_printer"]["simulated"] is False
    assert "form_printer" not in " ".join(report["warnings"])


def test_support_bundle_of_a_seeded_session_holds_no_personal_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = make_config(data, '[ticket]\nverification_secret = "s3cret-ticket-key"\n')
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(
        f'[terminal]\ndata_dir = "{data}"\n[ticket]\nverification_secret = "s3cret-ticket-key"\n',
        encoding="utf-8",
    )
    # A citizen's card is read in the form journey, and a form with it is queued.
    terminal = build_terminal(config)
    terminal.start()
    clock = ManualClock()
    c = KioskController(config, available_journeys(terminal), clock(), terminal.events)
    c.open_journey("form", clock())
    journey = c.journey_as(FormJourney)
    assert journey is not None
    journey.choose("hk_macau_travel", clock())
    reader = terminal.id_card
    assert isinstance(reader, SimIdCardReader)
    card = sample_card()
    reader.insert(card)
    deadline = time.monotonic() + 10
    while journey.state is not FormState.CONFIRM_CARD and time.monotonic() < deadline:
        c.tick(clock.advance(0.1))
        time.sleep(0.02)
    assert journey.state is FormState.CONFIRM_CARD
    record = {"name": card.name, "id_number": card.id_number, "address": card.address}
    terminal.outbox.submit("form.hk_macau_travel", record, pii=True)
    c.close()
    terminal.close()

    out = tmp_path / "bundle.tar.gz"
    done = kiosk("support-bundle", "--out", str(out), config=cfg)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    with tarfile.open(out) as tar:
        members = {m.name.split("/")[-1]: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    assert set(members) == {
        "versions.json",
        "doctor.json",
        "config.json",
        "outbox-status.json",
        "journal.txt",
    }
    everything = b"".join(members.values())
    for secret in (card.name, card.id_number, card.address, "s3cret-ticket-key"):
        assert secret.encode() not in everything, secret
    assert json.loads(members["outbox-status.json"])["pending"] == 1
    config_seen = json.loads(members["config.json"])
    assert config_seen["ticket"]["verification_secret"] == "***"
    assert json.loads(members["doctor.json"])["terminal"] == "T01"
    assert json.loads(members["versions.json"])["packages"]["PySide6-Essentials"] == "6.11.3"


def test_passwords_in_urls_are_masked() -> None:
    from kiosk.cli.support_bundle import masked

    seen = masked({"db": "postgresql://kiosk:hunter2@db:5432/x", "pin_hash": "pbkdf2$1"})
    assert seen == {"db": "postgresql://kiosk:***@db:5432/x", "pin_hash": "***"}


def test_a_log_record_is_one_capped_line() -> None:
    formatter = OneLineFormatter()
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = formatter.format(record)
    assert "\n" not in line and line.startswith("ERROR x failed | Traceback")
    assert "ValueError: boom | second line" in line
    huge = logging.LogRecord("x", logging.INFO, __file__, 1, "y" * 100_000, (), None)
    assert len(formatter.format(huge)) == MAX_LINE
