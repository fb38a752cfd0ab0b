"""The terminal's one HTTP client for the centre: pinned CA, client certificate, answers
sorted into kinds. The outbox's sync worker and the ticket allocator both use it.

Only ``https://`` (plain ``http://`` to a centre on this machine only, for development);
redirects are never followed (a redirect would resend the body and the client
certificate to wherever it points); proxies and CA bundles from the environment are
ignored (``trust_env = False``).

Every answer becomes one of three outcomes the sync worker acts on:
a parsed reply, ``Transient`` (try later: network, 408/409/429, 5xx, garbage) or
``Refused`` (the centre judged the request itself invalid: 4xx; never retried).
"""

from __future__ import annotations

import email.utils
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import pydantic_core
import requests
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter

from offline_cache.wire import (
    API_PREFIX,
    IDEMPOTENCY_HEADER,
    AssistIn,
    AssistOut,
    BatchIn,
    BatchOut,
    HeartbeatIn,
    HeartbeatOut,
    SubmissionIn,
    SubmissionResult,
    TicketOut,
    TicketRequest,
    is_loopback_host,
)

RETRYABLE_4XX = frozenset({408, 409, 429})


class CentralError(Exception):
    """Base of the client's outcomes other than success."""


class Transient(CentralError):
    """Worth retrying later; ``retry_after`` is the centre's own wish, if it said one;
    ``status`` the HTTP status when the centre answered (None: network, garbage)."""

    def __init__(
        self, reason: str, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.status = status


class Refused(CentralError):
    """The centre refused this request as invalid; resending it cannot help."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"HTTP {status}: {reason}")
        self.status = status
        self.reason = reason


class CentralUrlError(ValueError):
    """A centre URL this client will not use; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_central_url(url: str) -> str:
    """``https://HOST[:PORT][/PREFIX]``, or ``http://`` to a loopback host only."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise CentralUrlError(f"not a URL: {url!r}") from None
    if parts.scheme not in ("https", "http") or not host:
        raise CentralUrlError("the centre's URL starts with https://")
    if parts.query or parts.fragment or parts.username:
        raise CentralUrlError("the centre's URL has no query, fragment or user name")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise CentralUrlError(
            "plain http:// only to a centre on this machine (127.0.0.1, ::1, localhost): "
            "use https:// with the centre's CA and this terminal's certificate"
        )
    return url


@dataclass(frozen=True)
class CentralSettings:
    url: str
    ca_file: str = ""
    client_cert: str = ""
    client_key: str = ""
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 60.0


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def retry_after_of(resp: requests.Response) -> float | None:
    """When the centre wants to be asked again: its body's ``retry_after_s`` (this
    project's centre, to the millisecond) or else the ``Retry-After`` header."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        value = body.get("retry_after_s")
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 3600:
            return float(value)
    return parse_retry_after(resp.headers.get("Retry-After"))


def _detail(resp: requests.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:200].strip() or resp.reason or ""
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, list):
        # A validation error list echoes the offending input (a citizen's name, say):
        # keep where and what, never the value, since reasons are stored and shown.
        parts = []
        for err in detail[:5]:
            if isinstance(err, dict):
                loc = ".".join(str(p) for p in err.get("loc", ()))
                parts.append(f"{loc}: {err.get('msg', '')}")
        return "; ".join(parts)[:300] or "invalid request"
    return str(detail)[:300]


class PinnedContextAdapter(HTTPAdapter):
    """Every connection of the session uses one ``SSLContext``, built once with the pinned
    CA and the client certificate. Given file paths, requests builds a fresh context and
    reads the CA, certificate and key again on every new connection (4 ms of CPU), and
    after an outage every terminal's connections are new at once."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        super().__init__()

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host, pool = super().build_connection_pool_key_attributes(request, verify, cert)
        for path_key in ("ca_certs", "ca_cert_dir", "cert_file", "key_file"):
            pool.pop(path_key, None)
        pool["ssl_context"] = self.context
        return host, pool


def pinned_context(settings: CentralSettings) -> ssl.SSLContext | None:
    """The TLS context for the centre, or None when there is no pinned CA or the files
    cannot be read now (then requests reads them per connection, and a missing file is a
    ``Transient`` "TLS files unusable" at the request, not a crash here)."""
    if not settings.ca_file:
        return None
    try:
        context = ssl.create_default_context(cafile=settings.ca_file)
        if settings.client_cert:
            context.load_cert_chain(settings.client_cert, settings.client_key or None)
    except (OSError, ssl.SSLError, ValueError):
        return None
    return context


def make_session(settings: CentralSettings) -> requests.Session:
    """The one way this terminal builds a session for the centre."""
    check_central_url(settings.url)
    s = requests.Session()
    # The environment may set REQUESTS_CA_BUNDLE / proxies; a pinned CA must win.
    s.trust_env = False
    if settings.ca_file:
        s.verify = settings.ca_file
    if settings.client_cert:
        s.cert = (settings.client_cert, settings.client_key or settings.client_cert)
    context = pinned_context(settings)
    if context is not None:
        s.mount("https://", PinnedContextAdapter(context))
    s.max_redirects = 0
    return s


class CentralClient:
    """One ``requests.Session`` per client, and one client per thread that talks to the
    centre (the sync worker's, the ticket allocator's): sessions are not shared."""

    def __init__(self, settings: CentralSettings) -> None:
        self.settings = settings
        self.base = settings.url.rstrip("/") + API_PREFIX
        self.session = make_session(settings)

    def close(self) -> None:
        self.session.close()

    def _post(
        self,
        path: str,
        body: BaseModel | None,
        model: type[BaseModel],
        headers: dict[str, str],
        timeout: tuple[float, float] | None = None,
        method: str = "POST",
    ) -> Any:
        try:
            resp = self.session.request(
                method,
                self.base + path,
                # Bytes straight from pydantic's serialiser: given a str (which a
                # citizen's name makes non-ASCII), requests and urllib3 each encode the
                # whole body again, 10 ms for a batch of five photos.
                data=pydantic_core.to_json(body) if body is not None else None,
                headers={"Content-Type": "application/json", **headers},
                timeout=timeout or (self.settings.connect_timeout_s, self.settings.read_timeout_s),
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            raise Transient(f"TLS failed: {_short(exc)}") from None
        except requests.exceptions.Timeout:
            raise Transient("centre did not answer in time") from None
        except requests.exceptions.ConnectionError as exc:
            raise Transient(f"cannot reach the centre: {_short(exc)}") from None
        except requests.exceptions.RequestException as exc:
            raise Transient(f"request failed: {_short(exc)}") from None
        except OSError as exc:
            # requests checks the CA and certificate paths itself, with a bare OSError
            # (a file removed or unreadable): the sync worker retries, it does not die.
            raise Transient(f"TLS files unusable: {_short(exc)}") from None
        with resp:
            status = resp.status_code
            if status in RETRYABLE_4XX or status >= 500:
                raise Transient(
                    f"centre answered HTTP {status}: {_detail(resp)}",
                    retry_after_of(resp),
                    status,
                )
            if 400 <= status < 500:
                raise Refused(status, _detail(resp))
            if 300 <= status < 400:
                raise Transient(
                    f"centre answered a redirect (HTTP {status}), not followed: check the "
                    "centre's URL",
                    status=status,
                )
            if not 200 <= status < 300:
                raise Transient(f"unexpected HTTP {status}")
            try:
                return model.model_validate_json(resp.content)
            except ValidationError:
                raise Transient(
                    f"garbage reply (HTTP {status}, {len(resp.content)} bytes)"
                ) from None

    def send_batch(self, batch: BatchIn) -> BatchOut:
        result: BatchOut = self._post("/submissions/batch", batch, BatchOut, {})
        sent = {i.idempotency_key for i in batch.items}
        got = {r.idempotency_key for r in result.results}
        if got != sent:
            # An answer about other keys than we sent is garbage, not an acknowledgement.
            raise Transient("garbage reply: results do not match the batch")
        return result

    def send_one(self, key: str, item: SubmissionIn) -> SubmissionResult:
        result: SubmissionResult = self._post(
            "/submissions", item, SubmissionResult, {IDEMPOTENCY_HEADER: key}
        )
        if result.idempotency_key != key:
            raise Transient("garbage reply: result for another key")
        return result

    def heartbeat(self, terminal_id: str, beat: HeartbeatIn) -> HeartbeatOut:
        out: HeartbeatOut = self._post(
            f"/terminals/{terminal_id}/heartbeat", beat, HeartbeatOut, {}
        )
        return out

    def allocate_ticket(
        self, hall_id: str, req: TicketRequest, timeout: tuple[float, float] | None = None
    ) -> TicketOut:
        """The hall's next queue number (one attempt: ``kiosk.tickets.central``)."""
        out: TicketOut = self._post(
            f"/halls/{quote(hall_id, safe='')}/tickets", req, TicketOut, {}, timeout
        )
        return out

    def call_staff(self, hall_id: str, call: AssistIn) -> AssistOut:
        """A citizen's "call staff" (central/assist.py); the call as the centre holds it."""
        out: AssistOut = self._post(f"/halls/{quote(hall_id, safe='')}/assist", call, AssistOut, {})
        return out

    def staff_call(self, hall_id: str, call_id: int) -> AssistOut:
        """The call as it stands now (``coming`` once staff answered)."""
        out: AssistOut = self._post(
            f"/halls/{quote(hall_id, safe='')}/assist/{call_id}", None, AssistOut, {},
            method="GET",
        )  # fmt: skip
        return out


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "..."
