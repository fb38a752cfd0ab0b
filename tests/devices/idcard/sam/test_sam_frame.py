"""The SAM frame codec: known frames from the protocol, named errors, fuzzing."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.idcard.sam.frame import (
    HEADER_LEN,
    MAX_LENGTH,
    FrameChecksumError,
    FrameDecoder,
    FrameError,
    FrameLengthError,
    FramePreambleError,
    FrameSyncError,
    FrameTruncatedError,
    Response,
    decode_frame,
    encode_command,
    encode_frame,
    encode_response,
)
from devices.idcard.sam.status import (
    ERRORS,
    CardNotFoundError,
    Sw3,
    UnknownStatusError,
    status_error,
)


def test_commands_match_the_frames_readers_are_known_to_take() -> None:
    assert encode_command(0x20, 0x01) == bytes.fromhex("aaaaaa9669 0003 2001 22")
    assert encode_command(0x20, 0x02) == bytes.fromhex("aaaaaa9669 0003 2002 21")
    assert encode_command(0x30, 0x01) == bytes.fromhex("aaaaaa9669 0003 3001 32")


def test_find_card_answer_decodes() -> None:
    body = decode_frame(bytes.fromhex("aaaaaa9669 0008 00009f 00000000 97"))
    response = Response.from_body(body)
    assert response.sw3 == Sw3.CARD_FOUND
    assert response.data == bytes(4)


def test_a_read_response_is_1295_bytes() -> None:
    frame = encode_response(0x90, bytes(4 + 256 + 1024))
    assert len(frame) == 1295
    assert Response.from_body(decode_frame(frame)).data == bytes(1284)


def test_bad_checksum_is_named_with_both_values() -> None:
    frame = bytearray(encode_command(0x20, 0x01))
    frame[-1] = 0x23
    with pytest.raises(FrameChecksumError) as err:
        decode_frame(bytes(frame))
    assert (err.value.expected, err.value.got) == (0x22, 0x23)
    assert "0x23" in str(err.value) and "0x22" in str(err.value)


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        (b"\xaa\xaa", FrameTruncatedError),
        (bytes.fromhex("aaaaaa9600 0003 2001 22"), FramePreambleError),
        (bytes.fromhex("aaaaaa9669 0001 00"), FrameLengthError),
        (bytes.fromhex("aaaaaa9669 ffff 00"), FrameLengthError),
        (bytes.fromhex("aaaaaa9669 0005 2001"), FrameTruncatedError),
        (bytes.fromhex("aaaaaa9669 0003 2001 22 00"), FrameLengthError),
    ],
)
def test_malformed_frames_get_named_errors(frame: bytes, error: type[FrameError]) -> None:
    with pytest.raises(error):
        decode_frame(frame)


def test_stream_decoder_skips_noise_and_reassembles_split_frames() -> None:
    one, two = encode_response(0x9F, bytes(4)), encode_response(0x90, b"\x01\x02")
    stream = b"\x00\xff\xaa" + one + b"\xaa\xaa" + two
    decoder = FrameDecoder()
    bodies: list[bytes] = []
    for i in range(0, len(stream), 3):
        bodies += decoder.feed(stream[i : i + 3])
    assert bodies == [bytes([0, 0, 0x9F, 0, 0, 0, 0]), bytes([0, 0, 0x90, 1, 2])]


def test_stream_decoder_resynchronises_after_a_corrupt_frame() -> None:
    bad = bytearray(encode_response(0x90, b"abc"))
    bad[-1] ^= 0xFF
    decoder = FrameDecoder()
    with pytest.raises(FrameChecksumError):
        decoder.feed(bytes(bad))
    assert decoder.feed(encode_response(0x90, b"ok")) == [b"\x00\x00\x90ok"]


def test_endless_noise_is_a_sync_error_not_a_hang() -> None:
    decoder = FrameDecoder()
    with pytest.raises(FrameSyncError):
        for _ in range(100):
            decoder.feed(b"\x55" * 1000)


def test_wanted_asks_for_the_rest_of_the_frame() -> None:
    frame = encode_response(0x90, bytes(100))
    decoder = FrameDecoder()
    assert decoder.wanted() == 7
    decoder.feed(frame[:7])
    assert decoder.wanted() == len(frame) - 7


def test_every_failure_status_has_its_own_named_error() -> None:
    failures = [s for s in Sw3 if s not in (Sw3.OK, Sw3.CARD_FOUND)]
    classes = {status_error("find card", s).__class__ for s in failures}
    assert len(classes) == len(failures) == len(ERRORS)
    assert UnknownStatusError not in classes
    err = status_error("find card", 0x80)
    assert isinstance(err, CardNotFoundError) and err.status == 0x80
    assert "no card on the reader" in err.reason


def test_an_unnamed_status_keeps_its_code() -> None:
    err = status_error("read card", 0x55)
    assert isinstance(err, UnknownStatusError) and err.status == 0x55 and "0x55" in err.reason


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64).map(lambda b: b"\xaa\xaa\xaa\x96\x69" + b) | st.binary(max_size=64))
def test_decode_frame_fuzz_gives_a_body_or_a_frame_error(data: bytes) -> None:
    try:
        body = decode_frame(data)
    except FrameError:
        return
    assert encode_frame(body) == data


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=30), st.binary(min_size=1, max_size=30))
def test_stream_decoder_fuzz_recovers_after_noise(chunks: list[bytes], body: bytes) -> None:
    decoder = FrameDecoder()
    for chunk in chunks:
        with contextlib.suppress(FrameError):
            decoder.feed(chunk)
    # a pause on the line: enough idle bytes to finish any frame the noise began
    with contextlib.suppress(FrameError):
        decoder.feed(bytes(MAX_LENGTH + HEADER_LEN))
    assert decoder.feed(encode_frame(body)) == [body]


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=MAX_LENGTH - 1), st.integers(1, 50))
def test_round_trip_through_the_stream_decoder(body: bytes, step: int) -> None:
    frame = encode_frame(body)
    decoder = FrameDecoder()
    out: list[bytes] = []
    for i in range(0, len(frame), step):
        out += decoder.feed(frame[i : i + step])
    assert out == [body]
