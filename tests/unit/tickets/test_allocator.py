"""Numbers: from the centre when it answers, from this terminal's block when not."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from central_peer import FakeCentre

from kiosk.tickets.allocator import NumberAllocator
from kiosk.tickets.central import CentralTicketClient, CentralUnavailable
from kiosk.tickets.numbers import LocalNumberStore
from offline_cache.client import CentralSettings

NOW = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai


def allocator(
    tmp_path: Path, url: str | None, tag: str = "K", retry: float = 30
) -> NumberAllocator:
    store = LocalNumberStore(tmp_path / "tickets.sqlite", "Asia/Shanghai")
    central = (
        CentralTicketClient(CentralSettings(url=url), "hall-1", "T01", timeout_s=1.0)
        if url
        else None
    )
    return NumberAllocator(store, tag, central, retry_after_s=retry)


def test_the_centre_allocates_with_the_agreed_request(tmp_path: Path, centre: FakeCentre) -> None:
    alloc = allocator(tmp_path, centre.url)
    first = alloc.allocate("HUJI", "A", NOW)
    second = alloc.allocate("HUJI", "A", NOW)
    assert (first.number, first.source, first.people_ahead) == ("A001", "central", 10)
    assert second.number == "A002"
    path, body = centre.requests[0]
    assert path == "/v1/halls/hall-1/tickets"
    assert body == {
        "service_code": "HUJI",
        "prefix": "A",
        "terminal_id": "T01",
        "day": "2026-11-27",
    }
    assert alloc.store.issued(date(2026, 11, 27)) == [
        ("A001", "HUJI", "central", None),
        ("A002", "HUJI", "central", None),
    ]


@pytest.mark.parametrize("mode", ["error", "garbage", "repeat"])
def test_centre_trouble_falls_back_to_the_offline_block(
    tmp_path: Path, centre: FakeCentre, mode: str
) -> None:
    alloc = allocator(tmp_path, centre.url)
    alloc.allocate("HUJI", "A", NOW)  # A001 from the centre
    centre.mode = mode
    issued = alloc.allocate("HUJI", "A", NOW)
    assert (issued.number, issued.source) == ("AK001", "offline")


def test_a_centre_that_never_answers_costs_one_bounded_wait_then_none(
    tmp_path: Path, centre: FakeCentre
) -> None:
    centre.mode = "slow"
    alloc = allocator(tmp_path, centre.url)
    started = time.monotonic()
    first = alloc.allocate("CRJ", "B", NOW)
    waited = time.monotonic() - started
    second = alloc.allocate("CRJ", "B", NOW)
    assert waited < 2.5  # gave up near the configured 1.0 s, not after the centre's 3 s
    assert [first.number, second.number] == ["BK001", "BK002"]
    assert len(centre.requests) == 1  # retry window: the second went straight to the block


def test_the_centre_is_asked_again_after_the_retry_window(
    tmp_path: Path, centre: FakeCentre
) -> None:
    alloc = allocator(tmp_path, centre.url, retry=0.2)
    centre.mode = "error"
    assert alloc.allocate("HUJI", "A", NOW).source == "offline"
    centre.mode = "ok"
    time.sleep(0.25)
    assert alloc.allocate("HUJI", "A", NOW).number == "A001"


def test_unreachable_centre_url_is_offline_not_an_error(tmp_path: Path) -> None:
    alloc = allocator(tmp_path, "http://127.0.0.1:9")  # discard port: nothing listens
    assert alloc.allocate("HUJI", "A", NOW).number == "AK001"


def test_a_restart_never_reuses_an_offline_number(tmp_path: Path) -> None:
    before = [allocator(tmp_path, None).allocate("HUJI", "A", NOW).number for _ in range(2)]
    after = allocator(tmp_path, None).allocate("HUJI", "A", NOW).number  # a new process
    assert [*before, after] == ["AK001", "AK002", "AK003"]


def test_numbers_restart_at_local_midnight_not_utc(tmp_path: Path) -> None:
    alloc = allocator(tmp_path, None)
    late = alloc.allocate("HUJI", "A", datetime(2026, 11, 27, 15, 59, tzinfo=UTC))  # 23:59
    early = alloc.allocate("HUJI", "A", datetime(2026, 11, 27, 16, 1, tzinfo=UTC))  # 00:01
    assert (late.day, early.day) == (date(2026, 11, 27), date(2026, 11, 28))
    assert early.number == "AK001"
    assert early.issued_at.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]


def test_two_terminals_offline_never_share_a_number(tmp_path: Path) -> None:
    a = allocator(tmp_path / "t1", None, tag="K")
    b = allocator(tmp_path / "t2", None, tag="M")
    numbers = [x.allocate("HUJI", "A", NOW).number for _ in range(5) for x in (a, b)]
    assert len(set(numbers)) == 10


def test_threads_of_one_terminal_get_distinct_numbers(tmp_path: Path) -> None:
    alloc = allocator(tmp_path, None)
    got: list[str] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(10):
            number = alloc.allocate("HUJI", "A", NOW).number
            with lock:
                got.append(number)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(got) == [f"AK{i:03d}" for i in range(1, 41)]


@pytest.mark.parametrize(
    "reply",
    [
        {"number": "B001", "sequence": 1, "people_ahead": 0, "day": "2026-11-27"},
        {"number": "A001", "sequence": 0, "people_ahead": 0, "day": "2026-11-27"},
        {"number": "A001", "sequence": 1, "people_ahead": -1, "day": "2026-11-27"},
        {"number": "A001", "sequence": 1, "people_ahead": 0, "day": "2026-11-28"},
        ["A001"],
    ],
)
def test_a_wrong_answer_is_refused_with_a_reason(reply: object) -> None:
    from kiosk.tickets.central import _parse

    with pytest.raises(CentralUnavailable) as caught:
        _parse(reply, "A", date(2026, 11, 27))
    assert caught.value.reason
