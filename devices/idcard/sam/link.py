"""One command/response exchange with a SAM module over pyserial, with a hard deadline.

Nothing here waits without a bound: every read is cut by the command's timeout, which
allows for the SAM's own processing plus the response's time on the wire at the baud
rate in use (a 1295-byte read response takes ~112 ms at 115200 baud, 1.35 s at 9600).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass

import serial

from devices.idcard.sam.errors import SamError
from devices.idcard.sam.frame import FrameDecoder, Response, encode_command
from devices.idcard.sam.status import SUCCESS, status_error

log = logging.getLogger(__name__)

BAUD_RATES = (9600, 19200, 38400, 57600, 115200, 230400)


@dataclass(frozen=True)
class Command:
    """A SAM command: its bytes, the SAM's worst usual processing time, and the
    longest response it can bring (to size the wire time)."""

    name: str
    cmd: int
    para: int
    processing_s: float
    max_response: int


RESET = Command("reset SAM", 0x10, 0xFF, 1.0, 16)
STATUS = Command("SAM status", 0x11, 0xFF, 0.2, 16)
SAM_ID = Command("read SAM id", 0x12, 0xFF, 0.2, 32)
FIND = Command("find card", 0x20, 0x01, 0.3, 16)
SELECT = Command("select card", 0x20, 0x02, 0.3, 24)
READ = Command("read card", 0x30, 0x01, 2.0, 1295)
READ_WITH_FINGERPRINT = Command("read card with fingerprint", 0x30, 0x10, 2.5, 2321)
READ_APPENDED_ADDRESS = Command("read appended address", 0x30, 0x03, 1.0, 90)


class SamTimeoutError(SamError):
    """The reader did not answer a command in time."""

    def __init__(self, command: str, timeout_s: float, got: int, device: str = "id_card") -> None:
        part = f", {got} bytes of a frame arrived" if got else ""
        super().__init__(
            f"the reader did not answer {command} within {timeout_s * 1000:.0f} ms{part}", device
        )
        self.command = command
        self.timeout_s = timeout_s
        self.got = got


class SamPortError(SamError):
    """The serial port cannot be opened, or was lost."""


def wire_time_s(n_bytes: int, baud: int) -> float:
    """Seconds ``n_bytes`` take on an 8N1 line (10 bits a byte)."""
    return n_bytes * 10 / baud


class SamLink:
    """The serial port and the exchange of frames. Thread-safe: one exchange at a time."""

    def __init__(self, port: str, baud: int = 115200, device: str = "id_card") -> None:
        self.port = port
        self.baud = baud
        self.device = device
        self._serial: serial.Serial | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._serial is not None

    def open(self) -> None:
        if self._serial is not None:
            return
        try:
            self._serial = serial.Serial(
                self.port, self.baud, timeout=0.1, write_timeout=1.0, exclusive=True
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise SamPortError(f"cannot open {self.port}: {_why(exc)}", self.device) from None

    def close(self) -> None:
        with self._lock:
            ser, self._serial = self._serial, None
        if ser is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                ser.close()

    def timeout_for(self, command: Command) -> float:
        """Processing allowance plus twice the wire time both ways, plus slack."""
        wire = wire_time_s(command.max_response + 16, self.baud)
        return command.processing_s + 2 * wire + 0.05

    def exchange(
        self, command: Command, data: bytes = b"", timeout_s: float | None = None
    ) -> Response:
        """Send ``command`` and return the SAM's response; raise a named error otherwise.

        A failure status raises the SamStatusError subclass named for it.
        """
        budget = self.timeout_for(command) if timeout_s is None else timeout_s
        frame = encode_command(command.cmd, command.para, data)
        with self._lock:
            ser = self._serial
            if ser is None:
                raise SamPortError(f"{self.port} is not open", self.device)
            started = time.monotonic()
            deadline = started + budget
            decoder = FrameDecoder()
            got = 0
            try:
                ser.reset_input_buffer()  # drop a late answer to an earlier, timed-out command
                ser.write(frame)
                ser.flush()
                while True:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise SamTimeoutError(command.name, budget, got, self.device)
                    ser.timeout = remaining
                    chunk = ser.read(decoder.wanted())
                    got += len(chunk)
                    bodies = decoder.feed(chunk) if chunk else []
                    if bodies:
                        break
            except serial.SerialTimeoutException:
                raise SamTimeoutError(command.name, budget, got, self.device) from None
            except (serial.SerialException, OSError) as exc:
                raise SamPortError(f"{self.port} lost: {_why(exc)}", self.device) from None
        response = Response.from_body(bodies[0])
        log.debug(
            "%s: %s -> SW3 0x%02X, %d bytes in %.0f ms",
            self.device,
            command.name,
            response.sw3,
            len(response.data),
            (time.monotonic() - started) * 1000,
        )
        if response.sw3 not in SUCCESS:
            raise status_error(command.name, response.sw3, self.device)
        return response


def _why(exc: BaseException) -> str:
    """The short reason (pyserial wraps the errno in a long message)."""
    if isinstance(exc, OSError) and isinstance(exc.errno, int):
        return os.strerror(exc.errno)
    return str(exc) or type(exc).__name__
