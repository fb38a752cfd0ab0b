"""The configuration schema. Unknown keys are refused so a typo never goes unnoticed."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TerminalConfig(_Strict):
    id: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    hall_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    hall_name: str = Field(min_length=1)
    hall_name_en: str = Field(min_length=1)
    timezone: str
    data_dir: str

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from None
        return value

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()


class UiConfig(_Strict):
    language: Literal["zh_CN", "en"]
    large_text: bool
    voice: bool
    idle_timeout_s: int = Field(ge=10, le=600)
    idle_warning_s: int = Field(ge=3, le=120)
    done_timeout_s: int = Field(ge=3, le=300)


class DevicesConfig(_Strict):
    id_card: str = Field(pattern=r"^[a-z0-9+]+://")
    camera: str = Field(pattern=r"^[a-z0-9+]+://")
    form_printer: str = Field(pattern=r"^[a-z0-9+]+://")
    ticket_printer: str = Field(pattern=r"^[a-z0-9+]+://")
    voice: str = Field(pattern=r"^[a-z0-9+]+://")


class TicketConfig(_Strict):
    privacy_notice: str


class ServiceCategory(_Strict):
    code: str = Field(pattern=r"^[A-Z0-9_]{1,16}$")
    name: str = Field(min_length=1, max_length=24)
    name_en: str = Field(min_length=1, max_length=48)
    prefix: str = Field(pattern=r"^[A-Z]{1,2}$")


class KioskConfig(_Strict):
    terminal: TerminalConfig
    ui: UiConfig
    devices: DevicesConfig
    ticket: TicketConfig
    services: list[ServiceCategory] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_services(self) -> KioskConfig:
        for attr in ("code", "prefix"):
            seen: set[str] = set()
            for svc in self.services:
                value = getattr(svc, attr)
                if value in seen:
                    raise ValueError(f"two services share the {attr} {value!r}")
                seen.add(value)
        return self

    def service(self, code: str) -> ServiceCategory:
        for svc in self.services:
            if svc.code == code:
                return svc
        raise KeyError(code)
