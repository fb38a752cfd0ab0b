"""CUPS printing against a private cupsd with a backend that can run out of paper."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import cups
import pytest
from private_cups import KIOSK_SETTINGS, private_cups

from devices.base import DeviceError, DeviceKind
from devices.form_printer.cups import document_name
from devices.form_printer.protocol import JobState, PrintJob
from devices.health import DeviceEvent, EventKind, HealthState
from devices.registry import open_device
from kiosk.forms.catalog import load_catalog
from kiosk.forms.desk import FormDesk
from kiosk.forms.filled import fill
from kiosk.forms.ports import MemoryRecorder, PageHeader, load_renderer

pytestmark = pytest.mark.daemon

ANSWERS = {
    "rep_mobile": "13700001111",
    "enterprise_name": "武汉市民之家示范科技有限公司",
    "enterprise_type": "llc",
    "capital": "50",
    "registered_address": "武汉市江汉区市民之家路1号A座",
    "business_scope": "软件开发、信息技术咨询服务",
    "foreign_investment": "no",
    "rep_name": "王民生",
    "rep_id_number": "11010519491231002X",
    "rep_address": "北京市东城区民安胡同1号",
}
HEADER = PageHeader("武汉市民之家", "Wuhan Citizen Centre", "T01")


def _printer(cupsd, name: str, **params: str):
    query = "&".join(
        f"{k}={v}" for k, v in {"server": cupsd.server, "timeout_s": "20", **params}.items()
    )
    return open_device(DeviceKind.FORM_PRINTER, f"cups://{name}?{query}")


def _desk(printer) -> tuple[FormDesk, MemoryRecorder]:
    recorder = MemoryRecorder()
    return FormDesk(load_renderer(), printer, recorder, HEADER), recorder


def _form():
    return fill(load_catalog().get("enterprise_registration"), ANSWERS)


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _wait_for(path: Path, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never arrived"
        time.sleep(0.05)


def test_prints_and_the_page_reads_back(cupsd, queue):
    name, jobs = queue
    printer = _printer(cupsd, name)
    desk, recorder = _desk(printer)
    outcome = desk.print(_form())
    assert outcome.printed and outcome.job.state is JobState.COMPLETED
    saved = jobs / f"job-{outcome.job.job_id}.pdf"
    _wait_for(saved)
    text = _text(saved)
    for expected in (
        "企业开办登记信息表",
        "王民生",
        "11010519491231002X",
        "民安胡同",
        outcome.receipt,
    ):
        assert expected in text
    assert printer.health().state is HealthState.OK
    assert [s.receipt for s in recorder.submissions] == [outcome.receipt]
    assert recorder.prints[outcome.receipt].state == "completed"


@pytest.mark.parametrize(
    ("mode", "message", "event"),
    [
        ("paper-out", "缺纸，请联系工作人员 / Out of paper, please ask staff", EventKind.PAPER_OUT),
        ("jam", "卡纸，请联系工作人员 / Paper jam, please ask staff", EventKind.JOB_FAILED),
        (
            "offline",
            "打印机未连接，请联系工作人员 / The printer is offline, please ask staff",
            EventKind.OFFLINE,
        ),
    ],
)
def test_fault_stops_queue_then_technician_resumes(cupsd, queue, mode, message, event):
    name, jobs = queue
    (jobs / "mode").write_text(mode)
    printer = _printer(cupsd, name, health_s="0.2")
    events: list[DeviceEvent] = []
    printer.start(events.append)
    try:
        desk, recorder = _desk(printer)
        outcome = desk.print(_form())
        assert outcome.job.state is JobState.STOPPED
        assert outcome.job.message == message
        assert outcome.receipt and recorder.prints[outcome.receipt].state == "stopped"
        health = printer.health()
        assert health.state is HealthState.FAULT and name in health.reason
        assert event in {e.kind for e in events}
        assert not list(jobs.glob("job-*.pdf"))
        # The technician fixes the printer and resumes the queue: the waiting job prints.
        (jobs / "mode").write_text("ok")
        printer.resume()
        _wait_for(jobs / f"job-{outcome.job.job_id}.pdf")
        deadline = time.monotonic() + 5
        # Health turns OK before its RECOVERED event reaches the sink: wait for both.
        while printer.health().state is not HealthState.OK or EventKind.RECOVERED not in {
            e.kind for e in events
        }:
            assert time.monotonic() < deadline, (printer.health(), events)
            time.sleep(0.05)
    finally:
        printer.close()


def test_stopped_queue_seen_by_watcher(cupsd, queue):
    name, _jobs = queue
    printer = _printer(cupsd, name, health_s="0.1")
    seen = threading.Event()
    printer.start(lambda e: seen.set() if e.kind is EventKind.JOB_FAILED else None)
    try:
        subprocess.run(["cupsdisable", "-h", cupsd.server, name], check=True)
        assert seen.wait(5)
        health = printer.health()
        assert health.state is HealthState.FAULT and "paused" in health.reason
        job = printer.print_pdf(b"%PDF-1.4\n%%EOF\n", "test")
        assert job.state is JobState.STOPPED
        assert (
            job.message == "打印机已暂停，请联系工作人员 / The printer is paused, please ask staff"
        )
    finally:
        printer.close()


def test_unknown_queue_and_dead_server_are_named(cupsd, tmp_path):
    with pytest.raises(DeviceError, match=r"not usable|refused"):
        _printer(cupsd, "no_such_queue").print_pdf(b"%PDF-1.4\n", "x")
    gone = open_device(DeviceKind.FORM_PRINTER, f"cups://q?server={tmp_path}/none.sock")
    with pytest.raises(DeviceError, match="cannot reach CUPS"):
        gone.print_pdf(b"%PDF-1.4\n", "x")
    assert gone.health().state is HealthState.FAULT


def test_printer_fault_still_queues_the_form(tmp_path):
    gone = open_device(DeviceKind.FORM_PRINTER, f"cups://q?server={tmp_path}/none.sock")
    desk, recorder = _desk(gone)
    outcome = desk.print(_form())
    assert not outcome.printed and outcome.job.notice.zh.endswith("请联系工作人员")
    assert [s.receipt for s in recorder.submissions] == [outcome.receipt]


def test_cli_print_reports_job_state_and_receipt(cupsd, queue, tmp_path, capsys):
    import json

    from kiosk.cli import main

    name, jobs = queue
    data = tmp_path / "data.json"
    data.write_text(json.dumps(ANSWERS, ensure_ascii=False), encoding="utf-8")
    uri = f"cups://{name}?server={cupsd.server}&timeout_s=20"
    args = [
        "form",
        "print",
        "--form",
        "enterprise_registration",
        "--data",
        str(data),
        "--printer",
        uri,
        "--json",
    ]
    assert main(args) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["state"] == "completed"
    _wait_for(jobs / f"job-{done['job_id']}.pdf")
    assert done["receipt"] in _text(jobs / f"job-{done['job_id']}.pdf")
    (jobs / "mode").write_text("paper-out")
    assert main(args) == 4
    stopped = json.loads(capsys.readouterr().out)
    assert stopped["state"] == "stopped" and stopped["message"].startswith("缺纸")
    (jobs / "mode").write_text("ok")
    assert main(["form", "resume", "--printer", uri]) == 0
    _wait_for(jobs / f"job-{stopped['job_id']}.pdf")


def _spool_files(cupsd, job_id: str) -> list[str]:
    """The job's document (d00007-001) and record (c00007) in cupsd's spool, if kept."""
    stem = f"{int(job_id):05d}"
    return sorted(p.name for p in cupsd.spool.iterdir() if p.name[1:6] == stem)


def _wait_until(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_document_names_are_safe_for_cupsd():
    # cupsd 2.4.2-3+deb12u10 crashes on a document-name with a space (seen here).
    assert document_name("enterprise_registration T01-20261202-7KQ3MX") == (
        "enterprise_registration_T01-20261202-7KQ3MX.pdf"
    )
    assert document_name(" 张三 ") == "form.pdf"


def test_the_kiosk_cupsd_settings_keep_no_job_files_or_history(cupsd, queue):
    """Issue 13 item 7: systemd/cupsd-hall-kiosk.conf, as the terminal's cupsd runs it."""
    settings = KIOSK_SETTINGS.read_text()
    assert "PreserveJobFiles No" in settings and "PreserveJobHistory No" in settings
    name, jobs = queue
    printer = _printer(cupsd, name)
    outcome = printer.print_pdf(b"%PDF-1.4\n%%EOF\n", "hk_macau_travel T01-20261202-7KQ3MX")
    assert outcome.state is JobState.COMPLETED
    _wait_for(jobs / f"job-{outcome.job_id}.pdf")
    conn = cups.Connection(host=cupsd.server)

    def forgotten() -> bool:
        listed = int(outcome.job_id) in conn.getJobs(which_jobs="all")
        return not listed and not _spool_files(cupsd, outcome.job_id)

    _wait_until(forgotten)


def test_a_cancelled_job_never_prints_and_leaves_nothing(cupsd, queue):
    """Issue 13 item 7: the session ended while paper was out: the form must not print
    for the next person when the technician refills the tray."""
    name, jobs = queue
    (jobs / "mode").write_text("paper-out")
    printer = _printer(cupsd, name)
    outcome = printer.print_pdf(b"%PDF-1.4\n%%EOF\n", "hk_macau_travel T01-20261202-7KQ3MX")
    assert outcome.state is JobState.STOPPED and outcome.unfinished
    assert any(f.startswith("d") for f in _spool_files(cupsd, outcome.job_id))  # it waits
    assert printer.cancel(outcome.job_id)
    _wait_until(lambda: not _spool_files(cupsd, outcome.job_id))
    assert not printer.cancel(outcome.job_id)  # gone: nothing left to cancel
    (jobs / "mode").write_text("ok")
    printer.resume()
    time.sleep(1.5)  # a resumed queue prints a waiting job within a few hundred ms
    assert not list(jobs.glob("job-*"))
    assert printer.health().counters["jobs_cancelled"] == 1


def test_cupsd_lost_while_following_a_job_is_a_clear_outcome(tmp_path):
    """Issue 13 item 14: no IPP or HTTP error reaches the caller as a traceback."""
    with private_cups(tmp_path / "cups") as server:
        jobs = server.add_queue("Slow")
        (jobs / "mode").write_text("slow")
        printer = _printer(server, "Slow")
        result: list[object] = []
        thread = threading.Thread(
            target=lambda: result.append(printer.print_pdf(b"%PDF-1.4\n%%EOF\n", "t 1"))
        )
        thread.start()
        _wait_until(lambda: printer.health().counters.get("jobs", 0) == 1)
        server.process.kill()
        thread.join(timeout=30)
    (job,) = result
    assert isinstance(job, PrintJob) and job.state is JobState.STOPPED and job.job_id
    assert job.notice.en == "The printer has a problem, please ask staff"
    health = printer.health()
    assert health.state is HealthState.FAULT and "CUPS" in health.reason
    with pytest.raises(DeviceError, match=r"cannot reach CUPS|lost the connection"):
        printer.print_pdf(b"%PDF-1.4\n", "t 2")
