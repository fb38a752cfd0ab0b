"""MRZ parsing: ICAO 9303 specimens for TD1, TD2 and TD3, check digits, names, dates."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.idcard.mrz import (
    MrzCharacterError,
    MrzDateError,
    MrzError,
    MrzFormat,
    MrzLayoutError,
    bac_mrz_information,
    check_digit,
    parse_mrz,
    parse_mrz_text,
)

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)


def test_check_digit_examples() -> None:
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"
    assert check_digit("<<<<<<") == "0"


@pytest.mark.parametrize(
    ("lines", "fmt"), [(TD3, MrzFormat.TD3), (TD2, MrzFormat.TD2), (TD1, MrzFormat.TD1)]
)
def test_specimens_parse_with_all_check_digits_valid(
    lines: tuple[str, ...], fmt: MrzFormat
) -> None:
    rec = parse_mrz(lines)
    assert rec.format is fmt
    assert rec.check_digits_valid, rec.failed_checks
    assert (rec.surname, rec.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert rec.issuer == rec.nationality == "UTO"
    assert rec.sex == "F"
    assert str(rec.birth_date) == "1974-08-12"
    assert str(rec.expiry_date) == "2012-04-15"
    assert "ERIKSSON" not in repr(rec)


def test_td3_fields() -> None:
    doc = parse_mrz(TD3).to_id_document()
    assert doc.document_number == "L898902C3"
    assert doc.id_number == "ZE184226B"
    assert doc.id_number_valid is True
    assert doc.card_type.value == "emrtd"


@pytest.mark.parametrize(
    ("line", "col", "field"),
    [
        (1, 9, "document_number"),
        (1, 19, "birth_date"),
        (1, 27, "expiry_date"),
        (1, 42, "personal_number"),
        (1, 43, "composite"),
    ],
)
def test_each_wrong_check_digit_is_named(line: int, col: int, field: str) -> None:
    lines = list(TD3)
    digit = lines[line][col]
    lines[line] = lines[line][:col] + str((int(digit) + 1) % 10) + lines[line][col + 1 :]
    rec = parse_mrz(lines)
    assert field in rec.failed_checks
    assert rec.check_digits_valid is False
    assert rec.to_id_document().check_digits_valid is False


def test_changed_data_breaks_the_composite_digit() -> None:
    lines = [TD1[0], TD1[1][:18] + "X" + TD1[1][19:], TD1[2]]  # optional data 2 altered
    assert parse_mrz(lines).failed_checks == ["composite"]


def test_td1_long_document_number_continues_in_optional_data() -> None:
    number = "D23145890734"
    l1 = f"I<UTO{number[:9]}<{number[9:]}{check_digit(number)}".ljust(30, "<")
    l2 = "7408122F1204159UTO<<<<<<<<<<<"
    composite = check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    rec = parse_mrz([l1, l2[:29] + composite, TD1[2]])
    assert rec.document_number == number
    assert rec.check_digits_valid


def test_names_without_given_names_and_with_fillers() -> None:
    lines = ["P<UTOMIDDLETON<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", TD3[1]]
    rec = parse_mrz([lines[0][:44], lines[1]])
    assert (rec.surname, rec.given_names) == ("MIDDLETON", "")
    rec = parse_mrz(["P<CHNZHANG<SAN<FENG<<XIAO<MING<<<<<<<<<<<<<<", TD3[1]])
    assert (rec.surname, rec.given_names) == ("ZHANG SAN FENG", "XIAO MING")


def test_birth_dates_are_never_in_the_future_expiry_may_be() -> None:
    lines = list(TD3)
    body = lines[1]
    birth, expiry = "991231", "301231"
    body = (
        body[:13] + birth + check_digit(birth) + body[20] + expiry + check_digit(expiry) + body[28:]
    )
    rec = parse_mrz([lines[0], body])
    assert str(rec.birth_date) == "1999-12-31"
    assert str(rec.expiry_date) == "2030-12-31"


def test_malformed_input_gets_named_errors() -> None:
    with pytest.raises(MrzLayoutError) as layout:
        parse_mrz([TD3[0], TD3[1][:-1]])
    assert layout.value.lengths == [44, 43]
    with pytest.raises(MrzCharacterError) as char:
        parse_mrz([TD3[0].replace("ANNA", "ANNa"), TD3[1]])
    assert (char.value.line, char.value.column) == (1, 19)
    bad_date = TD3[1][:13] + "741312" + TD3[1][19:]
    with pytest.raises(MrzDateError):
        _ = parse_mrz([TD3[0], bad_date]).birth_date


def test_dg1_form_is_one_string() -> None:
    assert parse_mrz_text("".join(TD1)).format is MrzFormat.TD1
    assert parse_mrz_text("\n".join(TD2)).format is MrzFormat.TD2


def _kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, timeout=60
    )


def test_cli_mrz_parse_json() -> None:
    done = _kiosk("mrz", "parse", *TD1, "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["card_type"] == "emrtd"
    assert out["document_number"] == "D23145890"
    assert out["check_digits_valid"] is True
    assert out["given_names"] == "ANNA MARIA"


def test_cli_reports_a_wrong_check_digit_and_rejects_non_mrz() -> None:
    done = _kiosk("mrz", "parse", TD2[0], TD2[1][:9] + "8" + TD2[1][10:], "--json")
    assert json.loads(done.stdout)["check_digits_valid"] is False
    assert "document_number" in done.stderr
    done = _kiosk("mrz", "parse", "NOT AN MRZ")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "Traceback" not in done.stderr


def test_bac_access_dates_in_another_script_are_a_named_error() -> None:
    """Arabic-Indic or full-width digits pass str.isdigit(); they must be refused as an
    MrzDateError, not escape as a UnicodeEncodeError (a sibling of audit S24)."""
    for birth in ("٧٤٠٨١٢", "７４０８１２"):
        with pytest.raises(MrzDateError):
            bac_mrz_information("L898902C3", birth, "120415")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=6, max_size=6), st.text(min_size=6, max_size=6))
def test_bac_access_with_any_dates_is_bytes_or_a_named_error(birth: str, expiry: str) -> None:
    try:
        info = bac_mrz_information("L898902C3", birth, expiry)
    except MrzError:
        return
    assert len(info) == 24 and info.isascii()
