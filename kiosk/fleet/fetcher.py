"""python-tuf's network seam, over the terminal's one mTLS session to the centre.

ngclient's own fetcher has no client certificate option; this one uses the session the
terminal already has (pinned CA, client certificate, no environment proxies, no
redirects) and counts the bytes it receives, so an idle poll's cost can be measured.
"""

from __future__ import annotations

from collections.abc import Iterator

import requests
from tuf.api import exceptions
from tuf.ngclient.fetcher import FetcherInterface

CHUNK = 64 * 1024
ERROR_BODY_MAX = 16 * 1024


class SessionFetcher(FetcherInterface):
    def __init__(self, session: requests.Session, timeout_s: float = 30.0) -> None:
        self.session = session
        self.timeout_s = timeout_s
        self.bytes_received = 0
        self.requests = 0

    def _fetch(self, url: str) -> Iterator[bytes]:
        self.requests += 1
        try:
            response = self.session.get(
                url, stream=True, timeout=self.timeout_s, allow_redirects=False
            )
        except requests.exceptions.Timeout as exc:
            raise exceptions.SlowRetrievalError(f"{url}: timed out") from exc
        except requests.exceptions.RequestException as exc:
            raise exceptions.DownloadError(f"cannot reach the centre: {_short(exc)}") from exc
        if response.status_code != 200:
            status = response.status_code
            # Read the (small) error body so the connection goes back to the pool: every
            # poll ends with a 404 for the next root version, and a new TLS handshake
            # each time would cost ten times the poll itself.
            with response:
                _drain(response, ERROR_BODY_MAX)
            raise exceptions.DownloadHTTPError(f"{url}: HTTP {status}", status)
        return self._chunks(response)

    def _chunks(self, response: requests.Response) -> Iterator[bytes]:
        try:
            for chunk in response.iter_content(CHUNK):
                self.bytes_received += len(chunk)
                yield chunk
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise exceptions.SlowRetrievalError(f"{response.url}: {_short(exc)}") from exc
        finally:
            response.close()


def _drain(response: requests.Response, limit: int) -> None:
    got = 0
    try:
        for chunk in response.iter_content(4096):
            got += len(chunk)
            if got > limit:
                return  # a huge error body: give up the connection instead
    except requests.exceptions.RequestException:
        return


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "..."
