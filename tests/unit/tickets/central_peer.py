"""A tiny stand-in for the hall centre's ticket API, on 127.0.0.1 (http.server)."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATH = re.compile(r"^/v1/halls/([^/]+)/tickets$")


class FakeCentre:
    """``mode``: ok, error (HTTP 503), slow (answers after 3 s), garbage, repeat."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.counters: dict[tuple[str, str, str], int] = {}
        centre = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                match = PATH.match(self.path)
                centre.requests.append((self.path, body))
                if centre.mode == "slow":
                    time.sleep(3)
                if centre.mode == "error" or match is None:
                    self._send(503, {"error": "unavailable"})
                    return
                if centre.mode == "garbage":
                    self._send(200, {"nummer": 1})
                    return
                key = (match.group(1), body["day"], body["prefix"])
                if centre.mode != "repeat":
                    centre.counters[key] = centre.counters.get(key, 0) + 1
                seq = max(centre.counters.get(key, 0), 1)
                self._send(
                    200,
                    {
                        "number": f"{body['prefix']}{seq:03d}",
                        "sequence": seq,
                        "people_ahead": seq - 1 + 10,  # the hall's queue, not only ours
                        "day": body["day"],
                    },
                )

            def _send(self, status: int, data: dict[str, Any]) -> None:
                raw = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeCentre:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
