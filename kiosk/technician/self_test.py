"""One self-test per device kind, as a technician runs them from the diagnostics screen.

Each test does something a person can check (a ticket comes out, the speaker speaks)
and reports a one-line outcome that never contains personal data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from devices.base import DeviceError, DeviceKind
from devices.form_printer.protocol import JobState
from devices.ticket_printer.protocol import TicketContent
from kiosk.terminal import Terminal


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest class

    ok: bool
    message: str
    seconds: float


def minimal_pdf(text: str) -> bytes:
    """A one-page A4 PDF with one line of ASCII text, built by hand (no Qt in the core)."""
    stream = f"BT /F1 24 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _ticket(t: Terminal) -> str:
    cfg = t.config
    t.ticket_printer.print_ticket(
        TicketContent(
            hall_name=cfg.terminal.hall_name,
            hall_name_en=cfg.terminal.hall_name_en,
            number="TEST",
            service_name="打印测试",
            service_name_en="Printer test",
            people_ahead=0,
            issued_at=datetime.now(UTC),
            qr_payload=f"HALLQ1|{cfg.terminal.hall_id}|TEST",
            privacy_notice=cfg.ticket.privacy_notice,
        )
    )
    return "test ticket printed"


def _form(t: Terminal) -> str:
    job = t.form_printer.print_pdf(minimal_pdf("Hall kiosk A4 printer test"), "printer test")
    if job.state is not JobState.COMPLETED:
        raise DeviceError("form_printer", job.message or job.state.value)
    return f"test page printed (job {job.job_id})"


def _id_card(t: Terminal) -> str:
    doc = t.id_card.read(timeout_s=5)
    valid = {True: "number valid", False: "number INVALID", None: ""}[doc.id_number_valid]
    kind = doc.card_type.value
    doc.wipe()  # a technician's test read keeps nothing
    return f"card read: {kind} {valid}".strip()


def _camera(t: Terminal) -> str:
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        frame = t.camera.latest()
        if frame is not None:
            h, w = frame.image.shape[:2]
            return f"frame {w}x{h} #{frame.seq}"
        time.sleep(0.05)
    raise DeviceError("camera", "no frame within 3 s")


def _voice(t: Terminal) -> str:
    t.voice.say("语音测试，一二三", "zh_CN")
    return "speaking: 语音测试，一二三"


SELF_TESTS: dict[DeviceKind, Callable[[Terminal], str]] = {
    DeviceKind.TICKET_PRINTER: _ticket,
    DeviceKind.FORM_PRINTER: _form,
    DeviceKind.ID_CARD: _id_card,
    DeviceKind.CAMERA: _camera,
    DeviceKind.VOICE: _voice,
}


def run_self_test(terminal: Terminal, kind: DeviceKind) -> TestOutcome:
    """Run one device's test; a device failure is an outcome, not an exception."""
    started = time.monotonic()
    try:
        message, ok = SELF_TESTS[kind](terminal), True
    except (DeviceError, OSError, TimeoutError) as exc:
        message, ok = str(exc), False
    return TestOutcome(ok, message, time.monotonic() - started)
