"""Printer emulators that play a real ESC/POS ticket printer for the tests.

``EmulatedPrinter`` holds the printer's state (paper, cover, silence) and answers
DLE EOT 1/2/4 with real status bytes; ``TcpPrinter`` serves it on 127.0.0.1 (a
network printer's port 9100) and ``PtyPrinter`` on the master side of a pty pair
(a serial printer).
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import socket
import threading
import time
import tty
from dataclasses import dataclass, field

from escpos_paper import EscPosReader, Paper


@dataclass
class EmulatedPrinter:
    paper_near_end: bool = False
    paper_end: bool = False
    cover_open: bool = False
    error: bool = False
    silent: bool = False  # receives but never answers a status query
    received: bytearray = field(default_factory=bytearray)
    chunks: list[int] = field(default_factory=list)
    reader: EscPosReader = field(default_factory=EscPosReader)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, data: bytes) -> bytes:
        """Take bytes from the host; return the bytes the printer sends back."""
        with self.lock:
            self.received += data
            self.chunks.append(len(data))
            queries = self.reader.feed(data)
            if self.silent:
                return b""
            return bytes(self.status_byte(q.n) for q in queries)

    def status_byte(self, n: int) -> int:
        byte = 0x12  # fixed bits
        if n == 1 and (self.cover_open or self.paper_end or self.error):
            byte |= 0x08  # offline
        if n == 2:
            byte |= (0x04 if self.cover_open else 0) | (0x20 if self.paper_end else 0)
            byte |= 0x40 if self.error else 0
        if n == 4:
            byte |= 0x0C if self.paper_near_end or self.paper_end else 0
            byte |= 0x60 if self.paper_end else 0
        return byte

    @property
    def paper(self) -> Paper:
        with self.lock:
            return self.reader.paper

    def printed_bytes(self) -> int:
        """Bytes received that were not status queries."""
        with self.lock:
            return len(self.received) - 3 * len(self.reader.paper.status_queries)


class TcpPrinter:
    """A network printer on 127.0.0.1:<free port>. ``stop()`` unplugs it, ``start()`` again."""

    def __init__(self, printer: EmulatedPrinter | None = None) -> None:
        self.printer = printer or EmulatedPrinter()
        self.port = 0
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self.connections = 0

    @property
    def uri(self) -> str:
        return f"escpos+tcp://127.0.0.1:{self.port}"

    def start(self) -> TcpPrinter:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(4)
        self.port = listener.getsockname()[1]
        self._listener = listener
        thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            self.connections += 1
            self._conns.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                reply = self.printer.receive(data)
                if reply:
                    with contextlib.suppress(OSError):
                        conn.sendall(reply)

    def stop(self) -> None:
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone does not.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self._conns.clear()
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads.clear()

    def __enter__(self) -> TcpPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class PtyPrinter:
    """A serial printer on the master side of a pty; the driver opens ``path``.

    A pty moves bytes as fast as memory; a UART moves 10 bits per byte at the line's baud
    rate. So the printer takes in (and answers) bytes no faster than the wire would carry
    them, at the baud rate of the URI it hands out: a 530-byte ticket at 115200 baud
    arrives whole after about 46 ms, as on a real line, and a writer that gets ahead
    waits on the pty's small buffer as it would on a UART's.
    """

    CHUNK = 64  # bytes taken per read: the rest waits in the pty, back-pressuring the writer

    def __init__(self, printer: EmulatedPrinter | None = None, baud: int = 19200) -> None:
        self.printer = printer or EmulatedPrinter()
        self.baud = baud
        self.master, self._slave = pty.openpty()
        tty.setraw(self._slave)  # no echo, no CR/LF mangling before pyserial opens it
        self.path = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._line_free_at = 0.0  # when the wire has carried everything so far

    def uri(self, **params: str) -> str:
        """The driver's URI; a ``baud`` given here is also the line speed emulated."""
        params = {"baud": str(self.baud), **params}
        self.baud = int(params["baud"])
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"escpos+serial://{self.path}?{query}"

    def _wire(self, nbytes: int) -> None:
        """Wait until ``nbytes`` more would have crossed the line (10 bits a byte)."""
        now = time.monotonic()
        self._line_free_at = max(self._line_free_at, now) + nbytes * 10 / self.baud
        delay = self._line_free_at - now
        if delay > 0:
            time.sleep(delay)

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, self.CHUNK)
            except OSError:
                return
            self._wire(len(data))
            reply = self.printer.receive(data)
            if reply:
                self._wire(len(reply))
                os.write(self.master, reply)

    def __enter__(self) -> PtyPrinter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        os.close(self.master)
        os.close(self._slave)


def _serve_forever() -> None:
    """Run the emulator by hand: prints what would be on the paper as it arrives.

    .venv/bin/python tests/devices/ticket_printer/escpos_peer.py [--port 9100] [--paper-end]
    """
    import argparse
    import time

    parser = argparse.ArgumentParser(description=_serve_forever.__doc__)
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--paper-end", action="store_true")
    parser.add_argument("--cover-open", action="store_true")
    parser.add_argument("--silent", action="store_true")
    args = parser.parse_args()
    printer = EmulatedPrinter(
        paper_end=args.paper_end, cover_open=args.cover_open, silent=args.silent
    )
    server = TcpPrinter(printer)
    server.port = args.port
    server.start()
    print(f"ESC/POS printer on {server.uri}  (Ctrl-C to stop)", flush=True)
    shown = 0
    try:
        while True:
            time.sleep(0.2)
            items = [i for i in printer.paper.items if type(i).__name__ != "StatusQuery"]
            for item in items[shown:]:
                if type(item).__name__ == "Line":
                    size = f"{item.width}x{item.height}"  # type: ignore[union-attr]
                    print(f"  [{size}{' B' if item.bold else ''}] {item.text}", flush=True)  # type: ignore[union-attr]
                else:
                    print(f"  {item}", flush=True)
            shown = len(items)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    _serve_forever()
