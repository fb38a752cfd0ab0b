"""The form journey's state machine, without Qt: card polling, typing, back, print, wipe."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from forms_samples import GOOD_ANSWERS, TODAY, make_card

from devices.base import DeviceKind
from devices.form_printer.sim import SimFormPrinter
from devices.idcard.sim import SimIdCardReader
from devices.registry import open_device
from kiosk.flows.form import FormJourney, FormServices, FormState
from kiosk.forms.catalog import load_catalog
from kiosk.forms.desk import FormDesk
from kiosk.forms.filled import FilledForm
from kiosk.forms.ports import MemoryRecorder, PageHeader
from kiosk.session import EndReason, Session


class PdfStub:
    """Rendering is tested for real elsewhere; here only the journey's moves matter."""

    def render_pdf(self, filled: FilledForm, header: PageHeader) -> bytes:
        return b"%PDF-1.4 " + filled.receipt.encode()


@pytest.fixture
def parts():
    reader = open_device(DeviceKind.ID_CARD, "sim://?read_ms=5")
    printer = open_device(DeviceKind.FORM_PRINTER, "sim://?delay_ms=5")
    assert isinstance(reader, SimIdCardReader) and isinstance(printer, SimFormPrinter)
    recorder = MemoryRecorder()
    desk = FormDesk(PdfStub(), printer, recorder, PageHeader("厅", "Hall", "T01"))
    services = FormServices(load_catalog(), reader, desk, today=lambda: TODAY)
    pool = ThreadPoolExecutor(max_workers=2)
    yield services, reader, printer, recorder, pool
    pool.shutdown(wait=True)


def _until(journey: FormJourney, state: FormState, now: list[float]) -> None:
    deadline = time.monotonic() + 5
    while journey.state is not state:
        assert time.monotonic() < deadline, journey.state
        now[0] += 0.2
        journey.tick(now[0])
        time.sleep(0.01)


def test_whole_journey_and_wipe(parts):
    services, reader, printer, recorder, pool = parts
    session = Session()
    now = [0.0]
    j = FormJourney(services, session, pool, done_timeout_s=20, now=now[0])
    assert j.screen == "form_choose" and j.can_go_back
    j.choose("hk_macau_travel", now[0])
    assert j.screen == "form_card" and not j.can_go_back
    for _ in range(5):  # no card yet: the journey keeps waiting
        now[0] += 0.2
        j.tick(now[0])
        time.sleep(0.01)
    assert j.state is FormState.PLACE_CARD
    reader.insert(make_card())
    _until(j, FormState.CONFIRM_CARD, now)
    assert j.card_values()["name"] == "张小明" and not j.card_problems
    j.confirm_card(now[0])
    assert "name" not in {f.name for f in j.typed_fields()}
    assert j.set_answer("mobile", "0", now[0]) is not None  # wrong from the first digit
    for name, value in GOOD_ANSWERS["hk_macau_travel"].items():
        j.set_answer(name, value, now[0])
    with pytest.raises(ValueError):
        j.set_answer("name", "李四", now[0])  # card fields are read-only
    assert j.back(now[0]) and j.state is FormState.CONFIRM_CARD
    assert j.back(now[0]) and j.state is FormState.PLACE_CARD and j.card is None
    _until(j, FormState.CONFIRM_CARD, now)  # the card is still on the reader
    j.confirm_card(now[0])
    assert j.answers["mobile"] == "13800001234"  # answers survive stepping back
    assert j.submit_answers(now[0]) and j.state is FormState.REVIEW
    j.print(now[0])
    assert j.idle_exempt
    _until(j, FormState.DONE, now)
    assert j.receipt and printer.jobs[0][0].endswith(j.receipt)
    ((submission, record),) = recorder.records
    assert record.state == "completed" and submission.values["mobile"] == "13800001234"
    now[0] += 21
    j.tick(now[0])
    assert j.finished
    session.end(EndReason.FINISHED)
    assert j.answers == {} and j.card is None and j.filled is None


def test_missing_answers_are_named_and_keep_the_citizen_there(parts):
    services, reader, _printer, _recorder, pool = parts
    j = FormJourney(services, Session(), pool, 20, 0.0)
    j.choose("enterprise_registration", 0.0)
    reader.insert(make_card())
    _until(j, FormState.CONFIRM_CARD, [0.0])
    j.confirm_card(1.0)
    assert not j.submit_answers(1.0)
    assert j.state is FormState.COMPLETE
    assert {"rep_mobile", "enterprise_name", "foreign_investment"} <= set(j.problems)


def test_paper_out_still_records_and_shows_receipt(parts):
    services, reader, printer, recorder, pool = parts
    printer.paper_out()
    j = FormJourney(services, Session(), pool, 20, 0.0)
    j.choose("hk_macau_travel", 0.0)
    reader.insert(make_card())
    now = [0.0]
    _until(j, FormState.CONFIRM_CARD, now)
    j.confirm_card(now[0])
    for name, value in GOOD_ANSWERS["hk_macau_travel"].items():
        j.set_answer(name, value, now[0])
    assert j.submit_answers(now[0])
    j.print(now[0])
    _until(j, FormState.NOT_PRINTED, now)
    assert j.screen == "form_not_printed" and j.receipt
    assert j.outcome is not None and j.outcome.job.message.startswith("缺纸")
    assert recorder.records[0][0].receipt == j.receipt
