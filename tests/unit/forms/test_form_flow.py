"""The form journey's state machine, without Qt: card presence, typing, back, queue,
print, cancel, wipe. Device events reach the journey through a KioskController fed by
the terminal's event queue, as in the running kiosk."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import pytest
from forms_samples import GOOD_ANSWERS, TODAY, make_card

from devices.base import DeviceKind
from devices.form_printer.sim import SimFormPrinter
from devices.health import DeviceEvent
from devices.idcard.protocol import Presence
from devices.idcard.sim import SimIdCardReader
from devices.registry import open_device
from kiosk.flows.form import CardStep, FormJourney, FormServices, FormState
from kiosk.forms.catalog import load_catalog
from kiosk.forms.desk import FormDesk
from kiosk.forms.filled import FilledForm
from kiosk.forms.ports import MemoryRecorder, PageHeader, Submission
from kiosk.session import EndReason, Session


class PdfStub:
    """Rendering is tested for real elsewhere; here only the journey's moves matter."""

    def render_pdf(self, filled: FilledForm, header: PageHeader) -> bytes:
        return b"%PDF-1.4 " + filled.receipt.encode()


@dataclass
class Parts:
    services: FormServices
    reader: SimIdCardReader
    printer: SimFormPrinter
    recorder: MemoryRecorder
    pool: ThreadPoolExecutor
    events: queue.SimpleQueue[DeviceEvent]


@pytest.fixture
def parts() -> Iterator[Parts]:
    events: queue.SimpleQueue[DeviceEvent] = queue.SimpleQueue()
    reader = open_device(DeviceKind.ID_CARD, "sim://?read_ms=5")
    printer = open_device(DeviceKind.FORM_PRINTER, "sim://?delay_ms=5")
    assert isinstance(reader, SimIdCardReader) and isinstance(printer, SimFormPrinter)
    reader.start(events.put)
    recorder = MemoryRecorder()
    desk = FormDesk(PdfStub(), printer, recorder, PageHeader("厅", "Hall", "T01"))
    services = FormServices(load_catalog(), reader, desk, today=lambda: TODAY)
    pool = ThreadPoolExecutor(max_workers=2)
    yield Parts(services, reader, printer, recorder, pool, events)
    pool.shutdown(wait=True)


class Driver:
    """Moves time and hands the journey the device events, as the controller does."""

    def __init__(self, parts: Parts, journey: FormJourney) -> None:
        self.parts = parts
        self.j = journey
        self.now = 0.0

    def step(self) -> None:
        self.now += 0.2
        while True:
            try:
                event = self.parts.events.get_nowait()
            except queue.Empty:
                break
            self.j.on_device_event(event, self.now)
        self.j.tick(self.now)
        time.sleep(0.01)

    def until(self, state: FormState) -> None:
        deadline = time.monotonic() + 5
        while self.j.state is not state:
            assert time.monotonic() < deadline, (self.j.state, self.j.card_step)
            self.step()

    def idle(self, steps: int = 10) -> None:
        for _ in range(steps):
            self.step()


def _journey(parts: Parts, session: Session | None = None) -> tuple[FormJourney, Driver]:
    j = FormJourney(parts.services, session or Session(), parts.pool, done_timeout_s=20, now=0.0)
    return j, Driver(parts, j)


def _to_complete(parts: Parts, form_id: str, session: Session | None = None) -> FormJourney:
    j, d = _journey(parts, session)
    j.choose(form_id, d.now)
    parts.reader.insert(make_card())
    d.until(FormState.CONFIRM_CARD)
    j.confirm_card(d.now)
    return j


def _fill(j: FormJourney, form_id: str) -> None:
    for name, value in GOOD_ANSWERS[form_id].items():
        j.set_answer(name, value, 0.0)


def test_whole_journey_queues_then_prints_and_wipes(parts: Parts) -> None:
    session = Session()
    j, d = _journey(parts, session)
    assert j.screen == "form_choose" and j.can_go_back
    j.choose("hk_macau_travel", d.now)
    assert j.screen == "form_card" and not j.can_go_back and j.card_step is CardStep.PLACE
    parts.reader.insert(make_card())
    d.until(FormState.CONFIRM_CARD)
    assert j.card_values()["name"] == "张小明" and not j.card_problems
    j.confirm_card(d.now)
    assert "name" not in {f.name for f in j.typed_fields()}
    _fill(j, "hk_macau_travel")
    with pytest.raises(ValueError):
        j.set_answer("name", "李四", d.now)  # card fields are read-only
    assert j.back(d.now) and j.state is FormState.CONFIRM_CARD
    assert j.back(d.now) and j.state is FormState.PLACE_CARD and j.card is None
    # The card still lies there (already read): it is not read again until placed again.
    assert j.card_step is CardStep.LIFT_FIRST
    parts.reader.remove()
    d.step()
    assert j.card_step is CardStep.PLACE
    parts.reader.insert(make_card())
    d.until(FormState.CONFIRM_CARD)
    j.confirm_card(d.now)
    assert j.answers["mobile"] == "13800001234"  # answers survive stepping back
    assert j.submit_answers(d.now) and j.state is FormState.REVIEW
    j.print(d.now)
    assert j.idle_exempt
    d.until(FormState.DONE)
    assert j.receipt and parts.printer.jobs[0][0].endswith(j.receipt)
    (submission,) = parts.recorder.submissions
    assert submission.receipt == j.receipt
    assert parts.recorder.prints[j.receipt].state == "completed"
    assert j.card_on_reader  # the result screen asks the citizen to take the card
    d.now += 21
    j.tick(d.now)
    assert j.finished
    j.close()
    session.end(EndReason.FINISHED)
    assert j.answers == {} and j.card is None and j.filled is None


def test_a_card_left_on_the_reader_is_never_read(parts: Parts) -> None:
    """Issue 13 item 5 (the sim side; tests/devices/idcard/sam has the real driver)."""
    first = _to_complete(parts, "hk_macau_travel")
    first.close()
    reads = parts.reader.health().counters["reads"]
    # The next citizen: the first one's card still lies on the reader (read, halted).
    j, d = _journey(parts)
    j.choose("hk_macau_travel", d.now)
    assert parts.reader.presence is Presence.READ
    assert j.card_step is CardStep.LIFT_FIRST
    d.idle(15)
    assert j.state is FormState.PLACE_CARD and j.card is None and j.card_values() == {}
    assert parts.reader.health().counters["reads"] == reads  # never read again
    parts.reader.remove()
    d.step()
    assert j.card_step is CardStep.PLACE
    other = make_card()
    other.name = "李四"
    parts.reader.insert(other)
    d.until(FormState.CONFIRM_CARD)
    assert j.card_values()["name"] == "李四"


def test_waiting_for_a_card_does_not_poll_the_reader(parts: Parts) -> None:
    j, d = _journey(parts)
    j.choose("hk_macau_travel", d.now)
    d.idle(20)
    counters = parts.reader.health().counters
    assert "reads" not in counters and "read_failures" not in counters


def test_a_card_lifted_mid_read_is_asked_for_again(parts: Parts) -> None:
    j, d = _journey(parts)
    j.choose("hk_macau_travel", d.now)
    parts.reader.read_s = 0.3
    parts.reader.insert(make_card())
    d.step()
    assert j.card_step is CardStep.READING
    parts.reader.remove()  # lifted while the read is under way
    deadline = time.monotonic() + 5
    while j.card_step is CardStep.READING and time.monotonic() < deadline:
        d.step()
    assert j.state is FormState.PLACE_CARD and j.card_step is CardStep.PLACE_AGAIN
    parts.reader.insert(make_card())
    d.until(FormState.CONFIRM_CARD)


def test_answers_are_judged_on_leaving_a_field_never_mid_typing(parts: Parts) -> None:
    j = _to_complete(parts, "hk_macau_travel")
    for typed in ("0", "02", "027"):
        j.set_answer("mobile", typed, 0.0)
        assert "mobile" not in j.problems
    problem = j.leave_field("mobile", 0.0)
    assert problem is not None and "mobile" in j.problems
    j.set_answer("mobile", "1380000123", 0.0)  # still wrong: the message stays as it was
    assert j.problems["mobile"] is problem
    j.set_answer("mobile", "13800001234", 0.0)  # right: the message goes at once
    assert "mobile" not in j.problems
    j.set_answer("emergency_name", "", 0.0)
    assert j.leave_field("emergency_name", 0.0) is None  # empty is not an error yet


def test_next_names_and_announces_the_first_problem(parts: Parts) -> None:
    j = _to_complete(parts, "enterprise_registration")
    assert not j.submit_answers(1.0)
    assert j.state is FormState.COMPLETE
    assert {"rep_mobile", "enterprise_name", "foreign_investment"} <= set(j.problems)
    first = j.first_problem()
    assert first is not None and first.field == "rep_mobile"  # form order
    assert j.announcement is not None and j.announcement.zh.startswith("移动电话：")
    assert j.announcement.en.startswith("Mobile phone: ")
    seq = j.announcement.seq
    assert not j.submit_answers(2.0)
    assert j.announcement.seq == seq + 1  # said again on the next tap


def test_paper_out_queues_first_and_cancels_the_job_when_the_session_ends(parts: Parts) -> None:
    parts.printer.paper_out()
    session = Session()
    j = _to_complete(parts, "hk_macau_travel", session)
    d = Driver(parts, j)
    _fill(j, "hk_macau_travel")
    assert j.submit_answers(d.now)
    j.print(d.now)
    d.until(FormState.NOT_PRINTED)
    assert j.screen == "form_not_printed" and j.receipt
    assert j.outcome is not None and j.outcome.job.notice.zh.startswith("缺纸")
    assert j.outcome.job.notice.en.startswith("Out of paper")
    assert [s.receipt for s in parts.recorder.submissions] == [j.receipt]
    assert parts.recorder.prints[j.receipt].state == "stopped"
    job_id, receipt = j.outcome.job.job_id, j.receipt
    assert job_id in parts.printer.waiting  # it would print once paper is back...
    j.close()  # ...but the citizen leaves first
    session.end(EndReason.IDLE)
    deadline = time.monotonic() + 5
    while job_id in parts.printer.waiting:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    parts.printer.recover()
    assert parts.printer.jobs == []  # nothing printed for the next person
    assert parts.recorder.prints[receipt].state == "cancelled"


class BrokenRecorder(MemoryRecorder):
    """The outbox admitted the journey, then failed to write (disk error, say)."""

    def record_submission(self, submission: Submission, printer: str) -> None:
        raise OSError("disk I/O error")


def test_a_form_that_could_not_be_queued_is_not_printed_and_says_so(parts: Parts) -> None:
    """Issue 13 item 2: never "your form was submitted" with nothing queued."""
    parts.services.desk.recorder = BrokenRecorder()
    j = _to_complete(parts, "hk_macau_travel")
    d = Driver(parts, j)
    _fill(j, "hk_macau_travel")
    assert j.submit_answers(d.now)
    j.print(d.now)
    d.until(FormState.NOT_SUBMITTED)
    assert j.screen == "form_not_submitted"
    assert j.receipt == "" and j.outcome is None
    assert parts.printer.jobs == [] and parts.printer.waiting == {}


def test_a_full_outbox_stops_the_journey_before_anything_is_asked(parts: Parts) -> None:
    parts.recorder.full = "outbox nearly full: 190.0 of 200 MiB used, waiting for the network"
    j, _ = _journey(parts)
    assert j.state is FormState.UNAVAILABLE and j.screen == "form_unavailable"
    assert j.can_go_back and j.refusal.startswith("outbox nearly full")


def test_the_booth_photo_of_this_visit_fills_the_photo_box(parts: Parts) -> None:
    session = Session()
    jpeg = b"\xff\xd8\xff\xe0 booth photo"
    assert session.keep_booth_photo(jpeg)
    j = _to_complete(parts, "residence_permit", session)
    _fill(j, "residence_permit")
    assert j.submit_answers(0.0)
    assert j.filled is not None and j.filled.photo == jpeg
    # A form without a photo box does not take it.
    other = _to_complete(parts, "enterprise_registration", session)
    _fill(other, "enterprise_registration")
    assert other.submit_answers(0.0) and other.filled is not None and other.filled.photo == b""
    kept = session.get("booth_photo")
    session.end(EndReason.FINISHED)
    assert kept == bytearray(len(jpeg)) and session.booth_photo == b""  # zeroed, gone


def test_address_from_pickers_and_the_typed_house_number(parts: Parts) -> None:
    j = _to_complete(parts, "hk_macau_travel")
    j.pick_address("current_address", "江汉区", "新华路", 0.0)
    assert j.answers.get("current_address", "") == ""  # no house number yet
    j.set_house("current_address", "1号2栋301", 0.0)
    assert j.answers["current_address"] == "湖北省武汉市江汉区新华路1号2栋301"
    j.pick_address("current_address", "汉南区", "", 0.0)  # a street not listed: typed
    j.set_house("current_address", "汉南大道8号", 0.0)
    assert j.answers["current_address"] == "湖北省武汉市汉南区汉南大道8号"
    with pytest.raises(ValueError):
        j.pick_address("current_address", "朝阳区", "", 0.0)


def test_date_picker_stays_inside_the_dates_the_field_takes_today(parts: Parts) -> None:
    j = _to_complete(parts, "hk_macau_travel")
    assert j.date_range("departure_date") == (TODAY, date(2027, 11, 27))
    assert j.step_date("departure_date", "m", 1, 0.0) == TODAY  # opens on today
    assert j.step_date("departure_date", "m", 1, 0.0) == date(2026, 12, 27)
    assert j.step_date("departure_date", "d", -60, 0.0) == TODAY  # never before today
    assert j.step_date("departure_date", "y", 5, 0.0) == date(2027, 11, 27)
    assert "departure_date" not in j.problems
    assert j.answers["departure_date"] == "2027-11-27"


def test_exit_knows_what_it_would_throw_away(parts: Parts) -> None:
    j = _to_complete(parts, "hk_macau_travel")
    assert j.typed_answers() == []
    j.set_answer("mobile", "138", 0.0)
    j.set_answer("emergency_name", "  ", 0.0)
    assert j.typed_answers() == ["mobile"]
