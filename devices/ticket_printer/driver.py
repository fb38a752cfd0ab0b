"""The ESC/POS ticket printer driver: one worker thread owns the connection.

The worker runs jobs (print a ticket, read the status) one at a time and, between
jobs, polls the real-time status every ``poll_ms`` so health and events follow the
printer (paper low/out, cover open, offline, recovered) without a restart. Callers
wait for a job with a deadline, so a printer that never answers cannot hang a flow.

URI parameters shared by every transport: ``poll_ms`` (2000), ``status_timeout_ms``
(500, per DLE EOT query), ``connect_timeout_ms`` (1000), ``write_timeout_ms`` (3000),
and ``status=off`` for a printer that cannot answer at all (a serial cable without
its receive line): then only a failed connection or write is noticed.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from devices.health import EventSink, Health, HealthTracker
from devices.ticket_printer import escpos
from devices.ticket_printer.gbtext import Replacement
from devices.ticket_printer.layout import (
    DEFAULT_LAYOUT,
    LayoutBlock,
    PrinterProfile,
    Slip,
    check_layout,
    render,
    render_slip,
    sample_ticket,
)
from devices.ticket_printer.protocol import PrinterFault, TicketContent, TicketPrintError
from devices.ticket_printer.status import (
    HEALTH_OF_STATE,
    PrinterState,
    PrinterStatus,
    StatusByteError,
)
from devices.ticket_printer.testpage import TEST_PAGE_LAYOUT
from devices.ticket_printer.transport import Transport
from devices.uri import DeviceUri

log = logging.getLogger(__name__)

T = TypeVar("T")

_NOT_ASKED = "not asked yet"

_FAULT_OF_STATE = {
    PrinterState.PAPER_OUT: PrinterFault.PAPER_OUT,
    PrinterState.COVER_OPEN: PrinterFault.COVER_OPEN,
    PrinterState.OFFLINE: PrinterFault.OFFLINE,
    PrinterState.ERROR: PrinterFault.ERROR,
}


@dataclass(frozen=True)
class Timeouts:
    """Every wait the driver does, in seconds; all come from the URI."""

    poll: float = 2.0
    status: float = 0.5
    connect: float = 1.0
    write: float = 3.0

    @classmethod
    def from_uri(cls, uri: DeviceUri) -> Timeouts:
        return cls(
            poll=uri.int_param("poll_ms", 2000) / 1000,
            status=uri.int_param("status_timeout_ms", 500) / 1000,
            connect=uri.int_param("connect_timeout_ms", 1000) / 1000,
            write=uri.int_param("write_timeout_ms", 3000) / 1000,
        )

    @property
    def status_round(self) -> float:
        """Longest a full status read may take: connect, three queries, one retry."""
        return self.connect + 4 * self.status + 0.5

    @property
    def job(self) -> float:
        """Longest a print may take: status before, the write, status after."""
        return 2 * self.status_round + self.write + 0.5


class _DriverClosed(Exception):
    """The driver was closed before or while a caller waited."""


@dataclass
class _Job:
    run: Callable[[], Any]
    future: Future[Any]


class EscPosTicketPrinter:
    """A ticket printer speaking ESC/POS over any :class:`Transport`."""

    def __init__(
        self,
        uri: DeviceUri,
        role: str,
        connect: Callable[[float, float], Transport],
        timeouts: Timeouts | None = None,
    ) -> None:
        self.uri = uri.raw
        self.role = role
        self.timeouts = timeouts or Timeouts.from_uri(uri)
        self.profile = PrinterProfile()
        self.layout: tuple[LayoutBlock, ...] = DEFAULT_LAYOUT
        self.last_replaced: tuple[Replacement, ...] = ()
        self._connect = connect
        self.reads_status = uri.params.get("status", "on").lower() not in ("off", "0", "no")
        self._transport: Transport | None = None
        self._health = HealthTracker(role)
        self._last_status = PrinterStatus.unreachable(_NOT_ASKED)
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._work, name=f"{role}-escpos", daemon=True)
        self._thread.start()
        # Ask once now (bounded) so health() is real from the start, e.g. for kiosk doctor.
        self.status()

    # -- Device -------------------------------------------------------------------------

    def start(self, sink: EventSink) -> None:
        self._health.attach(sink)

    def health(self) -> Health:
        return self._health.snapshot()

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        self._jobs.put(None)
        self._thread.join(timeout=self.timeouts.job)

    # -- TicketPrinter --------------------------------------------------------------------

    def configure(self, profile: PrinterProfile, layout: tuple[LayoutBlock, ...]) -> None:
        """Use this paper/charset profile and ticket layout from now on."""
        check_layout(layout)
        self.profile = profile
        self.layout = tuple(layout)

    def print_ticket(self, ticket: TicketContent) -> None:
        rendered = render(ticket, self.profile, self.layout)
        self._note_replaced(rendered.replaced)
        self._print(rendered.data)

    def print_slip(self, slip: Slip) -> None:
        rendered = render_slip(slip, self.profile)
        self._note_replaced(rendered.replaced)
        self._print(rendered.data)

    def print_test_page(self, now: datetime) -> None:
        """A page with every character class, both sizes, a QR code and a cut."""
        rendered = render(sample_ticket(now), self.profile, TEST_PAGE_LAYOUT)
        self._note_replaced(rendered.replaced)
        self._print(rendered.data)

    def status(self) -> PrinterStatus:
        """Ask the printer now (DLE EOT 1, 2, 4); bounded, never raises."""
        try:
            return self._submit(self._read_status, self.timeouts.status_round)
        except FutureTimeout:
            return PrinterStatus.unreachable("status read did not finish in time")
        except _DriverClosed:
            return self._last_status

    @property
    def last_status(self) -> PrinterStatus:
        """The status from the last query or poll, without asking again."""
        return self._last_status

    # -- the caller's side -----------------------------------------------------------------

    def _note_replaced(self, replaced: tuple[Replacement, ...]) -> None:
        self.last_replaced = replaced
        if replaced:
            self._health.count("replaced_chars", len(replaced))
            log.warning(
                "%s: %d character(s) not printable, printed as □: %s",
                self.role,
                len(replaced),
                " ".join(r.codepoint for r in replaced[:10]),
            )

    def _print(self, data: bytes) -> None:
        try:
            self._submit(lambda: self._print_job(data), self.timeouts.job)
        except FutureTimeout:
            self._health.count("failed")
            raise TicketPrintError(self.role, PrinterFault.OFFLINE, "printer timed out") from None
        except _DriverClosed:
            raise TicketPrintError(self.role, PrinterFault.OFFLINE, "driver closed") from None

    def _submit(self, run: Callable[[], T], timeout: float) -> T:
        if self._closed.is_set():
            raise _DriverClosed()
        job = _Job(run, Future())
        self._jobs.put(job)
        try:
            return job.future.result(timeout=timeout)
        except FutureTimeout:
            job.future.cancel()  # never print late, after the citizen has been told
            raise

    # -- the worker thread -----------------------------------------------------------------

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=self.timeouts.poll)
            except queue.Empty:
                try:
                    self._read_status()
                except Exception:  # the poll must outlive any driver bug
                    log.exception("%s: status poll failed", self.role)
                    self._drop_connection()
                continue
            if job is None:
                break
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                job.future.set_result(job.run())
            except BaseException as exc:
                job.future.set_exception(exc)
        self._drop_connection()

    def _drop_connection(self) -> None:
        if self._transport is not None:
            try:
                self._transport.close()
            finally:
                self._transport = None

    def _ensure_connected(self) -> Transport:
        if self._transport is None:
            self._transport = self._connect(self.timeouts.connect, self.timeouts.write)
        return self._transport

    def _query(self, transport: Transport, n: int) -> int:
        transport.write(escpos.status_query(n))
        reply = transport.read(1, self.timeouts.status)
        if not reply:
            raise TimeoutError(f"no answer to DLE EOT {n} in {self.timeouts.status * 1000:.0f} ms")
        return reply[-1]

    def _query_all(self) -> PrinterStatus:
        transport = self._ensure_connected()
        if not self.reads_status:
            return PrinterStatus(online=True)
        # Late answers to an earlier, timed-out query must not be read as this one's.
        transport.discard_input()
        replies = [self._query(transport, n) for n in (1, 2, 4)]
        return PrinterStatus.from_bytes(*replies)

    def _read_status(self) -> PrinterStatus:
        """One status read: reconnect once on a stale connection, retry once on garbage."""
        status = PrinterStatus.unreachable("not asked")
        for _attempt in (1, 2):
            had_connection = self._transport is not None
            try:
                status = self._query_all()
                break
            except StatusByteError as exc:
                status = PrinterStatus(online=False, error=True, reason=str(exc))
            except TimeoutError as exc:
                self._drop_connection()
                status = PrinterStatus.unreachable(str(exc))
                break  # a silent printer stays silent: do not wait twice
            except OSError as exc:
                self._drop_connection()
                status = PrinterStatus.unreachable(str(exc))
                if not had_connection:
                    break  # a fresh connect failed: the printer is not there
        self._health.count("status_reads")
        self._apply(status)
        return status

    def _apply(self, status: PrinterStatus) -> None:
        previous = self._last_status
        self._last_status = status
        state = status.state
        health_state, event = HEALTH_OF_STATE[state]
        reason = "" if state is PrinterState.OK else state.value
        if status.reason and state is PrinterState.OFFLINE:
            reason = f"offline: {status.reason}"
        elif status.reason:
            reason = f"{state.value}: {status.reason}"
        if previous.state is not state and previous.reason != _NOT_ASKED:
            log.info("%s: %s -> %s", self.role, previous.state.value, state.value)
        # An OK->OK change of reason is no event; RECOVERED only after a problem.
        self._health.set(health_state, reason, event)

    def _print_job(self, data: bytes) -> None:
        before = self._read_status()
        if not before.can_print:
            self._health.count("failed")
            raise TicketPrintError(self.role, _FAULT_OF_STATE[before.state], before.state.value)
        try:
            self._ensure_connected().write(data)  # the whole ticket in one transfer
        except OSError as exc:
            self._drop_connection()
            self._apply(PrinterStatus.unreachable(str(exc)))
            self._health.count("failed")
            raise TicketPrintError(self.role, PrinterFault.OFFLINE, str(exc)) from None
        self._health.count("bytes", len(data))
        after = self._read_status()
        if not after.can_print:
            # The paper ran out or the cover opened while printing: the ticket may be
            # cut short, so the core shows the number on screen as well.
            self._health.count("failed")
            raise TicketPrintError(self.role, _FAULT_OF_STATE[after.state], after.state.value)
        self._health.count("tickets")


# -- registry factories: factory(uri, role) -> Device ---------------------------------------


def _flag(uri: DeviceUri, name: str) -> bool:
    return uri.params.get(name, "0").lower() in ("1", "true", "yes", "on")


def open_tcp(uri: DeviceUri, role: str) -> EscPosTicketPrinter:
    """``escpos+tcp://HOST[:PORT]``: a network printer's raw port (9100 by default)."""
    from devices.ticket_printer.transport import TcpTransport
    from devices.uri import DeviceUriError

    if not uri.host:
        raise DeviceUriError(uri.raw, "expected escpos+tcp://HOST:9100")
    host, port = uri.host, uri.port or 9100
    return EscPosTicketPrinter(
        uri, role, lambda connect_s, write_s: TcpTransport(host, port, connect_s, write_s)
    )


def open_serial(uri: DeviceUri, role: str) -> EscPosTicketPrinter:
    """``escpos+serial:///dev/ttyS0?baud=19200&rtscts=1`` (also ``xonxoff=1``)."""
    from devices.ticket_printer.transport import SerialTransport
    from devices.uri import DeviceUriError

    if not uri.path:
        raise DeviceUriError(uri.raw, "expected escpos+serial:///dev/ttyS0?baud=19200")
    port, baud = uri.path, uri.int_param("baud", 19200)
    rtscts, xonxoff = _flag(uri, "rtscts"), _flag(uri, "xonxoff")
    return EscPosTicketPrinter(
        uri,
        role,
        lambda _connect_s, write_s: SerialTransport(port, baud, rtscts, xonxoff, write_s),
    )
