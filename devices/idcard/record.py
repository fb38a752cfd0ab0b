"""The record read off an identity document. Personal data: never log it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import Enum, StrEnum


class CardType(StrEnum):
    RESIDENT_ID = "resident_id"
    HK_MACAU_TAIWAN_PERMIT = "hk_macau_taiwan_permit"
    FOREIGN_PERMANENT_2017 = "foreign_permanent_2017"
    FOREIGN_PERMANENT_2023 = "foreign_permanent_2023"
    EMRTD = "emrtd"


@dataclass(repr=False)
class IdDocument:
    """One document's fields; ``None`` where the document has no such field.

    ``repr`` is masked so a stray log line cannot leak a citizen's data.
    """

    card_type: CardType
    name: str | None = None
    name_en: str | None = None
    surname: str | None = None
    given_names: str | None = None
    sex: str | None = None  # "M" / "F"
    ethnicity: str | None = None
    birth_date: str | None = None  # ISO date
    address: str | None = None
    id_number: str | None = None
    document_number: str | None = None
    nationality: str | None = None
    issuer: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None  # ISO date or "long-term"
    id_number_valid: bool | None = None
    check_digits_valid: bool | None = None  # MRZ-based documents (eMRTD) only
    photo_format: str | None = None
    photo: bytes = field(default=b"")
    # Added for the SAM reader (issue 3); present only where the card has them.
    appended_address: str | None = None  # a newer address written to the chip (30 03)
    issue_count: str | None = None  # J: 签发次数; Y: 换证次数
    authority_code: str | None = None  # I: the accepting authority's code
    fingerprint: bytes = field(default=b"")  # the card's fingerprint block (30 10), opaque

    def __repr__(self) -> str:
        return f"IdDocument(card_type={self.card_type.value}, <personal data hidden>)"

    def to_json(self) -> dict[str, object]:
        """The keys ``kiosk idcard read --json`` prints (those the document has)."""
        out: dict[str, object] = {}
        for key, value in asdict(self).items():
            if value is None or isinstance(value, bytes):
                continue
            out[key] = value.value if isinstance(value, Enum) else value
        return out

    @classmethod
    def from_json(cls, data: dict[str, object]) -> IdDocument:
        known = {f.name for f in fields(cls)} - {"photo", "fingerprint", "card_type"}
        kwargs = {k: v for k, v in data.items() if k in known}
        return cls(card_type=CardType(str(data["card_type"])), **kwargs)  # type: ignore[arg-type]

    def wipe(self) -> None:
        """Drop every field; the session calls this when it ends."""
        for f in fields(self):
            if f.name == "card_type":
                continue
            setattr(self, f.name, b"" if isinstance(getattr(self, f.name), bytes) else None)
