"""The configuration schema. Unknown keys are refused so a typo never goes unnoticed."""

from __future__ import annotations

import os
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
        """systemd's StateDirectory= ($STATE_DIRECTORY) when the kiosk runs as a service,
        else ``data_dir`` (ProtectHome= hides ~ from the service: S10 of the audit)."""
        state = os.environ.get("STATE_DIRECTORY", "")
        if state:
            return Path(state.split(":")[0])
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


class PrinterProfileConfig(_Strict):
    """``[ticket.printer]``: what differs between ticket printer models."""

    paper_mm: Literal[58, 80] = 80
    chars_per_line: int = Field(default=48, ge=16, le=72)  # at size 1: 48 on 80 mm, 32 on 58
    cutter: bool = True
    code_page: Literal["gb18030", "gbk", "gb2312"] = "gb18030"
    qr: Literal["native", "raster"] = "native"  # native: GS ( k; raster: we draw it


class LayoutBlockConfig(_Strict):
    """One ``[[ticket.layout]]`` block; ``text`` is a template such as ``"{number}"``."""

    kind: Literal["text", "qr", "rule", "feed", "cut"]
    text: str = ""
    align: Literal["left", "center", "right"] = "center"
    width: int = Field(default=1, ge=1, le=8)
    height: int = Field(default=1, ge=1, le=8)
    bold: bool = False
    lines: int = Field(default=1, ge=0, le=20)
    module: int = Field(default=6, ge=1, le=16)
    char: str = Field(default="-", min_length=1, max_length=1)

    @field_validator("text")
    @classmethod
    def _known_fields(cls, value: str) -> str:
        from devices.ticket_printer.layout import LayoutError, check_template

        try:
            check_template(value)
        except LayoutError as exc:
            raise ValueError(exc.problem) from None
        return value


class TicketConfig(_Strict):
    privacy_notice: str
    # Numbers come from the centre of [central] (same connection, certificate and CA as
    # the outbox) when its url is set; false: always this terminal's offline block.
    central_numbers: bool = True
    # Moved to [central] url; kept only to say so when an old file still sets it.
    central_url: str = ""
    central_timeout_s: float = Field(default=1.5, gt=0, le=5)
    central_retry_s: int = Field(default=30, ge=0, le=3600)  # after a failure, stay offline
    # This terminal's offline block: numbers like "A" + "K" + "007" when the centre is
    # unreachable. Every terminal of a hall needs its own letter(s).
    offline_tag: str = Field(default="Z", pattern=r"^[A-Z]{1,2}$")
    # Key for the ticket's verification code; "" falls back to the hall id (guessable).
    verification_secret: str = ""
    # When set, the QR code is a link a phone opens, e.g. "https://queue.example.cn/t".
    follow_url: str = Field(default="", pattern=r"^(https?://\S+)?$")
    printer: PrinterProfileConfig = PrinterProfileConfig()
    layout: list[LayoutBlockConfig] = Field(default_factory=list)  # empty: built-in layout

    @field_validator("central_url")
    @classmethod
    def _moved(cls, value: str) -> str:
        if value:
            raise ValueError(
                "moved: set [central] url (with ca_file, client_cert and client_key); ticket "
                "numbers now come through the terminal's one connection to the centre"
            )
        return value


class TechnicianConfig(_Strict):
    # Salted PBKDF2 of the diagnostics PIN; `kiosk technician hash-pin` makes one.
    pin_hash: str = Field(pattern=r"^pbkdf2-sha256\$\d+\$[0-9a-f]+\$[0-9a-f]{64}$")
    max_tries: int = Field(ge=1, le=10)
    lockout_s: int = Field(ge=10, le=3600)


class PhotoConfig(_Strict):
    """The ID photo booth: which photos this hall offers, on which background."""

    # The first is the default; with more than one the citizen chooses.
    specs: list[str] = Field(default_factory=lambda: ["cn-exit-entry"], min_length=1)
    spec: str = ""  # older configs: one spec; "" = use specs
    background: str = ""  # a colour name of every offered spec, or #RRGGBB; "" = each one's first

    @property
    def offered(self) -> list[str]:
        """The spec ids the booth offers, in menu order."""
        return [self.spec] if self.spec else list(self.specs)

    @model_validator(mode="after")
    def _known_spec(self) -> PhotoConfig:
        from kiosk.photo.errors import PhotoError
        from kiosk.photo.specs import get_spec

        if len(set(self.offered)) != len(self.offered):
            raise ValueError(f"specs: listed twice in {self.offered}")
        for spec_id in self.offered:
            try:
                get_spec(spec_id).background_hex(self.background or None)
            except PhotoError as exc:
                raise ValueError(f"{spec_id}: {exc}") from None
        return self


class IdentityConfig(_Strict):
    """``[identity]``: the identity check with liveness (issue 10, docs/adr)."""

    # SFace cosine similarity at or above which the live face and the document photo are
    # the same person. Chosen from the score distributions of the test set (ADR).
    match_threshold: float = Field(default=0.42, ge=-1.0, le=1.0)
    max_tries: int = Field(default=3, ge=1, le=5)
    actions: int = Field(default=3, ge=2, le=5)  # drawn from blink, open_mouth, turn_*, nod
    evidence_retention_days: int = Field(default=30, ge=1, le=3650)  # said on the consent


class ServiceCategory(_Strict):
    code: str = Field(pattern=r"^[A-Z0-9_]{1,16}$")
    name: str = Field(min_length=1, max_length=24)
    name_en: str = Field(min_length=1, max_length=48)
    prefix: str = Field(pattern=r"^[A-Z]{1,2}$")


class CentralConfig(_Strict):
    """The terminal's one connection to the centre (outbox sync, heartbeats, ticket
    numbers), and how much disk the outbox may hold meanwhile."""

    url: str = ""  # https://...; empty: no centre (offline pilot)
    ca_file: str = ""  # the centre's CA, pinned (required for https)
    client_cert: str = ""  # this terminal's certificate for mTLS (required for https)
    client_key: str = ""
    key_file: str = ""  # terminal key; empty: $CREDENTIALS_DIRECTORY, else /etc/hall-kiosk
    disk_budget_mb: int = Field(512, ge=1, le=1_000_000)
    min_free_mb: int = Field(64, ge=0, le=1_000_000)
    batch_size: int = Field(50, ge=1, le=500)
    heartbeat_s: int = Field(60, ge=5, le=3600)

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        from offline_cache.client import CentralUrlError, check_central_url

        if value:
            try:
                check_central_url(value)
            except CentralUrlError as exc:
                raise ValueError(exc.reason) from None
        return value

    @model_validator(mode="after")
    def _pairs(self) -> CentralConfig:
        if bool(self.client_cert) != bool(self.client_key):
            raise ValueError("client_cert and client_key go together")
        if self.url.startswith("https://") and not (self.ca_file and self.client_cert):
            raise ValueError(
                "an https centre needs ca_file (its CA, pinned) and client_cert/client_key "
                "(this terminal's certificate from kiosk-central gen-certs)"
            )
        return self


class DisplayConfig(_Strict):
    """``[display]``: the terminal's screen (eglfs on DRM/KMS, docs/adr/0011)."""

    hide_cursor: bool = True  # a touch screen shows no mouse pointer


_USB_ID = r"^([0-9a-fA-F]{4}:[0-9a-fA-F]{4}(:[A-Za-z0-9._-]{1,64})?)?$"


class UdevConfig(_Strict):
    """``[udev]``: which USB-serial devices get stable names (scripts/install-appliance).

    "VID:PID:SERIAL" (or "VID:PID" when the bridge has no serial number) of the ID-card
    reader's and the serial ticket printer's USB bridge; "" = none. Every CH340 is not
    an ID-card reader: only the one named here becomes /dev/idcard.
    """

    id_card_usb: str = Field("", pattern=_USB_ID)
    ticket_printer_usb: str = Field("", pattern=_USB_ID)


class KioskConfig(_Strict):
    terminal: TerminalConfig
    ui: UiConfig
    devices: DevicesConfig
    ticket: TicketConfig
    technician: TechnicianConfig
    central: CentralConfig = Field(default_factory=lambda: CentralConfig.model_validate({}))
    services: list[ServiceCategory] = Field(min_length=1)
    photo: PhotoConfig = PhotoConfig()
    display: DisplayConfig = DisplayConfig()
    udev: UdevConfig = Field(default_factory=lambda: UdevConfig.model_validate({}))
    identity: IdentityConfig = IdentityConfig()

    @model_validator(mode="after")
    def _unique_services(self) -> KioskConfig:
        for attr in ("code", "prefix"):
            seen: set[str] = set()
            for svc in self.services:
                value = getattr(svc, attr)
                if value in seen:
                    raise ValueError(f"two services share the {attr} {value!r}")
                seen.add(value)
        prefixes = {svc.prefix for svc in self.services}
        for svc in self.services:
            offline = svc.prefix + self.ticket.offline_tag
            if offline in prefixes:
                raise ValueError(
                    f"offline numbers {offline}001... of {svc.code} would look like service"
                    f" prefix {offline!r}: choose another ticket.offline_tag"
                )
        return self

    def service(self, code: str) -> ServiceCategory:
        for svc in self.services:
            if svc.code == code:
                return svc
        raise KeyError(code)
