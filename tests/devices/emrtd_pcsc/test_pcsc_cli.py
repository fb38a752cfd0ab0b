"""``kiosk idcard read --device pcsc://`` end to end, in a child process.

The command itself lives in kiosk/cli/idcard.py (the SAM reader's branch); until both
branches are merged this module is skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from emrtd_pcsc.chip_emulator import VirtualPassport
from emrtd_pcsc.pcscd import PrivatePcscd

pytestmark = [pytest.mark.daemon, pytest.mark.xdist_group("pcsc")]


def _kiosk(pcscd: PrivatePcscd, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "idcard", "read", "--device", "pcsc://", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=pcscd.env(),
    )


def test_read_passport_json_and_photo(
    make_passport: type[VirtualPassport],
    pcscd: PrivatePcscd,
    face: tuple[bytes, int, int],
    tmp_path: Path,
) -> None:
    make_passport().insert(pcscd.port)
    photo = tmp_path / "face.jpg"
    done = _kiosk(pcscd, "--mrz", "L898902C3,740812,120415", "--json", "--photo-out", str(photo))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["card_type"] == "emrtd"
    assert (out["surname"], out["given_names"]) == ("ERIKSSON", "ANNA MARIA")
    assert out["photo_format"] == "jpeg"
    assert out["check_digits_valid"] is True
    assert photo.read_bytes() == face[0]


def test_wrong_mrz_and_no_card_are_one_line(
    make_passport: type[VirtualPassport], pcscd: PrivatePcscd
) -> None:
    done = _kiosk(pcscd, "--mrz", "L898902C3,740812,120415", "--timeout", "0.5")
    assert done.returncode != 0
    assert "no card" in done.stderr and done.stderr.strip().count("\n") == 0
    make_passport().insert(pcscd.port)
    done = _kiosk(pcscd, "--mrz", "L898902C3,740812,130415")
    assert done.returncode != 0
    assert "BAC refused" in done.stderr and "Traceback" not in done.stderr
