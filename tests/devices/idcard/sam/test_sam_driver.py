"""The sam:// driver against the pty emulator: reads, presence events, faults, health."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator

import pytest
from sam_cards import (
    FOREIGN_Y,
    RESIDENT,
    Card,
    foreign_i_card,
    foreign_y_card,
    permit_j_card,
    resident_card,
)
from sam_emulator import SamEmulator

from devices.base import DeviceKind
from devices.health import DeviceEvent, EventKind, HealthState
from devices.idcard.record import CardType
from devices.idcard.sam.driver import CardRemovedError, Presence, SamIdCardReader
from devices.idcard.sam.frame import FrameChecksumError
from devices.idcard.sam.link import SamPortError, SamTimeoutError
from devices.idcard.sam.status import (
    ERRORS,
    CardNotFoundError,
    SamRejectedCardError,
    SamStatusError,
    Sw3,
)
from devices.registry import open_device

pytestmark = pytest.mark.timeout(60)


def open_reader(uri: str) -> SamIdCardReader:
    reader = open_device(DeviceKind.ID_CARD, uri)
    assert isinstance(reader, SamIdCardReader)
    return reader


@pytest.fixture
def reader(emulator: SamEmulator) -> Iterator[SamIdCardReader]:
    r = open_reader(emulator.uri)
    try:
        yield r
    finally:
        r.close()


class Events:
    """A sink that collects events and lets a test wait for one."""

    def __init__(self) -> None:
        self.q: queue.Queue[DeviceEvent] = queue.Queue()
        self.seen: list[EventKind] = []

    def __call__(self, event: DeviceEvent) -> None:
        self.seen.append(event.kind)
        self.q.put(event)

    def wait_for(self, kind: EventKind, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.q.get(timeout=deadline - time.monotonic()).kind is kind:
                    return
            except queue.Empty:
                break
        raise AssertionError(f"no {kind} event; saw {self.seen}")


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_open_probes_the_sam_and_reports_its_id(reader: SamIdCardReader) -> None:
    health = reader.health()
    assert health.state is HealthState.OK
    assert health.reason == "SAM 05.01-18532356-0000000006-0002780607"


@pytest.mark.parametrize(
    ("make", "card_type"),
    [
        (resident_card, CardType.RESIDENT_ID),
        (permit_j_card, CardType.HK_MACAU_TAIWAN_PERMIT),
        (foreign_i_card, CardType.FOREIGN_PERMANENT_2017),
        (foreign_y_card, CardType.FOREIGN_PERMANENT_2023),
    ],
)
def test_reads_every_card_type(
    emulator: SamEmulator,
    reader: SamIdCardReader,
    make: Callable[[], Card],
    card_type: CardType,
) -> None:
    card = make()
    emulator.insert(card)
    doc = reader.read()
    assert doc.card_type is card_type
    assert doc.photo == card.photo and doc.photo_format == "wlt"
    assert doc.appended_address is None
    assert emulator.commands[-4:] == [(0x20, 0x01), (0x20, 0x02), (0x30, 0x01), (0x30, 0x03)]
    assert reader.health().counters["reads"] == 1


def test_reads_name_and_number_of_the_2023_card(
    emulator: SamEmulator, reader: SamIdCardReader
) -> None:
    emulator.insert(foreign_y_card())
    doc = reader.read()
    assert (doc.name_en, doc.id_number) == (FOREIGN_Y["name_en"], FOREIGN_Y["id_number"])


def test_appended_address_and_fingerprint(emulator: SamEmulator) -> None:
    card = resident_card()
    card.appended_address = "湖北省武汉市洪山区珞喻路1号"
    card.fingerprint = bytes(range(256)) * 4
    emulator.insert(card)
    r = open_reader(emulator.uri + "&fingerprint=1")
    try:
        doc = r.read()
    finally:
        r.close()
    assert doc.appended_address == card.appended_address
    assert doc.fingerprint == card.fingerprint
    assert (0x30, 0x10) in emulator.commands
    assert "fingerprint" not in doc.to_json()


@pytest.mark.parametrize("sw3", [0x21, 0x23, 0x24, 0x5A])
def test_a_module_without_the_appended_address_still_reads_the_card(
    emulator: SamEmulator, sw3: int
) -> None:
    """Issue 13 item 13: an optional command answered with an error status."""
    card = resident_card()
    card.appended_address = "湖北省武汉市洪山区珞喻路1号"
    emulator.insert(card)
    emulator.unsupported[(0x30, 0x03)] = sw3
    r = open_reader(emulator.uri)
    try:
        first = r.read()
        second = r.read()
        health = r.health()
    finally:
        r.close()
    for doc in (first, second):
        assert (doc.name, doc.id_number) == (RESIDENT["name"], RESIDENT["id_number"])
        assert doc.appended_address is None  # the field is absent, the card is read
    # Asked once; the driver stops asking this module.
    assert emulator.commands.count((0x30, 0x03)) == 1
    assert health.counters["optional_unsupported"] == 1 and health.counters["reads"] == 2
    assert "read_failures" not in health.counters
    assert health.state is HealthState.OK and "appended address" in health.reason


def test_a_module_without_the_fingerprint_read_falls_back_to_the_plain_read(
    emulator: SamEmulator,
) -> None:
    card = resident_card()
    card.fingerprint = bytes(range(256)) * 4
    emulator.insert(card)
    emulator.unsupported[(0x30, 0x10)] = 0x21
    r = open_reader(emulator.uri + "&fingerprint=1")
    try:
        first = r.read()
        second = r.read()
        health = r.health()
    finally:
        r.close()
    for doc in (first, second):
        assert doc.id_number == RESIDENT["id_number"] and doc.fingerprint == b""
    assert emulator.commands.count((0x30, 0x10)) == 1  # never asked again
    assert emulator.commands.count((0x30, 0x01)) == 2
    assert health.counters["optional_unsupported"] == 1
    assert "fingerprint" in health.reason


def test_a_failed_optional_read_keeps_the_card_and_asks_again_next_time(
    emulator: SamEmulator,
) -> None:
    card = resident_card()
    card.appended_address = "湖北省武汉市洪山区珞喻路1号"
    emulator.insert(card)
    emulator.fail_next(0x30, 0x03, 0x41)  # a read failure this once, not "unsupported"
    r = open_reader(emulator.uri)
    try:
        first = r.read()
        second = r.read()
        health = r.health()
    finally:
        r.close()
    assert first.name == RESIDENT["name"] and first.appended_address is None
    assert second.appended_address == card.appended_address
    assert health.counters["optional_read_failures"] == 1
    assert "optional_unsupported" not in health.counters


def test_no_card_is_a_named_error(emulator: SamEmulator, reader: SamIdCardReader) -> None:
    with pytest.raises(CardNotFoundError) as err:
        reader.read()
    assert err.value.reason.startswith("no card on the reader")


def test_card_removed_mid_read(emulator: SamEmulator, reader: SamIdCardReader) -> None:
    events = Events()
    emulator.insert(resident_card())
    reader.start(events)
    events.wait_for(EventKind.CARD_INSERTED)
    emulator.remove_during_read = True
    with pytest.raises(CardRemovedError):
        reader.read()
    events.wait_for(EventKind.CARD_REMOVED)
    assert reader.presence is Presence.ABSENT
    assert reader.health().counters["read_failures"] == 1


def test_corrupted_checksum_is_named_with_values(
    emulator: SamEmulator, reader: SamIdCardReader
) -> None:
    emulator.insert(resident_card())
    emulator.corrupt_next = 1  # the answer to find card
    with pytest.raises(FrameChecksumError) as err:
        reader.read()
    assert err.value.expected != err.value.got
    emulator.corrupt_next = 0
    assert reader.read().id_number == RESIDENT["id_number"]  # the next exchange is clean


def test_corrupted_read_response(emulator: SamEmulator, reader: SamIdCardReader) -> None:
    emulator.insert(resident_card())
    before = len(emulator.commands)
    # find and select pass; the 1295-byte read answer arrives with a bad checksum
    emulator.corrupt_on.add((0x30, 0x01))
    with pytest.raises(FrameChecksumError):
        reader.read()
    assert emulator.commands[before:] == [(0x20, 0x01), (0x20, 0x02), (0x30, 0x01)]


@pytest.mark.parametrize("sw3", sorted(ERRORS))
def test_every_status_code_from_the_sam_is_a_named_error(
    emulator: SamEmulator, reader: SamIdCardReader, sw3: int
) -> None:
    emulator.insert(resident_card())
    emulator.fail_next(0x30, 0x01, sw3)
    with pytest.raises(SamStatusError) as err:
        reader.read()
    if sw3 == Sw3.READ_FAILED:  # the card is still there: a plain read failure
        assert err.value.status == sw3
    else:
        assert type(err.value) is ERRORS[sw3]
        assert f"0x{sw3:02X}" in err.value.reason


def test_sam_rejects_a_fake_card(emulator: SamEmulator, reader: SamIdCardReader) -> None:
    emulator.insert(resident_card())
    emulator.fail_next(0x30, 0x01, 0x32)
    with pytest.raises(SamRejectedCardError, match="not genuine"):
        reader.read()


def test_a_silent_reader_times_out(emulator: SamEmulator, reader: SamIdCardReader) -> None:
    emulator.insert(resident_card())
    emulator.silent = True
    started = time.monotonic()
    with pytest.raises(SamTimeoutError) as err:
        reader.read(timeout_s=2.0)
    assert err.value.command == "find card"
    assert time.monotonic() - started < 2.0 + 1.0  # bounded by the read's timeout


def test_a_frame_cut_short_times_out_saying_so(
    emulator: SamEmulator, reader: SamIdCardReader
) -> None:
    emulator.insert(resident_card())
    emulator.truncate_next = 1
    with pytest.raises(SamTimeoutError) as err:
        reader.read()
    assert err.value.got > 0 and "bytes of a frame arrived" in err.value.reason


def test_a_silent_port_is_a_fault_at_open(emulator: SamEmulator) -> None:
    emulator.silent = True
    r = open_reader(emulator.uri + "&probe_ms=200")
    try:
        health = r.health()
        assert health.state is HealthState.FAULT
        assert health.reason == f"SAM does not answer on {emulator.port} within 200 ms"
        with pytest.raises(SamTimeoutError):
            r.read(timeout_s=1.0)
    finally:
        r.close()


def test_a_failed_self_test_is_a_fault(emulator: SamEmulator) -> None:
    emulator.sam_status = 0x60
    r = open_reader(emulator.uri)
    try:
        assert r.health().state is HealthState.FAULT
        assert "self-test" in r.health().reason
    finally:
        r.close()


def test_a_confused_sam_is_reset_on_open(emulator: SamEmulator) -> None:
    emulator.needs_reset = True
    r = open_reader(emulator.uri)
    try:
        assert r.health().state is HealthState.OK
        assert emulator.commands[:3] == [(0x11, 0xFF), (0x10, 0xFF), (0x11, 0xFF)]
    finally:
        r.close()


def test_slow_lines_get_longer_timeouts() -> None:
    # at 9600 baud the 1295-byte answer alone takes 1.35 s on the wire
    with SamEmulator(baud=9600) as emu:
        emu.insert(resident_card())
        r = open_reader(emu.uri)
        try:
            assert r.read().id_number == RESIDENT["id_number"]
        finally:
            r.close()


def test_a_missing_port_is_a_fault_not_a_crash() -> None:
    r = open_reader("sam:///dev/does-not-exist")
    try:
        health = r.health()
        assert health.state is HealthState.FAULT
        assert health.reason.startswith("cannot open /dev/does-not-exist")
        with pytest.raises(SamPortError, match="cannot open"):
            r.read(timeout_s=0.5)
    finally:
        r.close()


@pytest.mark.parametrize("halt_after_read", [False, True])
def test_presence_events_and_no_second_read_of_the_same_card(halt_after_read: bool) -> None:
    emu = SamEmulator(halt_after_read=halt_after_read)
    events = Events()
    reads: list[str] = []
    r = open_reader(emu.uri + "&poll_ms=50")

    def on_event(event: DeviceEvent) -> None:
        events(event)
        if event.kind is EventKind.CARD_INSERTED:
            # what the core does: read once per insertion
            reads.append(r.read().id_number or "")

    try:
        r.start(on_event)
        emu.insert(resident_card())
        events.wait_for(EventKind.CARD_INSERTED)
        wait_until(lambda: len(reads) == 1)
        time.sleep(1.0)  # the card stays on the reader for many polling periods
        assert events.seen.count(EventKind.CARD_INSERTED) == 1
        assert EventKind.CARD_REMOVED not in events.seen
        assert len(reads) == 1 and r.presence is Presence.READ
        emu.remove()
        events.wait_for(EventKind.CARD_REMOVED)
        emu.insert(resident_card())
        events.wait_for(EventKind.CARD_INSERTED)
        wait_until(lambda: len(reads) == 2)
        counters = r.health().counters
        assert counters["cards_inserted"] == 2 and counters["cards_removed"] == 1
    finally:
        r.close()
        emu.close()


def test_polling_sees_the_sam_go_silent_and_come_back(emulator: SamEmulator) -> None:
    events = Events()
    r = open_reader(emulator.uri + "&poll_ms=50")
    try:
        r.start(events)
        emulator.silent = True
        events.wait_for(EventKind.OFFLINE, timeout=10)
        assert r.health().state is HealthState.FAULT
        assert "stopped answering" in r.health().reason
        emulator.silent = False
        events.wait_for(EventKind.RECOVERED, timeout=10)
        assert r.health().state is HealthState.OK
    finally:
        r.close()


def test_a_sam_that_fails_its_self_test_while_polling_is_a_fault(emulator: SamEmulator) -> None:
    events = Events()
    r = open_reader(emulator.uri + "&poll_ms=50")
    try:
        r.start(events)
        emulator.sam_status = 0x60
        emulator.fail_next(0x20, 0x01, 0x60)
        events.wait_for(EventKind.OFFLINE)
        assert r.health().state is HealthState.FAULT
        assert "self-test" in r.health().reason
    finally:
        r.close()


def test_close_is_safe_twice(reader: SamIdCardReader) -> None:
    reader.start(Events())
    reader.close()
    reader.close()


def test_bad_uris_are_refused() -> None:
    from devices.uri import DeviceUriError

    for uri in ("sam://", "sam:///dev/ttyUSB0?baud=1234", "sam:///dev/ttyUSB0?fingerprint=maybe"):
        with pytest.raises(DeviceUriError):
            open_device(DeviceKind.ID_CARD, uri)
