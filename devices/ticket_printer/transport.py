"""Byte pipes to a printer: raw TCP (port 9100) and serial. Every call is bounded in time."""

from __future__ import annotations

import socket
import time
from typing import Protocol


class TransportError(OSError):
    """The pipe to the printer failed (refused, closed, timed out)."""


class Transport(Protocol):
    """A connected byte pipe. The driver's worker thread is its only user."""

    def write(self, data: bytes) -> None:
        """Send all of ``data`` or raise TransportError within the write timeout."""

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes, waiting at most ``timeout`` seconds; b"" if none came."""

    def discard_input(self) -> None:
        """Drop bytes already received (late answers to an earlier query)."""

    def close(self) -> None:
        """Release the connection; safe to call twice."""


class TcpTransport:
    """A raw TCP connection, as to port 9100 of a network printer."""

    def __init__(self, host: str, port: int, connect_timeout: float, write_timeout: float) -> None:
        try:
            self._sock: socket.socket | None = socket.create_connection(
                (host, port), timeout=connect_timeout
            )
        except OSError as exc:
            raise TransportError(f"cannot connect to {host}:{port}: {exc}") from None
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._write_timeout = write_timeout
        self._where = f"{host}:{port}"

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise TransportError(f"{self._where}: connection closed")
        return self._sock

    def write(self, data: bytes) -> None:
        sock = self._socket()
        sock.settimeout(self._write_timeout)
        try:
            sock.sendall(data)
        except OSError as exc:
            raise TransportError(f"{self._where}: write failed: {exc}") from None

    def read(self, size: int, timeout: float) -> bytes:
        sock = self._socket()
        sock.settimeout(max(timeout, 0.001))
        try:
            data = sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise TransportError(f"{self._where}: read failed: {exc}") from None
        if not data:
            raise TransportError(f"{self._where}: the printer closed the connection")
        return data

    def discard_input(self) -> None:
        sock = self._socket()
        sock.setblocking(False)
        try:
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    raise TransportError(f"{self._where}: the printer closed the connection")
        except BlockingIOError:
            pass
        except OSError as exc:
            if isinstance(exc, TransportError):
                raise
            raise TransportError(f"{self._where}: {exc}") from None
        finally:
            sock.setblocking(True)

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class SerialTransport:
    """A serial line (RS-232 or a USB-serial adapter), with optional RTS/CTS flow control."""

    def __init__(
        self,
        port: str,
        baudrate: int,
        rtscts: bool,
        xonxoff: bool,
        write_timeout: float,
    ) -> None:
        import serial  # pyserial

        try:
            self._port: serial.Serial | None = serial.Serial(
                port,
                baudrate=baudrate,
                rtscts=rtscts,
                xonxoff=xonxoff,
                timeout=0.5,
                write_timeout=write_timeout,
            )
        except (serial.SerialException, ValueError) as exc:
            raise TransportError(f"cannot open {port}: {exc}") from None
        self._name = port
        self._serial_error = serial.SerialException
        self._byte_s = 10 / baudrate  # start + 8 data + stop bits
        self._line_busy_until = 0.0  # when the bytes written so far have left the line

    def write(self, data: bytes) -> None:
        port = self._port
        if port is None:
            raise TransportError(f"{self._name}: port closed")
        try:
            written = port.write(data)
        except self._serial_error as exc:  # includes SerialTimeoutException
            raise TransportError(f"{self._name}: write failed: {exc}") from None
        if written is not None and written != len(data):
            raise TransportError(f"{self._name}: wrote {written} of {len(data)} bytes")
        # write() returns once the bytes are in the kernel's buffer, not on the wire: at
        # 9600 baud a ticket still takes ~0.6 s to cross it, and the printer answers a
        # status query only after that. Remember when the line will be free.
        now = time.monotonic()
        self._line_busy_until = max(self._line_busy_until, now) + len(data) * self._byte_s

    def read(self, size: int, timeout: float) -> bytes:
        port = self._port
        if port is None:
            raise TransportError(f"{self._name}: port closed")
        # A reply cannot come before what we sent has crossed the line.
        on_the_wire = max(0.0, self._line_busy_until - time.monotonic())
        port.timeout = max(timeout + on_the_wire, 0.001)
        try:
            data = bytes(port.read(size))
        except self._serial_error as exc:
            raise TransportError(f"{self._name}: read failed: {exc}") from None
        return data

    def discard_input(self) -> None:
        port = self._port
        if port is None:
            raise TransportError(f"{self._name}: port closed")
        try:
            port.reset_input_buffer()
        except (self._serial_error, OSError) as exc:
            raise TransportError(f"{self._name}: {exc}") from None

    def close(self) -> None:
        if self._port is not None:
            try:
                self._port.close()
            finally:
                self._port = None
