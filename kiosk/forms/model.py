"""What a form definition holds: sections of fields, each with type, rules and help.

The pydantic models check the shape of a definition file; the meaning (an option
list on a choice field, a card field that exists, ...) is checked by
:mod:`kiosk.forms.loader`, which can point at the offending line.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: Fields of :class:`devices.idcard.record.IdDocument` a form may take its value from.
CARD_FIELDS: frozenset[str] = frozenset(
    {
        "name",
        "name_en",
        "surname",
        "given_names",
        "sex",
        "ethnicity",
        "birth_date",
        "address",
        "id_number",
        "document_number",
        "nationality",
        "issuer",
        "valid_from",
        "valid_to",
    }
)


class FieldType(StrEnum):
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    PHONE = "phone"
    ID_NUMBER = "id_number"
    ADDRESS = "address"
    YES_NO = "yes_no"
    SIGNATURE = "signature"  # a box signed by hand on the printed page
    PHOTO = "photo"  # the photo from the booth, printed in its box


#: Types the citizen types into; signature and photo boxes have no typed value.
INPUT_TYPES: frozenset[FieldType] = frozenset(FieldType) - {FieldType.SIGNATURE, FieldType.PHOTO}


class SourceKind(StrEnum):
    ID_CARD = "id_card"
    PHOTO = "photo"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    value: str = Field(min_length=1, max_length=32)
    label: str = Field(min_length=1, max_length=40)
    label_en: str = Field(min_length=1, max_length=80)


class FieldDef(_Strict):
    """One field. ``source`` is ``"id_card.<field>"`` or ``"photo"`` when not typed."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    type: FieldType
    label: str = Field(min_length=1, max_length=40)
    label_en: str = Field(min_length=1, max_length=80)
    required: bool = False
    required_if: str | None = None  # required when this yes_no field is "yes"
    source: str | None = None
    help: str = ""
    help_en: str = ""
    options: tuple[Option, ...] = ()
    min_length: int | None = Field(default=None, ge=0, le=2000)
    max_length: int | None = Field(default=None, ge=1, le=2000)
    pattern: str | None = None
    pattern_hint: str = ""
    pattern_hint_en: str = ""
    min_date: str | None = None  # ISO date or today[+-]N(d|m|y)
    max_date: str | None = None
    allow_long_term: bool = False  # validity dates: "长期 / long-term"
    phone_kind: Literal["any", "mobile"] = "any"
    width: Literal["half", "full"] = "half"
    # Which on-screen keyboard a typed text field gets (phones always get the dial pad).
    keyboard: Literal["text", "digits", "number", "email", "latin"] = "text"

    @property
    def source_kind(self) -> SourceKind | None:
        if self.source is None:
            return None
        return SourceKind.PHOTO if self.source == "photo" else SourceKind.ID_CARD

    @property
    def card_field(self) -> str | None:
        """The IdDocument attribute this field is filled from, if any."""
        if self.source and self.source.startswith("id_card."):
            return self.source.removeprefix("id_card.")
        return None

    @property
    def is_input(self) -> bool:
        return self.type in INPUT_TYPES

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


class Section(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    title: str = Field(min_length=1, max_length=40)
    title_en: str = Field(min_length=1, max_length=80)
    fields: tuple[FieldDef, ...] = Field(min_length=1)


class FormDefinition(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    version: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=40)
    title_en: str = Field(min_length=1, max_length=120)
    summary: str = ""
    summary_en: str = ""
    service: str | None = Field(default=None, pattern=r"^[A-Z0-9_]{1,16}$")
    notes: tuple[str, ...] = ()  # printed at the foot of the form, zh then en
    sections: tuple[Section, ...] = Field(min_length=1)

    def fields(self) -> Iterator[FieldDef]:
        for section in self.sections:
            yield from section.fields

    def field(self, name: str) -> FieldDef:
        for f in self.fields():
            if f.name == name:
                return f
        raise KeyError(name)

    def has_field(self, name: str) -> bool:
        return any(f.name == name for f in self.fields())

    def summary_json(self) -> dict[str, object]:
        """What ``kiosk form show --json`` prints."""
        return {
            "id": self.id,
            "title": self.title,
            "title_en": self.title_en,
            "version": self.version,
            "fields": [
                {
                    "name": f.name,
                    "type": f.type.value,
                    "required": f.required,
                    "source": f.source_kind.value if f.source_kind else None,
                    "card_field": f.card_field,
                    "options": [o.value for o in f.options] if f.options else None,
                    "label": f.label,
                    "label_en": f.label_en,
                }
                for f in self.fields()
            ],
        }
