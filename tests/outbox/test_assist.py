"""Call staff, end to end: the terminal's StaffCall (configured by [central], with its
client certificate) against a real mTLS ``kiosk-central serve`` on loopback; the
counter side reads and answers with a staff token, as a counter display would."""

from __future__ import annotations

import contextlib
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from kiosk.assist import CallState, StaffCall, StaffDesk, central_desk
from kiosk.config.loader import Layer, default_layer, load_layers
from offline_cache.client import CentralClient, CentralSettings
from offline_cache.wire import AssistIn, AssistOut
from tests.support import make_config

from .conftest import Central, _central_factory, add_staff, free_port
from .pki import HALL_A, HALL_B, Pki, make_pki, terminal_session

pytestmark = [pytest.mark.daemon, pytest.mark.xdist_group("assist")]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki") / "pki")


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[Central]:
    gen = _central_factory(tmp_path_factory.mktemp("assist-central"))
    c = next(gen)(*pki.server_args())
    c.verify = pki.ca
    yield c
    with contextlib.suppress(StopIteration):
        next(gen)


def terminal_call(centre: Central, pki: Pki, tid: str, hall: str, data: Path) -> StaffCall:
    """The kiosk's own StaffCall, built from a terminal's config as the app builds it."""
    cert, key = pki.terminal(tid)
    text = (
        f'[terminal]\nid = "{tid}"\nhall_id = "{hall}"\ndata_dir = "{data}"\n'
        f'[central]\nurl = "{centre.url}"\nca_file = "{pki.ca}"\n'
        f'client_cert = "{cert}"\nclient_key = "{key}"\n'
    )
    config = load_layers([default_layer(), Layer("t.toml", text, tomllib.loads(text))])
    call = StaffCall.from_config(config)
    call.poll_s = 0.1
    return call


def counter(centre: Central, hall: str, name: str) -> requests.Session:
    return centre.staff_session(add_staff(centre.db, name, "counter", hall))


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
    centre: Central, pki: Pki, tmp_path: Path
) -> None:
    call = terminal_call(centre, pki, "T01", HALL_A, tmp_path)
    call.call("form_complete", "zh_CN", time.monotonic())
    assert call.state is CallState.CALLING  # returned at once; the network is elsewhere
    settle(call, lambda: call.state is CallState.CALLED)
    call.call("form_complete", "zh_CN", time.monotonic())  # a second tap calls nobody twice

    desk = counter(centre, HALL_A, "desk-a1")
    base = f"{centre.url}/v1/halls/{HALL_A}/assist"
    listed = desk.get(base, timeout=10).json()
    assert [(c["terminal_id"], c["screen"], c["status"]) for c in listed] == [
        ("T01", "form_complete", "open")
    ]
    call_id = listed[0]["id"]
    # The fleet page lists it too, for the admins who watch every hall.
    page = centre.staff_session().get(f"{centre.url}/fleet", timeout=10).text
    calls = page[page.index("Staff calls (1)") :]
    assert "T01" in calls and HALL_A in calls and "form_complete" in calls
    # Another hall's counter, a person without a token, and another terminal see nothing.
    other = counter(centre, HALL_B, "desk-b1")
    assert other.get(base, timeout=10).status_code == 403
    assert requests.get(base, verify=pki.ca, timeout=10).status_code == 401
    peer = terminal_session(centre, pki, "T02").get(f"{base}/{call_id}", timeout=10)
    assert peer.status_code == 403

    answered = desk.post(f"{base}/{call_id}/answer", json={"by": "窗口 3"}, timeout=10)
    assert answered.status_code == 200 and answered.json()["status"] == "coming"
    settle(call, lambda: call.state is CallState.COMING)
    assert call.answered_by == "窗口 3"
    assert call.holds_session(time.monotonic())  # the form stays while staff come
    assert desk.post(f"{base}/{call_id}/done", timeout=10).json()["status"] == "done"
    assert desk.get(base, timeout=10).json() == []
    assert "Staff calls (0)" in centre.staff_session().get(f"{centre.url}/fleet", timeout=10).text
    call.close()


def test_a_terminal_calls_only_in_its_own_hall(centre: Central, pki: Pki, tmp_path: Path) -> None:
    """Configured for another hall than its certificate says: refused (403), and the
    citizen is told to ask at the help desk rather than left waiting."""
    call = terminal_call(centre, pki, "T09", HALL_A, tmp_path)  # T09 is in hall-b
    call.call("menu", "en", time.monotonic())
    settle(call, lambda: call.state is CallState.UNREACHABLE)
    call.close()


def test_unknown_call_and_bad_input_get_clear_errors(centre: Central, pki: Pki) -> None:
    t01 = terminal_session(centre, pki, "T01")
    base = f"{centre.url}/v1/halls/{HALL_A}/assist"
    missing = t01.get(f"{base}/999999", timeout=10)
    assert missing.status_code == 404 and "no such call" in missing.json()["detail"]
    bad = t01.post(base, json={"terminal_id": "T01", "screen": "Menu Screen"}, timeout=10)
    assert bad.status_code == 422
    assert "screen" in str(bad.json()["detail"])


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
