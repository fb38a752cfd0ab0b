"""The citizen session keeps personal data out of reprs and wipes it at the end."""

from __future__ import annotations

import logging

import pytest

from devices.idcard.sim import sample_card
from kiosk.session import EndReason, Session


def test_end_wipes_nested_values_and_runs_hooks() -> None:
    session = Session()
    card = sample_card()
    session.put("card", card)
    session.put("form", {"phone": "13800000000", "scan": bytearray(b"abc")})
    wiped: list[str] = []
    session.on_end(lambda s: wiped.append(s.id))
    session.end(EndReason.FINISHED)
    assert wiped == [session.id]
    assert session.keys() == []
    assert card.name is None and card.photo == b""
    with pytest.raises(RuntimeError):
        session.put("late", 1)


def test_personal_data_never_reaches_repr_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    card = sample_card()
    session = Session()
    session.put("card", card)
    logging.getLogger("test").info("session %r card %r", session, card)
    session.end(EndReason.CANCELLED)
    text = caplog.text
    assert "张小明" not in text and "420103199003070017" not in text
    assert "personal data hidden" in text
