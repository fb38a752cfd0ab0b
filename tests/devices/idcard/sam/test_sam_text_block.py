"""The 256-byte text block: the four layouts, dates, codes, check digits, fuzzing."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sam_cards import (
    FOREIGN_I,
    FOREIGN_Y,
    PERMIT_J,
    RESIDENT,
    Card,
    chars,
    foreign_i_card,
    foreign_y_card,
    permit_j_card,
    resident_card,
)

from devices.idcard.id_number import check_digit, id_number_valid
from devices.idcard.record import CardType
from devices.idcard.sam.driver import ReadLayoutError, split_read_data
from devices.idcard.sam.ethnicity import ETHNICITIES
from devices.idcard.sam.text_block import (
    TextBlockEncodingError,
    TextBlockError,
    TextBlockFieldError,
    TextBlockLengthError,
    UnknownLayoutError,
    decode_text_block,
)


def test_resident_id() -> None:
    doc = decode_text_block(resident_card().text)
    assert doc.to_json() == {
        "card_type": "resident_id",
        "name": RESIDENT["name"],
        "sex": "M",
        "ethnicity": "汉",
        "birth_date": "1990-03-07",
        "address": RESIDENT["address"],
        "id_number": RESIDENT["id_number"],
        "issuer": RESIDENT["issuer"],
        "valid_from": "2020-01-01",
        "valid_to": "2040-01-01",
        "id_number_valid": True,
    }


def test_long_term_validity() -> None:
    doc = decode_text_block(resident_card(valid_to="长期").text)
    assert doc.valid_to == "long-term"


def test_a_wrong_check_digit_is_reported_not_accepted() -> None:
    number = RESIDENT["id_number"]
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    doc = decode_text_block(resident_card(id_number=wrong).text)
    assert doc.id_number == wrong and doc.id_number_valid is False


def test_hong_kong_macau_taiwan_permit() -> None:
    doc = decode_text_block(permit_j_card(sex="2").text)
    assert doc.card_type is CardType.HK_MACAU_TAIWAN_PERMIT
    assert doc.name == PERMIT_J["name"] and doc.sex == "F"
    assert doc.id_number == PERMIT_J["id_number"] and doc.id_number_valid is True
    assert doc.document_number == "H12345678" and doc.issue_count == "02"
    assert doc.address == PERMIT_J["address"] and doc.issuer == PERMIT_J["issuer"]
    assert (doc.birth_date, doc.valid_from, doc.valid_to) == (
        "1985-11-20",
        "2019-03-15",
        "2024-03-15",
    )
    assert doc.ethnicity is None


def test_foreign_permanent_2017() -> None:
    doc = decode_text_block(foreign_i_card().text)
    assert doc.card_type is CardType.FOREIGN_PERMANENT_2017
    assert doc.name_en == FOREIGN_I["name_en"] and doc.name == FOREIGN_I["name"]
    assert doc.document_number == "USA110078041502" and doc.nationality == "USA"
    assert doc.id_number is None and doc.id_number_valid is None
    assert (doc.birth_date, doc.valid_from, doc.valid_to) == (
        "1978-04-15",
        "2017-06-16",
        "2027-06-16",
    )
    assert doc.authority_code == "1100" and doc.sex == "M"


def test_foreign_permanent_2017_without_a_chinese_name() -> None:
    doc = decode_text_block(foreign_i_card(name="").text)
    assert doc.name is None and doc.name_en == FOREIGN_I["name_en"]


def test_foreign_permanent_2023_joins_the_split_english_name() -> None:
    doc = decode_text_block(foreign_y_card().text)
    assert doc.card_type is CardType.FOREIGN_PERMANENT_2023
    assert doc.name_en == FOREIGN_Y["name_en"]  # 40 characters, split at 35
    assert doc.name == FOREIGN_Y["name"] and doc.sex == "F"
    assert doc.id_number == FOREIGN_Y["id_number"] and doc.id_number_valid is True
    assert doc.nationality == "GBR" and doc.birth_date == "1992-02-29"
    assert doc.issuer is None and doc.address is None


def test_foreign_permanent_2023_short_name_fits_the_first_part() -> None:
    doc = decode_text_block(foreign_y_card(name_en="LEE, ANNA").text)
    assert doc.name_en == "LEE, ANNA"


def test_ethnicity_table_has_all_56_groups_and_other() -> None:
    assert [f"{n:02d}" for n in range(1, 57)] == [c for c in ETHNICITIES if c <= "56"]
    assert len(set(ETHNICITIES.values())) == len(ETHNICITIES)
    assert ETHNICITIES["97"] == "其他"


@pytest.mark.parametrize(("code", "name"), [("02", "蒙古"), ("05", "维吾尔"), ("56", "基诺")])
def test_ethnicity_codes_become_names(code: str, name: str) -> None:
    assert decode_text_block(resident_card(ethnicity=code).text).ethnicity == name


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"ethnicity": "77"}, "ethnicity"),
        ({"birth": "19901301"}, "birth_date"),
        ({"birth": "1990O307"}, "birth_date"),
        ({"valid_to": "永久"}, "valid_to"),
        ({"sex": "男"}, "sex"),
        ({"id_number": ""}, "id_number"),
    ],
)
def test_bad_fields_are_named_without_their_values(over: dict[str, str], field: str) -> None:
    with pytest.raises(TextBlockFieldError) as err:
        decode_text_block(resident_card(**over).text)
    assert err.value.field == field
    for value in over.values():
        if value:
            assert value not in str(err.value)


def test_wrong_length_and_unknown_marker() -> None:
    with pytest.raises(TextBlockLengthError) as err:
        decode_text_block(bytes(255))
    assert (err.value.expected, err.value.got) == (256, 255)
    block = bytearray(resident_card().text)
    block[248:250] = chars("Q", 1)
    with pytest.raises(UnknownLayoutError):
        decode_text_block(bytes(block))


def test_a_lone_surrogate_is_an_encoding_error() -> None:
    block = bytearray(resident_card().text)
    block[2:4] = b"\x00\xd8"  # U+D800 alone
    with pytest.raises(TextBlockEncodingError) as err:
        decode_text_block(bytes(block))
    assert err.value.offset == 2


def test_gb11643_check_digits() -> None:
    # the standard's own example, with an X check character
    assert id_number_valid("11010519491231002X")
    assert id_number_valid("11010519491231002x")
    assert not id_number_valid("110105194912310021")
    assert not id_number_valid("11010519491231002")
    assert not id_number_valid("1101051949123100２X")  # full-width digit
    assert check_digit("42010319900307001") == "7"
    with pytest.raises(ValueError):
        check_digit("123")


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=0, max_size=300))
def test_fuzz_any_bytes(block: bytes) -> None:
    with contextlib.suppress(TextBlockError):
        decode_text_block(block)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([resident_card, permit_j_card, foreign_i_card, foreign_y_card]),
    st.integers(0, 127),
    st.binary(min_size=2, max_size=16),
)
def test_fuzz_damaged_real_blocks(make: Callable[[], Card], at: int, junk: bytes) -> None:
    block = bytearray(make().text)
    block[at * 2 : at * 2 + len(junk)] = junk
    block = block[:256]
    try:
        doc = decode_text_block(bytes(block))
    except TextBlockError:
        return
    assert doc.card_type in CardType
    assert doc.id_number_valid in (True, False, None)


def test_read_answer_is_split_by_its_lengths() -> None:
    card = resident_card()
    data = (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + card.text + card.photo
    assert split_read_data(data, with_fingerprint=False) == (card.text, card.photo, b"")
    fp = bytes(range(200))
    data = b"\x01\x00\x04\x00\x00\xc8" + card.text + card.photo + fp
    assert split_read_data(data, with_fingerprint=True) == (card.text, card.photo, fp)
    with pytest.raises(ReadLayoutError) as err:
        split_read_data(data[:-1], with_fingerprint=True)
    assert (err.value.expected, err.value.got) == (len(data), len(data) - 1)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=1400), st.booleans())
def test_fuzz_read_answers(data: bytes, with_fingerprint: bool) -> None:
    """Whatever a reader sends as a read answer: a record or a named error."""
    try:
        text, _photo, _fp = split_read_data(data, with_fingerprint)
        decode_text_block(text)
    except (ReadLayoutError, TextBlockError):
        pass


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=256, max_size=256), st.binary(max_size=1100))
def test_fuzz_well_framed_read_answers(text: bytes, photo: bytes) -> None:
    data = (256).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo
    got_text, got_photo, _fp = split_read_data(data, with_fingerprint=False)
    assert (got_text, got_photo) == (text, photo)
    with contextlib.suppress(TextBlockError):
        decode_text_block(got_text)
