"""``kiosk idcard read`` and ``kiosk doctor`` end to end: a real process, the pty emulator."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sam_cards import FOREIGN_I, RESIDENT, foreign_i_card, resident_card
from sam_emulator import SamEmulator

from kiosk.cli import main

pytestmark = pytest.mark.timeout(120)


def kiosk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=cwd,
        check=False,
    )


def assert_one_clear_line(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0]


def kiosk_here(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> subprocess.CompletedProcess[str]:
    """The same command in this process (cheaper than a new interpreter for each case);
    an escaping exception would fail the test, as a traceback would."""
    monkeypatch.setattr("kiosk.cli.setup_logging", lambda *_: None)
    code = main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def test_read_json_through_the_pty(emulator: SamEmulator, tmp_path: Path) -> None:
    card = resident_card()
    emulator.insert(card)
    photo = tmp_path / "photo.wlt"
    done = kiosk("idcard", "read", "--device", emulator.uri, "--json", "--photo-out", str(photo))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # nothing but the object on stdout
    assert data == {
        "card_type": "resident_id",
        "name": RESIDENT["name"],
        "sex": "M",
        "ethnicity": "汉",
        "birth_date": "1990-03-07",
        "address": RESIDENT["address"],
        "id_number": RESIDENT["id_number"],
        "issuer": RESIDENT["issuer"],
        "valid_from": "2020-01-01",
        "valid_to": "2040-01-01",
        "id_number_valid": True,
        "photo_format": "wlt",
    }
    assert photo.read_bytes() == card.photo
    assert stat.S_IMODE(photo.stat().st_mode) == 0o600


def test_read_plain_text_of_a_foreign_card(
    emulator: SamEmulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.insert(foreign_i_card())
    done = kiosk_here(capsys, monkeypatch, "idcard", "read", "--device", emulator.uri)
    assert done.returncode == 0, done.stderr
    assert FOREIGN_I["name_en"] in done.stdout
    assert "foreign_permanent_2017" in done.stdout


def test_a_bad_check_digit_is_shown(
    emulator: SamEmulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.insert(resident_card(id_number=RESIDENT["id_number"][:17] + "0"))
    done = kiosk_here(capsys, monkeypatch, "idcard", "read", "--device", emulator.uri)
    assert done.returncode == 0
    assert "check digit is wrong" in done.stdout


def test_sim_card_present() -> None:
    done = kiosk("idcard", "read", "--device", "sim://?card=present&read_ms=10", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["card_type"] == "resident_id" and data["id_number_valid"] is True


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("none", ("no card on the reader",)),
        ("removed", ("card removed during the read",)),
        ("checksum", ("checksum",)),
        ("error", ("did not authenticate the card", "0x32")),
        ("silent", ("did not answer",)),
    ],
)
def test_failures_are_one_clear_line(
    emulator: SamEmulator,
    setup: str,
    words: tuple[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator.insert(resident_card())
    if setup == "none":
        emulator.remove()
    elif setup == "removed":
        emulator.remove_during_read = True
    elif setup == "checksum":
        emulator.corrupt_on.add((0x30, 0x01))
    elif setup == "error":
        emulator.fail_next(0x30, 0x01, 0x32)
    elif setup == "silent":
        emulator.silent = True
    uri = emulator.uri + "&probe_ms=200"
    done = kiosk_here(capsys, monkeypatch, "idcard", "read", "--device", uri, "--timeout", "3")
    assert_one_clear_line(done, *words)
    assert done.stdout == ""


def test_a_silent_reader_fails_cleanly_in_a_real_process(emulator: SamEmulator) -> None:
    emulator.silent = True
    done = kiosk("idcard", "read", "--device", emulator.uri, "--json", "--timeout", "2")
    assert_one_clear_line(done, "the reader did not answer SAM status within 300 ms")
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("device", "words"),
    [
        ("sam:///dev/no-such-port", ("cannot open /dev/no-such-port",)),
        ("nope://x", ("no id_card driver for nope://",)),
        ("sam:///dev/ttyS99?baud=7", ("baud=7",)),
    ],
)
def test_bad_devices_are_one_clear_line(
    device: str,
    words: tuple[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    done = kiosk_here(capsys, monkeypatch, "idcard", "read", "--device", device)
    assert_one_clear_line(done, *words)


def test_bad_mrz_argument_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("idcard", "read", "--device", "sim://", "--mrz", "E1234,1990,x")
    done = kiosk_here(capsys, monkeypatch, *args)
    assert_one_clear_line(done, "--mrz wants DOCNO,YYMMDD,YYMMDD")


def doctor(tmp_path: Path, uri: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[terminal]\ndata_dir = "{tmp_path}"\n\n[devices]\nid_card = "{uri}"\n'
        # a provisioned hall's secret: without one, doctor reports a fault
        '[ticket]\nverification_secret = "' + "ab" * 32 + '"\n',
        "utf-8",
    )
    return kiosk("doctor", "--config", str(config), "--json")


def test_doctor_shows_the_sam_reader_healthy(emulator: SamEmulator, tmp_path: Path) -> None:
    done = doctor(tmp_path, emulator.uri)
    assert done.returncode == 0, done.stderr
    rows = {row["device"]: row for row in json.loads(done.stdout)["devices"]}
    assert rows["id_card"]["state"] == "ok"
    assert rows["id_card"]["reason"].startswith("SAM 05.01-")


def test_doctor_faults_a_silent_sam(emulator: SamEmulator, tmp_path: Path) -> None:
    emulator.silent = True
    done = doctor(tmp_path, emulator.uri)
    assert done.returncode == 1
    rows = {row["device"]: row for row in json.loads(done.stdout)["devices"]}
    assert rows["id_card"]["state"] == "fault"
    assert rows["id_card"]["reason"] == f"SAM does not answer on {emulator.port} within 300 ms"
