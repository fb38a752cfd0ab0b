"""Call staff, end to end: the terminal's StaffCall against a real ``kiosk-central serve``
on loopback; the counter side reads and answers over HTTP as a counter display would."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.assist import CallState, StaffCall, StaffDesk, central_desk
from offline_cache.client import CentralClient, CentralSettings
from offline_cache.wire import AssistIn, AssistOut
from tests.support import make_config

from .conftest import Central, free_port

pytestmark = pytest.mark.daemon


def desk_for(url: str) -> Callable[[], StaffDesk]:
    return lambda: CentralClient(CentralSettings(url=url, connect_timeout_s=2, read_timeout_s=5))


def settle(call: StaffCall, until: Callable[[], bool], timeout_s: float = 15.0) -> None:
    """Tick as the UI timer does until ``until`` holds."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not until():
        call.tick(time.monotonic())
        time.sleep(0.02)
    assert until(), call.state


def test_a_call_reaches_the_counter_and_the_citizen_hears_someone_is_coming(
    central: Central,
) -> None:
    hall = "hall-assist-1"
    call = StaffCall(hall, "T07", desk_for(central.url), poll_s=0.1)
    call.call("form_complete", "zh_CN", time.monotonic())
    assert call.state is CallState.CALLING  # returned at once; the network is elsewhere
    settle(call, lambda: call.state is CallState.CALLED)
    call.call("form_complete", "zh_CN", time.monotonic())  # a second tap calls nobody twice

    s = central.session()
    listed = s.get(f"{central.url}/v1/halls/{hall}/assist", timeout=10).json()
    assert [(c["terminal_id"], c["screen"], c["status"]) for c in listed] == [
        ("T07", "form_complete", "open")
    ]
    call_id = listed[0]["id"]
    answered = s.post(
        f"{central.url}/v1/halls/{hall}/assist/{call_id}/answer", json={"by": "窗口 3"}, timeout=10
    )
    assert answered.status_code == 200 and answered.json()["status"] == "coming"

    settle(call, lambda: call.state is CallState.COMING)
    assert call.answered_by == "窗口 3"
    assert call.holds_session(time.monotonic())  # the form stays while staff come
    done = s.post(f"{central.url}/v1/halls/{hall}/assist/{call_id}/done", timeout=10)
    assert done.json()["status"] == "done"
    assert s.get(f"{central.url}/v1/halls/{hall}/assist", timeout=10).json() == []
    # Another hall's display never sees this hall's calls.
    assert s.get(f"{central.url}/v1/halls/other-hall/assist", timeout=10).json() == []
    call.close()


def test_unknown_call_and_bad_input_get_clear_errors(central: Central) -> None:
    s = central.session()
    missing = s.get(f"{central.url}/v1/halls/h1/assist/999999", timeout=10)
    assert missing.status_code == 404 and "no such call" in missing.json()["detail"]
    bad = s.post(f"{central.url}/v1/halls/h1/assist", json={"terminal_id": "T 1"}, timeout=10)
    assert bad.status_code == 422
    assert "terminal_id" in str(bad.json()["detail"])


def test_an_unreachable_centre_is_said_honestly(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    call = StaffCall("h", "T01", desk_for(closed), poll_s=0.1)
    call.call("menu", "en", time.monotonic())
    settle(call, lambda: call.state is CallState.UNREACHABLE)
    assert not call.holds_session(time.monotonic())
    call.close()


def test_no_centre_configured_means_unreachable_at_once(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    assert config.central.url == "" and central_desk(config) is None
    call = StaffCall.from_config(config)
    call.call("menu", "zh_CN", time.monotonic())
    assert call.state is CallState.UNREACHABLE
    call.close()


def test_the_network_is_never_touched_on_the_calling_thread() -> None:
    seen: list[str] = []

    class Desk:
        def call_staff(self, hall_id: str, call: AssistIn) -> AssistOut:
            seen.append(threading.current_thread().name)
            return AssistOut(
                id=1, hall_id=hall_id, terminal_id=call.terminal_id, screen=call.screen,
                language=call.language, status="open", created_at=0, updated_at=0,
            )  # fmt: skip

        def staff_call(self, hall_id: str, call_id: int) -> AssistOut:
            raise AssertionError("not polled in this test")

        def close(self) -> None:
            pass

    call = StaffCall("h", "T01", Desk, poll_s=60)
    call.call("menu", "zh_CN", time.monotonic())
    settle(call, lambda: call.state is CallState.CALLED)
    assert seen and seen[0].startswith("staff-call") and seen[0] != threading.main_thread().name
    call.close()
