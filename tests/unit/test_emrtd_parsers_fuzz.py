"""LDS/TLV/MRZ/SM parsers: known structures parse, arbitrary bytes give named errors only."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.idcard.emrtd import lds, tlv
from devices.idcard.emrtd.apdu import CommandApdu, ResponseApdu, decode_command
from devices.idcard.emrtd.errors import (
    BiometricFormatError,
    EmrtdError,
    SecureMessagingError,
    TagMismatchError,
    TlvError,
)
from devices.idcard.emrtd.sm import SecureMessaging
from devices.idcard.mrz import MrzError, parse_mrz, parse_mrz_text

FUZZ = settings(max_examples=300, deadline=None)
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(200)) + b"\xff\xd9"
JP2 = b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(100)


def _dg2(image: bytes, data_type: int = 0) -> bytes:
    # Same layout as the test chip's builder, kept local so unit tests stand alone.
    face_info = bytes(2) + b"\x01" + bytes(13)  # 16 bytes after the 4-byte block length
    image_info = b"\x01" + bytes([data_type]) + (240).to_bytes(2, "big") * 2 + bytes(6)
    block = face_info + image_info + image
    block = (4 + len(block)).to_bytes(4, "big") + block
    record = b"FAC\x00010\x00" + (14 + len(block)).to_bytes(4, "big") + b"\x00\x01" + block
    bht = tlv.encode(0xA1, tlv.encode(0x80, b"\x01\x01"))
    bit = tlv.encode(0x7F60, bht + tlv.encode(0x5F2E, record))
    return tlv.encode(0x75, tlv.encode(0x7F61, tlv.encode(0x02, b"\x01") + bit))


def test_tlv_round_trip_and_long_forms() -> None:
    value = bytes(300)
    encoded = tlv.encode(0x5F2E, value)
    assert encoded[:5] == bytes.fromhex("5F2E82012C")
    obj = tlv.read_tlv(encoded)
    assert (obj.tag, obj.value, obj.end) == (0x5F2E, value, len(encoded))
    assert tlv.total_length(encoded[:8]) == len(encoded)
    secret = tlv.read_tlv(tlv.encode(0x5F1F, b"ERIKSSON"))
    assert "ERIKSSON" not in repr(secret)


def test_tlv_errors_are_named() -> None:
    with pytest.raises(TlvError, match="indefinite"):
        tlv.read_tlv(b"\x60\x80\x00\x00")
    with pytest.raises(TlvError, match="needs 5 bytes"):
        tlv.read_tlv(b"\x60\x05\x01")
    with pytest.raises(TagMismatchError) as err:
        tlv.expect(tlv.encode(0x61, b""), 0x60)
    assert (err.value.expected, err.value.got) == (0x60, 0x61)


def test_ef_com_lists_data_groups() -> None:
    com = tlv.encode(0x60, tlv.encode(0x5F01, b"0107") + tlv.encode(0x5C, b"\x61\x75\x6b"))
    assert lds.data_groups(com) == [1, 2, 11]


@pytest.mark.parametrize(("image", "data_type", "fmt"), [(JPEG, 0, "jpeg"), (JP2, 1, "jpeg2000")])
def test_dg2_unwraps_the_face_image(image: bytes, data_type: int, fmt: str) -> None:
    face = lds.parse_dg2(_dg2(image, data_type))
    assert face.data == image
    assert face.format.value == fmt
    assert (face.width, face.height) == (240, 240)
    assert "240x240" in repr(face)


def test_dg2_with_mislabelled_or_unknown_image() -> None:
    with pytest.raises(BiometricFormatError, match="says jpeg2000"):
        lds.parse_dg2(_dg2(JPEG, 1))
    with pytest.raises(BiometricFormatError, match="neither JPEG"):
        lds.parse_dg2(_dg2(b"GIF89a" + bytes(50)))


def test_dg1_holds_the_mrz() -> None:
    mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    rec = lds.parse_dg1(tlv.encode(0x61, tlv.encode(0x5F1F, mrz.encode())))
    assert rec.document_number == "L898902C3"
    with pytest.raises(lds.LdsError):
        lds.parse_dg1(tlv.encode(0x61, tlv.encode(0x5F1F, b"\xff" * 88)))


def test_command_apdu_encodings() -> None:
    assert CommandApdu(0, 0xB0, 0, 0, le=256).encode().hex() == "00b0000000"
    ext = CommandApdu(0x0C, 0xB0, 0, 0, b"\x97\x02\x0f\xe0", le=65536)
    assert ext.encode().hex() == "0cb00000" + "000004" + "97020fe0" + "0000"
    assert decode_command(ext.encode()).le == 65536
    assert decode_command(bytes.fromhex("00a4040c07a0000002471001")).data.hex() == "a0000002471001"


@FUZZ
@given(st.binary(max_size=64))
def test_tlv_fuzz(data: bytes) -> None:
    with contextlib.suppress(TlvError):
        tlv.parse_all(data)


def _mutations() -> st.SearchStrategy[bytes]:
    base = _dg2(JPEG)
    return st.tuples(
        st.integers(0, len(base) - 1), st.integers(0, 255), st.integers(0, len(base))
    ).map(lambda t: (base[: t[0]] + bytes([t[1]]) + base[t[0] + 1 :])[: t[2]])


@FUZZ
@given(st.one_of(st.binary(max_size=300), _mutations()))
def test_lds_parsers_fuzz(data: bytes) -> None:
    for parse in (lds.parse_dg2, lds.data_groups, lds.parse_dg1, lds.parse_facial_record):
        with contextlib.suppress(EmrtdError):
            parse(data)


@FUZZ
@given(st.binary(max_size=80))
def test_secure_messaging_unprotect_fuzz(data: bytes) -> None:
    sm = SecureMessaging(bytes(16), bytes(16), 0)
    with contextlib.suppress(SecureMessagingError):
        sm.unprotect(ResponseApdu(data, 0x9000))


@FUZZ
@given(st.binary(max_size=300))
def test_command_decoder_fuzz(data: bytes) -> None:
    try:
        cmd = decode_command(data)
    except ValueError:
        return
    assert decode_command(cmd.encode()) == cmd


MRZ_CHARS = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")


@FUZZ
@given(
    st.sampled_from([(3, 30), (2, 36), (2, 44)]).flatmap(
        lambda shape: st.lists(
            st.text(MRZ_CHARS, min_size=shape[1], max_size=shape[1]),
            min_size=shape[0],
            max_size=shape[0],
        )
    )
)
def test_mrz_fuzz_well_shaped(lines: list[str]) -> None:
    try:
        rec = parse_mrz(lines)
        rec.to_id_document()
    except MrzError:
        return
    assert isinstance(rec.check_digits_valid, bool)


@FUZZ
@given(st.one_of(st.text(max_size=100), st.lists(st.text(max_size=50), max_size=4)))
def test_mrz_fuzz_any_text(value: str | list[str]) -> None:
    try:
        if isinstance(value, str):
            parse_mrz_text(value)
        else:
            parse_mrz(value)
    except MrzError:
        pass


@FUZZ
@given(st.binary(max_size=40))
def test_atr_capabilities_parser_fuzz(atr: bytes) -> None:
    from devices.idcard.pcsc import extended_length_in_atr

    assert extended_length_in_atr(atr) in (True, False)


def test_pcsc_reader_names_in_uris() -> None:
    from devices.idcard.pcsc import _options
    from devices.uri import DeviceUri, DeviceUriError

    quoted = "pcsc://Identiv%20uTrust%203700%20F%20%5BCCID%20Interface%5D%2000%2000"
    assert (
        _options(DeviceUri.parse(quoted)).reader == "Identiv uTrust 3700 F [CCID Interface] 00 00"
    )
    assert _options(DeviceUri.parse("pcsc://ACS ACR122U")).reader == "ACS ACR122U"
    assert _options(DeviceUri.parse("pcsc://")).reader == ""
    with pytest.raises(DeviceUriError, match="URL-quote"):
        DeviceUri.parse("pcsc://Identiv uTrust [CCID Interface] 00 00")
    with pytest.raises(DeviceUriError, match="max_response"):
        _options(DeviceUri.parse("pcsc://?max_response=12"))
