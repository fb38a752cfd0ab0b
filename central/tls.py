"""The centre's HTTP protocol for uvicorn: h11, plus what uvicorn does not do.

1. **The client certificate reaches the app.** Uvicorn builds the ASGI scope without the
   TLS extension, so the app could never see who is on the other end. On each new
   connection this protocol reads the verified peer certificate
   (``ssl_object.getpeercert(binary_form=True)``) once and puts it into every request's
   scope as the ASGI TLS extension: ``scope["extensions"]["tls"]`` with
   ``client_cert_chain`` (PEM, leaf first), ``client_cert_name``, ``client_cert_error``,
   ``tls_version`` and ``cipher_suite``.
2. **Half-sent requests are closed.** Uvicorn's keep-alive timeout only covers the idle
   time between requests. Here, from the moment a connection opens or a request starts,
   the headers must arrive within ``request_timeout_s``, and then the body within
   ``request_timeout_s`` plus its length at 32 KB/s, or the connection is closed: a client
   that trickles bytes cannot hold a connection, a large batch on a slow line can pass.

Selected with ``uvicorn.Config(http="central.tls:CentreH11Protocol")``; the settings come
from the app's lifespan state (``centre_protocol``), so worker processes need nothing else.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

DEFAULT_REQUEST_TIMEOUT_S = 30.0
MIN_BODY_RATE = 32 * 1024  # bytes/s a request body must at least arrive at
PROTOCOL_STATE_KEY = "centre_protocol"

_TLS_VERSIONS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}


def tls_extension(transport: asyncio.BaseTransport) -> dict[str, Any] | None:
    """The ASGI TLS extension for a connection (None if it is not TLS)."""
    ssl_object: ssl.SSLObject | None = transport.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(binary_form=True)
    chain: list[str] = []
    name: str | None = None
    if der:
        chain = [ssl.DER_cert_to_PEM_cert(der)]
        subject = (ssl_object.getpeercert() or {}).get("subject", ())
        name = ",".join(f"{k}={v}" for rdn in reversed(subject) for k, v in rdn) or None
    return {
        "server_cert": None,
        "client_cert_chain": chain,
        "client_cert_name": name,
        # The handshake fails on a certificate that does not verify, so a connection
        # that exists has either a verified certificate or none.
        "client_cert_error": None,
        "tls_version": _TLS_VERSIONS.get(ssl_object.version() or ""),
        "cipher_suite": None,
    }


class _WithTls:
    """Wraps the app for one connection: adds the connection's TLS extension."""

    def __init__(self, app: Any, tls: dict[str, Any]) -> None:
        self.app = app
        self.tls = tls

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope["extensions"] = {**(scope.get("extensions") or {}), "tls": self.tls}
        await self.app(scope, receive, send)


class CentreH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the TLS extension and a whole-request deadline."""

    _request_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        state = self.app_state.get(PROTOCOL_STATE_KEY) or {}
        self._request_timeout_s = float(state.get("request_timeout_s", DEFAULT_REQUEST_TIMEOUT_S))
        tls = tls_extension(transport)
        if tls is not None:
            self.app = _WithTls(self.app, tls)
        self._arm_request_timer()

    def data_received(self, data: bytes) -> None:
        before = self.conn.their_state
        if self._request_timer is None and before is h11.IDLE:
            self._arm_request_timer()
        super().data_received(data)
        after = self.conn.their_state
        if after is not h11.IDLE and after is not h11.SEND_BODY:
            self._cancel_request_timer()  # the request is in (DONE) or the peer is gone
        elif after is h11.SEND_BODY and before is h11.IDLE:
            # Headers in: the body gets its own time, by its size, at a floor rate that
            # any real terminal link beats (a big batch on a slow line is not a slowloris).
            self._arm_request_timer(self._request_timeout_s + self._body_length() / MIN_BODY_RATE)

    def _body_length(self) -> int:
        for name, value in self.headers or ():
            if name == b"content-length" and value.isdigit():
                return int(value)
        return 0

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_request_timer()
        super().connection_lost(exc)

    def _arm_request_timer(self, seconds: float | None = None) -> None:
        self._cancel_request_timer()
        self._request_timer = self.loop.call_later(
            seconds or self._request_timeout_s, self._too_slow
        )

    def _cancel_request_timer(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _too_slow(self) -> None:
        self._request_timer = None
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE or self.conn.their_state is h11.SEND_BODY:
            peer = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
            log.info(
                "closed the connection of %s: no whole request within %.0f s",
                peer,
                self._request_timeout_s,
            )
            self.transport.close()
