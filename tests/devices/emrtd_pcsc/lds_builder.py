"""Builds the LDS files a test chip serves: EF.COM, DG1 and DG2 (ICAO 9303 Part 10)."""

from __future__ import annotations

import io
from pathlib import Path

from devices.idcard.emrtd.tlv import encode

# ICAO 9303 Part 4 specimen passport (fictional person, fictional state "UTO").
SPECIMEN_TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
SPECIMEN_ACCESS = ("L898902C3", "740812", "120415")


def ef_com(groups: bytes = b"\x61\x75") -> bytes:
    return encode(0x60, encode(0x5F01, b"0107") + encode(0x5F36, b"040000") + encode(0x5C, groups))


def dg1(mrz_lines: tuple[str, ...] = SPECIMEN_TD3) -> bytes:
    return encode(0x61, encode(0x5F1F, "".join(mrz_lines).encode("ascii")))


def facial_record(image: bytes, width: int, height: int, data_type: int = 0) -> bytes:
    """An ISO/IEC 19794-5:2005 record holding one frontal face image."""
    face_info = (
        (0).to_bytes(2, "big")  # feature points
        + b"\x02"  # gender: female
        + b"\x00\x00"  # eye colour, hair colour
        + b"\x00\x00\x00"  # feature mask
        + b"\x00\x00"  # expression
        + b"\x00\x00\x00"  # pose angles
        + b"\x00\x00\x00"  # pose angle uncertainty
    )
    image_info = (
        b"\x01"  # face image type: full frontal
        + bytes([data_type])  # 0 JPEG, 1 JPEG 2000
        + width.to_bytes(2, "big")
        + height.to_bytes(2, "big")
        + b"\x01"  # colour space sRGB
        + b"\x02"  # source: digital still camera
        + b"\x00\x00"  # device type
        + b"\x00\x00"  # quality
    )
    block = face_info + image_info + image
    block = (4 + len(block)).to_bytes(4, "big") + block
    header = b"FAC\x00" + b"010\x00" + (14 + len(block)).to_bytes(4, "big") + b"\x00\x01"
    return header + block


def dg2(image: bytes, width: int, height: int, data_type: int = 0) -> bytes:
    bht = encode(
        0xA1, encode(0x80, b"\x01\x01") + encode(0x87, b"\x01\x01") + encode(0x88, b"\x00\x08")
    )
    bit = encode(0x7F60, bht + encode(0x5F2E, facial_record(image, width, height, data_type)))
    return encode(0x75, encode(0x7F61, encode(0x02, b"\x01") + bit))


def face_jpeg(target_bytes: int = 20_000, height: int = 420) -> tuple[bytes, int, int]:
    """Grace Hopper's portrait (matplotlib sample data) re-encoded near ``target_bytes``."""
    import matplotlib.cbook
    from PIL import Image

    path = Path(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    img = Image.open(path).convert("RGB")
    img = img.resize((int(img.width * height / img.height), height))
    best = b""
    for quality in range(95, 10, -5):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality)
        best = buf.getvalue()
        if len(best) <= target_bytes:
            break
    return best, img.width, img.height
