"""One centre process's settings: made by ``kiosk-central serve`` from its options and the
centre's config file, handed to each worker process as JSON."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

SETTINGS_ENV = "HALL_KIOSK_CENTRAL_SETTINGS"
MiB = 1024 * 1024


class IdentityMode(StrEnum):
    """Where the centre learns which terminal is asking (docs/adr: terminal identity)."""

    TLS = "tls"  # uvicorn terminates mTLS; the certificate comes in the ASGI TLS extension
    PROXY = "proxy"  # a reverse proxy on this host terminates mTLS and forwards the cert
    CLAIMED = "claimed"  # development on loopback only: ids as the request names them
    NONE = "none"  # no terminal is recognised (staff-only, e.g. plain loopback)


class SettingsError(Exception):
    """A bad option or config file; the message names the file and key."""


@dataclass(frozen=True)
class RetentionPolicy:
    """Days a submission is kept after the centre received it, by kind.

    A rule names a kind (``form.hukou``) or a kind's first part (``form``, ``photo``,
    ``identity``); the most specific rule wins, else ``default_days``. Fractions of a day
    are allowed. ``blob_grace_s`` must outlast the longest ingest transaction (the default
    hour is far beyond one).
    """

    default_days: float = 90.0
    kinds: dict[str, float] = field(default_factory=dict)
    blob_grace_s: float = 3600.0  # an unreferenced blob younger than this is kept

    def days_for(self, kind: str) -> float:
        parts = kind.split(".")
        for n in range(len(parts), 0, -1):
            rule = self.kinds.get(".".join(parts[:n]))
            if rule is not None:
                return rule
        return self.default_days


@dataclass(frozen=True)
class CentreSettings:
    db_url: str
    blob_store: str
    identity: IdentityMode = IdentityMode.NONE
    client_ca: str | None = None
    proxy_secret_file: str | None = None
    docs: bool = False
    max_body_bytes: int = 16 * MiB
    max_inflight_bytes: int = 24 * MiB  # per process; 0: admit everything at once
    max_inflight_requests: int = 8  # per process, with the bytes; 0: no count limit
    request_timeout_s: float = 30.0
    threads: int = 16
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
    purge_every_s: float = 3600.0  # 0: only `kiosk-central purge`
    fleet_repo: str | None = None  # a TUF repository served under /v1/fleet/ (fleet init)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> CentreSettings:
        data: dict[str, Any] = json.loads(text)
        data["identity"] = IdentityMode(data["identity"])
        data["retention"] = RetentionPolicy(**data["retention"])
        return cls(**data)

    @classmethod
    def from_environment(cls) -> CentreSettings:
        text = os.environ.get(SETTINGS_ENV)
        if not text:
            raise SettingsError(f"{SETTINGS_ENV} is not set: start the centre with kiosk-central")
        return cls.from_json(text)


def _days(path: Path, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 36500:
        raise SettingsError(f"{path}: {key}: a number of days between 0 and 36500")
    return float(value)


def load_retention(path: Path) -> RetentionPolicy:
    """``[retention]`` of the centre's TOML config file::

    [retention]
    default_days = 90
    [retention.kinds]
    form = 30
    photo = 7
    identity = 1
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"{path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: {exc}") from None
    unknown = set(data) - {"retention"}
    if unknown:
        raise SettingsError(f"{path}: unknown section(s): {', '.join(sorted(unknown))}")
    section = data.get("retention", {})
    if not isinstance(section, dict):
        raise SettingsError(f"{path}: retention: a table")
    unknown = set(section) - {"default_days", "kinds", "blob_grace_s"}
    if unknown:
        raise SettingsError(f"{path}: retention: unknown key(s): {', '.join(sorted(unknown))}")
    kinds = section.get("kinds", {})
    if not isinstance(kinds, dict):
        raise SettingsError(f"{path}: retention.kinds: a table of kind = days")
    grace = section.get("blob_grace_s", 3600.0)
    if isinstance(grace, bool) or not isinstance(grace, int | float) or grace < 1:
        raise SettingsError(f"{path}: retention.blob_grace_s: at least 1 second")
    return RetentionPolicy(
        default_days=_days(path, "retention.default_days", section.get("default_days", 90)),
        kinds={str(k): _days(path, f"retention.kinds.{k}", v) for k, v in kinds.items()},
        blob_grace_s=float(grace),
    )
