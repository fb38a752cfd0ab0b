"""The terminal's centre URL: https, or plain http to this machine only; never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_cache.client import CentralUrlError, check_central_url


@pytest.mark.parametrize(
    "url",
    ["https://c.example:8443", "https://10.0.0.5/prefix", "http://127.0.0.1:8443", "http://[::1]:80",
     "http://localhost:9"],
)  # fmt: skip
def test_accepted(url: str) -> None:
    assert check_central_url(url) == url


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://10.0.0.5:8443", "plain http://"),
        ("http://127.0.0.1.example.com", "plain http://"),
        ("ftp://c.example", "https://"),
        ("https://c.example?x=1", "no query"),
        ("https://user@c.example", "no query"),
        ("https://c.example:99999", "not a URL"),
    ],
)
def test_refused_with_a_reason(url: str, says: str) -> None:
    with pytest.raises(CentralUrlError) as caught:
        check_central_url(url)
    assert says in caught.value.reason


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | st.builds(lambda s: "http://" + s, st.text(max_size=40)))
def test_any_string_is_accepted_or_refused_never_a_crash(text: str) -> None:
    try:
        check_central_url(text)
    except CentralUrlError as exc:
        assert exc.reason
