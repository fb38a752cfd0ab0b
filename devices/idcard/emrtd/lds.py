"""The Logical Data Structure files we read: EF.COM, DG1 (MRZ) and DG2 (face).

DG2 nests the face as ISO/IEC 7816-11 biometric templates around an ISO/IEC 19794-5
facial record; we unwrap both and hand out the JPEG or JPEG 2000 image unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from devices.idcard.emrtd import tlv
from devices.idcard.emrtd.errors import BiometricFormatError, EmrtdError, TlvError
from devices.idcard.mrz import MrzError, MrzRecord, parse_mrz_text

# File identifiers in the eMRTD application (9303-10 section 4.6).
FID_COM = 0x011E
FID_SOD = 0x011D
FID_DG1 = 0x0101
FID_DG2 = 0x0102

TAG_COM = 0x60
TAG_DG1 = 0x61
TAG_DG2 = 0x75
TAG_MRZ = 0x5F1F
TAG_TAG_LIST = 0x5C
TAG_BIT_GROUP = 0x7F61
TAG_BIT = 0x7F60
TAG_BHT = 0xA1
TAG_BDB = 0x5F2E
TAG_BDB_ENCIPHERED = 0x7F2E
TAG_INSTANCES = 0x02

# EF.COM lists data groups by their tags: DG1 is 61, DG2 is 75, and so on.
DG_TAGS = {
    0x61: 1, 0x75: 2, 0x63: 3, 0x76: 4, 0x65: 5, 0x66: 6, 0x67: 7, 0x68: 8,
    0x69: 9, 0x6A: 10, 0x6B: 11, 0x6C: 12, 0x6D: 13, 0x6E: 14, 0x6F: 15, 0x70: 16,
}  # fmt: skip

FAC_MAGIC = b"FAC\x00"
FAC_VERSION_2005 = b"010\x00"
_GENERAL_HEADER = 14  # format id, version, record length (4), number of faces (2)
_FACE_INFO = 20  # block length (4), feature points (2), gender ... pose uncertainty
_FEATURE_POINT = 8
_IMAGE_INFO = 12  # image type, data type, width, height, colour space, source, device, quality


class ImageFormat(StrEnum):
    JPEG = "jpeg"
    JPEG2000 = "jpeg2000"


class LdsError(EmrtdError):
    """A data group's content is not what ICAO 9303 Part 10 describes."""


def data_groups(ef_com: bytes) -> list[int]:
    """The data group numbers EF.COM says the chip holds."""
    try:
        objects = tlv.parse_all(tlv.expect(ef_com, TAG_COM))
        tags = tlv.require(objects, TAG_TAG_LIST).value
    except TlvError as exc:
        raise LdsError(f"EF.COM: {exc}") from None
    return sorted(DG_TAGS[t] for t in tags if t in DG_TAGS)


def parse_dg1(dg1: bytes) -> MrzRecord:
    """The MRZ stored in DG1."""
    try:
        objects = tlv.parse_all(tlv.expect(dg1, TAG_DG1))
        raw = tlv.require(objects, TAG_MRZ).value
        return parse_mrz_text(raw.decode("ascii"))
    except UnicodeDecodeError:
        raise LdsError("DG1: MRZ is not ASCII") from None
    except (TlvError, MrzError) as exc:
        raise LdsError(f"DG1: {exc}") from None


@dataclass(frozen=True, repr=False)
class FaceImage:
    """The portrait as stored on the chip. ``repr`` hides the bytes: it is a face."""

    data: bytes
    format: ImageFormat
    width: int = 0
    height: int = 0

    def __repr__(self) -> str:
        return f"FaceImage({self.format.value}, {self.width}x{self.height}, {len(self.data)} B)"


def sniff_image(data: bytes) -> ImageFormat:
    """JPEG or JPEG 2000 (JP2 box or bare codestream), by magic bytes."""
    if data.startswith(b"\xff\xd8\xff"):
        return ImageFormat.JPEG
    if data.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n") or data.startswith(b"\xff\x4f\xff\x51"):
        return ImageFormat.JPEG2000
    raise BiometricFormatError("face image is neither JPEG nor JPEG 2000")


def parse_facial_record(record: bytes) -> FaceImage:
    """The first face image of an ISO/IEC 19794-5 (2005) facial record."""
    if len(record) < _GENERAL_HEADER + _FACE_INFO + _IMAGE_INFO:
        raise BiometricFormatError(f"facial record of {len(record)} bytes is too short")
    if record[:4] != FAC_MAGIC:
        raise BiometricFormatError("facial record does not start with 'FAC'")
    if record[4:8] != FAC_VERSION_2005:
        raise BiometricFormatError("unsupported ISO/IEC 19794-5 version (expected 010)")
    faces = int.from_bytes(record[12:14], "big")
    if faces < 1:
        raise BiometricFormatError("facial record holds no face")
    pos = _GENERAL_HEADER
    block_length = int.from_bytes(record[pos : pos + 4], "big")
    points = int.from_bytes(record[pos + 4 : pos + 6], "big")
    info = pos + _FACE_INFO + points * _FEATURE_POINT
    image_start = info + _IMAGE_INFO
    image_end = pos + block_length
    if image_end > len(record) or image_start > image_end:
        raise BiometricFormatError(
            f"face block of {block_length} bytes does not fit a {len(record)}-byte record"
        )
    data_type = record[info + 1]
    width = int.from_bytes(record[info + 2 : info + 4], "big")
    height = int.from_bytes(record[info + 4 : info + 6], "big")
    image = record[image_start:image_end]
    declared = {0: ImageFormat.JPEG, 1: ImageFormat.JPEG2000}.get(data_type)
    sniffed = sniff_image(image)
    if declared is not None and declared is not sniffed:
        raise BiometricFormatError(f"record says {declared.value}, image is {sniffed.value}")
    return FaceImage(image, sniffed, width, height)


def parse_dg2(dg2: bytes) -> FaceImage:
    """The first portrait in DG2."""
    try:
        group = tlv.parse_all(tlv.expect(dg2, TAG_DG2))
        bits = tlv.parse_all(tlv.require(group, TAG_BIT_GROUP).value)
        for obj in bits:
            if obj.tag != TAG_BIT:
                continue
            inner = tlv.parse_all(obj.value)
            if tlv.find(inner, TAG_BDB_ENCIPHERED) is not None:
                raise BiometricFormatError("face template is enciphered")
            bdb = tlv.find(inner, TAG_BDB)
            if bdb is not None:
                return parse_facial_record(bdb.value)
    except TlvError as exc:
        raise LdsError(f"DG2: {exc}") from None
    raise BiometricFormatError("DG2 holds no biometric data block")
