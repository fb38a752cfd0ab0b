"""``kiosk outbox`` as a technician uses it, against a real centre."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.cli import main

from .conftest import KIOSK, Central, clean_env, free_port

pytestmark = pytest.mark.xdist_group("outbox-sync")


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KIOSK, "outbox", *args], capture_output=True, text=True, env=clean_env(), timeout=120
    )


def test_test_status_sync_round_trip(tmp_path: Path, central: Central) -> None:
    data = str(tmp_path / "data")
    key = str(tmp_path / "outbox.key")
    common = ["--data-dir", data, "--key-file", key]
    before = central.stats()["test_submissions"]
    out = kiosk("test", "--count", "7", "--blob-kb", "20", *common)
    assert out.returncode == 0, out.stderr
    status = json.loads(kiosk("status", "--json", *common).stdout)
    assert status["pending"] == 7
    assert status["bytes"] > 7 * 20 * 1024
    assert status["last_success"] is None and status["state"] == "ok"
    assert set(status) >= {"pending", "dead_letter", "bytes", "oldest_age_s", "last_success",
                           "last_error"}  # fmt: skip

    synced = kiosk("sync", "--once", "--central", central.url, *common)
    assert synced.returncode == 0, synced.stderr
    assert "sent 7" in synced.stdout
    status = json.loads(kiosk("status", "--json", *common).stdout)
    assert (status["pending"], status["bytes"], status["oldest_age_s"]) == (0, 0, None)
    assert status["last_success"] is not None
    stats = central.stats()
    assert stats["test_submissions"] - before == 7  # counted as tests, not as citizens'
    text = kiosk("status", *common).stdout
    assert "pending       0" in text


def test_sync_once_with_centre_down_fails_in_one_line_and_keeps_data(tmp_path: Path) -> None:
    common = ["--data-dir", str(tmp_path / "d"), "--key-file", str(tmp_path / "k")]
    assert kiosk("test", "--count", "2", *common).returncode == 0
    url = f"http://127.0.0.1:{free_port()}"
    out = kiosk("sync", "--once", "--give-up-after", "1", "--central", url, *common)
    assert out.returncode == 1
    assert out.stderr.startswith("kiosk: 2 submission(s) still pending: cannot reach the centre")
    assert "Traceback" not in out.stderr
    status = json.loads(kiosk("status", "--json", *common).stdout)
    assert status["pending"] == 2
    assert "cannot reach" in status["last_error"]


def test_sync_without_a_centre_says_so(tmp_path: Path) -> None:
    out = kiosk(
        "sync", "--once", "--data-dir", str(tmp_path / "d"), "--key-file", str(tmp_path / "k")
    )
    assert out.returncode == 1
    assert "no centre configured" in out.stderr


def test_lost_key_is_a_fault_in_status_not_a_crash(tmp_path: Path) -> None:
    key = tmp_path / "k"
    common = ["--data-dir", str(tmp_path / "d"), "--key-file", str(key)]
    assert kiosk("test", "--count", "1", *common).returncode == 0
    key.unlink()
    out = kiosk("status", "--json", *common)
    assert out.returncode == 1  # fault
    status = json.loads(out.stdout)
    assert status["key_state"] == "missing"
    assert "unreadable" in status["reason"]
    refused = kiosk("test", "--count", "1", *common)
    assert refused.returncode == 1 and "terminal key missing" in refused.stderr


def test_doctor_shows_the_outbox(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[terminal]\ndata_dir = "{tmp_path / "data"}"\n'
        f'[central]\nkey_file = "{tmp_path / "k"}"\nurl = "http://127.0.0.1:9"\n'
    )
    assert kiosk("test", "--count", "2", "--config", str(config)).returncode == 0
    out = subprocess.run(
        [KIOSK, "doctor", "--json", "--config", str(config)],
        capture_output=True, text=True, env=clean_env(), timeout=120,
    )  # fmt: skip
    rows = {r["device"]: r for r in json.loads(out.stdout)["devices"]}
    assert rows["outbox"]["state"] == "ok"
    assert rows["outbox"]["counters"]["pending"] == 2
    assert rows["outbox"]["uri"] == "http://127.0.0.1:9"


@pytest.fixture
def here(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., tuple[int, str, str]]]:
    """``kiosk ARGS...`` in this process: the same code as the command, without an
    interpreter start per call (seconds each on a loaded 2-core machine)."""

    def run(*args: str) -> tuple[int, str, str]:
        rc = main(list(args))
        out = capsys.readouterr()
        return rc, out.out, out.err

    yield run


def test_wrong_centre_url_stops_sending_and_status_and_doctor_name_it(
    tmp_path: Path, central: Central, here: Callable[..., tuple[int, str, str]]
) -> None:
    data, key = tmp_path / "data", tmp_path / "k"
    common = ["--data-dir", str(data), "--key-file", str(key)]
    assert here("outbox", "test", "--count", "2", "--blob-kb", "4", *common)[0] == 0
    wrong = central.url + "/v1"  # one path segment too many: the centre answers 404
    out = kiosk("sync", "--once", "--central", wrong, *common)  # a real process: one line
    assert out.returncode == 1
    assert out.stderr.startswith("kiosk: sending stopped, 2 submission(s) kept: centre refused")
    assert "HTTP 404" in out.stderr and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0
    rc, stdout, _ = here("outbox", "status", "--json", *common)
    assert rc == 1  # a fault
    status = json.loads(stdout)
    assert (status["pending"], status["dead_letter"], status["state"]) == (2, 0, "fault")
    assert "HTTP 404" in status["config_fault"]
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[terminal]\ndata_dir = "{data}"\n[central]\nurl = "{wrong}"\nkey_file = "{key}"\n',
        encoding="utf-8",
    )
    rc, stdout, _ = here("doctor", "--json", "--config", str(config))
    assert rc == 1
    [row] = [r for r in json.loads(stdout)["devices"] if r["device"] == "outbox"]
    assert row["state"] == "fault" and "HTTP 404" in row["reason"]
    assert row["counters"]["pending"] == 2
    # nothing was lost: the right URL delivers both
    assert here("outbox", "sync", "--once", "--central", central.url, *common)[0] == 0
    assert json.loads(here("outbox", "status", "--json", *common)[1])["state"] == "ok"


def test_dead_letters_list_retry_and_discard(
    tmp_path: Path, central: Central, here: Callable[..., tuple[int, str, str]]
) -> None:
    from .conftest import FaultProxy

    common = ["--data-dir", str(tmp_path / "d"), "--key-file", str(tmp_path / "k")]
    assert here("outbox", "test", "--count", "2", "--blob-kb", "3", *common)[0] == 0
    proxy = FaultProxy(central.url)
    # the centre's own verdict on each item: the batch, then each item alone, is a 422
    proxy.script = [("status", 422, None)] * 3
    try:
        rc, stdout, _ = here("outbox", "sync", "--once", "--central", proxy.url, *common)
    finally:
        proxy.close()
    assert rc == 0
    assert "dead letter 2" in stdout
    dead = json.loads(here("outbox", "dead", "--json", *common)[1])
    assert [d["state"] for d in dead] == ["dead", "dead"]
    assert all(d["has_data"] and d["bytes"] > 3 * 1024 and "422" in d["reason"] for d in dead)
    first, second = dead[0]["key"], dead[1]["key"]
    assert first in here("outbox", "dead", *common)[1]

    assert here("outbox", "retry", first, *common)[0] == 0
    before = central.stats()["test_submissions"]
    assert here("outbox", "sync", "--once", "--central", central.url, *common)[0] == 0
    assert central.stats()["test_submissions"] - before == 1  # arrived whole

    rc, stdout, _ = here("outbox", "discard", second, *common)
    assert rc == 0 and "1 submission(s) discarded" in stdout
    assert json.loads(here("outbox", "dead", "--json", *common)[1]) == []
    rc, _, err = here("outbox", "retry", second, *common)
    assert rc == 1
    assert err.startswith(f"kiosk: cannot retry {second}: no dead or quarantined")
    assert here("outbox", "retry", *common)[0] == 1  # neither IDs nor --all
