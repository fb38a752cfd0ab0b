"""Queue numbers: unique under concurrency, kept across restarts, new each local day."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from kiosk.tickets.numbers import LocalNumberStore

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def test_restart_never_reuses_a_number(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    first = LocalNumberStore(db, "Asia/Shanghai")
    assert [first.allocate("HUJI", "A", NOW).number for _ in range(3)] == ["A001", "A002", "A003"]
    again = LocalNumberStore(db, "Asia/Shanghai")  # a restart
    assert again.allocate("HUJI", "A", NOW).number == "A004"
    assert again.allocate("CRJ", "B", NOW).number == "B001"  # per service


def test_two_threads_never_get_the_same_number(tmp_path: Path) -> None:
    store = LocalNumberStore(tmp_path / "t.sqlite", "Asia/Shanghai")
    got: list[str] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(40):
            n = store.allocate("HUJI", "A", NOW).number
            with lock:
                got.append(n)

    threads = [threading.Thread(target=take) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 120
    assert len(set(got)) == 120


def test_day_rolls_over_at_local_midnight(tmp_path: Path) -> None:
    store = LocalNumberStore(tmp_path / "t.sqlite", "Asia/Shanghai")
    before = datetime(2026, 11, 27, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Wuhan
    after = datetime(2026, 11, 27, 16, 0, 0, tzinfo=UTC)  # 00:00:00 next day in Wuhan
    assert store.allocate("HUJI", "A", before).number == "A001"
    assert store.allocate("HUJI", "A", before).number == "A002"
    issued = store.allocate("HUJI", "A", after)
    assert issued.number == "A001"
    assert issued.day.isoformat() == "2026-11-28"
