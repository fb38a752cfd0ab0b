"""The ticket's verification code: never keyed by something printed on the ticket, and a
checker that answers True or False for whatever a scanner reads."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.ticket_printer.sim import SimTicketPrinter
from devices.uri import DeviceUri
from kiosk.cli import main
from kiosk.config import ConfigError, KioskConfig
from kiosk.config.loader import Layer, default_layer, load_layers
from kiosk.tickets import qr
from kiosk.tickets.service import TicketService, build_allocator

NOW = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)
SECRET = os.urandom(32).hex()
MakeConfig = Callable[..., KioskConfig]


def _ticket(config: KioskConfig) -> str:
    printer = SimTicketPrinter(DeviceUri.parse("sim://?delay_ms=0"))
    return TicketService(config, printer, build_allocator(config)).issue("HUJI", NOW).qr_payload


def test_without_a_secret_no_code_is_printed_and_a_forged_one_fails(
    make_config: MakeConfig,
) -> None:
    """Audit S8: the key fell back to the hall id, which the QR itself carries."""
    payload = _ticket(make_config())
    fields = qr.parse_payload(payload)
    assert fields.code == ""
    forged_code = qr.verification_code(fields.hall_id, fields.hall_id, fields.number,
                                       fields.issued_at)  # fmt: skip
    forged = "|".join((qr.PREFIX, fields.hall_id, fields.number, fields.issued_at, forged_code))
    for key in ("", fields.hall_id):
        assert not qr.verify(forged, key)
        assert not qr.verify(payload, key)


def test_a_hall_secret_makes_codes_only_it_verifies(make_config: MakeConfig) -> None:
    payload = _ticket(make_config(f'verification_secret = "{SECRET}"\n'))
    assert qr.verify(payload, SECRET)
    assert not qr.verify(payload, os.urandom(32).hex())
    assert not qr.verify(payload, "")
    fields = qr.parse_payload(payload)
    tampered = payload.replace(f"|{fields.number}|", "|A999|")
    assert not qr.verify(tampered, SECRET)


@pytest.mark.parametrize("secret", ["s3", "x" * 31, " " + "y" * 40])
def test_a_weak_secret_is_a_config_error_naming_line_and_key(secret: str) -> None:
    text = f'[ticket]\noffline_tag = "K"\nverification_secret = "{secret}"\n'
    with pytest.raises(ConfigError) as caught:
        load_layers([default_layer(), Layer("hall.toml", text, tomllib.loads(text))])
    assert str(caught.value).startswith("hall.toml:3: ticket.verification_secret:")
    assert "openssl rand -hex 32" in str(caught.value)


def test_doctor_reports_an_empty_secret_as_a_fault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[terminal]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    assert main(["doctor", "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert "error: ticket.verification_secret empty" in out
    assert "openssl rand -hex 32" in out
    config.write_text(
        f'[terminal]\ndata_dir = "{tmp_path}"\n[ticket]\nverification_secret = "{SECRET}"\n',
        encoding="utf-8",
    )
    assert main(["doctor", "--config", str(config)]) == 0
    assert "verification_secret" not in capsys.readouterr().out


def test_non_ascii_code_is_false_not_a_type_error() -> None:
    """Audit S24: compare_digest raised TypeError on this."""
    assert qr.verify("HKT1|h|A1|t|ÄÄÄÄÄÄ", SECRET) is False
    assert qr.verify("https://q.example/t?h=h&n=A1&t=t&v=%C3%84%C3%84", SECRET) is False


_field = st.text(max_size=30)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.builds(lambda *f: "|".join((qr.PREFIX, *f)), _field, _field, _field, _field),
        st.builds(
            lambda h, n, t, v: "https://q.example/t?" + f"h={h}&n={n}&t={t}&v={v}",
            _field, _field, _field, _field,
        ),
        st.binary().map(lambda b: b.decode("latin-1")),
    ),
    st.sampled_from(["", SECRET]),
)  # fmt: skip
def test_verify_answers_a_bool_for_anything_and_never_raises(payload: str, secret: str) -> None:
    assert qr.verify(payload, secret) in (True, False)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=8))
def test_only_the_genuine_code_verifies(hall: str, number: str) -> None:
    good, payload = qr.build(SECRET, hall.replace("|", "/"), number.replace("|", "/"), NOW)
    assert qr.verify(payload, SECRET) is True
    forged = payload[: -len(good.code)] + ("A" if good.code[0] != "A" else "B") + good.code[1:]
    assert qr.verify(forged, SECRET) is False
