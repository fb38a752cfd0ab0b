"""Parsers of outside input answer with a named error, never anything else."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.ticket_printer.status import PrinterStatus, StatusByteError
from kiosk.tickets import qr
from kiosk.tickets.central import CentralNumber, CentralUnavailable, _parse

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)
replies = st.fixed_dictionaries(
    {},
    optional={
        "number": st.one_of(st.text(max_size=8), st.from_regex(r"A\d{1,7}", fullmatch=True)),
        "sequence": json_values,
        "people_ahead": json_values,
        "day": st.sampled_from(["2026-11-27", "2026-11-28", ""]),
    },
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(json_values, replies))
def test_any_centre_answer_is_a_number_or_central_unavailable(reply: object) -> None:
    try:
        got = _parse(reply, "A", date(2026, 11, 27))
    except CentralUnavailable as exc:
        assert exc.reason
    else:
        assert isinstance(got, CentralNumber) and got.number.startswith("A")
        assert got.sequence >= 1 and got.people_ahead >= 0


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
def test_any_status_bytes_decode_or_are_refused_by_name(a: int, b: int, c: int) -> None:
    try:
        status = PrinterStatus.from_bytes(a, b, c)
    except StatusByteError as exc:
        assert exc.query in (1, 2, 4)
    else:
        assert status.state.value in {
            "ok",
            "paper_low",
            "paper_out",
            "cover_open",
            "offline",
            "error",
        }


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(), st.text().map(lambda t: "HKT1|" + t), st.text().map(lambda t: "http://[" + t)
    )
)
def test_any_scanned_text_parses_or_is_refused_by_name(payload: str) -> None:
    try:
        fields = qr.parse_payload(payload)
    except qr.QrPayloadError as exc:
        assert exc.problem
    else:
        assert all(isinstance(f, str) for f in vars(fields).values())
