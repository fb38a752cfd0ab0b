"""The identity document's side of a check: which photo is the reference, and how the
document is named in the evidence (type and a hash of its number, never the number)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from devices.idcard.protocol import DocumentAccess
from devices.idcard.record import CardType, IdDocument
from kiosk.identity.matcher import decode_image
from offline_cache.wire import number_hash

Image = npt.NDArray[np.uint8]


@dataclass(repr=False)
class Reference:
    """Where the reference face comes from. Personal data: ``wipe()`` it."""

    source: str  # chip (eMRTD DG2), card_photo (decoded ID card photo), centre
    document_type: str
    number_hash: str
    image: Image | None = field(default=None, repr=False)
    jpeg: bytes = field(default=b"", repr=False)

    def wipe(self) -> None:
        self.image = None
        self.jpeg = b""


def reference_of(doc: IdDocument) -> Reference:
    """The reference a document offers: its own photo when it can be decoded (eMRTD DG2,
    an ID card photo through the configured WLT decoder), else the centre's."""
    import cv2

    number = doc.id_number or doc.document_number or ""
    kind = doc.card_type.value
    digest = number_hash(kind, number)
    image = decode_image(doc.photo) if doc.photo and doc.photo_format != "wlt" else None
    if image is None:
        return Reference("centre", kind, digest)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 95])
    source = "chip" if doc.card_type is CardType.EMRTD else "card_photo"
    return Reference(source, kind, digest, image, buf.tobytes() if ok else b"")


class MrzInputError(ValueError):
    """A typed MRZ field is not valid; ``field`` names which."""

    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(f"{field_name}: {problem}")
        self.field = field_name
        self.problem = problem


_DOC_NUMBER = re.compile(r"^[A-Z0-9<]{1,9}$")


def _yymmdd(name: str, value: str) -> str:
    if not re.fullmatch(r"\d{6}", value):
        raise MrzInputError(name, "six digits, YYMMDD")
    try:
        date(2000 + int(value[:2]), int(value[2:4]), int(value[4:]))
    except ValueError:
        raise MrzInputError(name, "not a calendar date") from None
    return value


def access_from_typed(number: str, birth: str, expiry: str) -> DocumentAccess:
    """What the citizen typed from the passport's data page -> BAC access."""
    n = number.strip().upper().replace(" ", "")
    if not _DOC_NUMBER.match(n):
        raise MrzInputError("document_number", "1 to 9 letters or digits")
    return DocumentAccess(
        n, _yymmdd("birth_date", birth.strip()), _yymmdd("expiry_date", expiry.strip())
    )
