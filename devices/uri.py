"""Device URIs: ``scheme://host/path?key=value``, e.g. ``sam:///dev/ttyUSB0?baud=115200``."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit


class DeviceUriError(ValueError):
    """A device URI that cannot be understood."""

    def __init__(self, uri: str, problem: str) -> None:
        super().__init__(f"device URI {uri!r}: {problem}")
        self.uri = uri
        self.problem = problem


# Schemes whose authority is not host:port (escpos+usb://VID:PID holds hex ids).
OPAQUE_AUTHORITY_SCHEMES = frozenset({"escpos+usb"})


@dataclass(frozen=True)
class DeviceUri:
    raw: str
    scheme: str
    host: str = ""
    port: int | None = None
    path: str = ""
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: str) -> DeviceUri:
        if "://" not in raw:
            raise DeviceUriError(raw, "expected scheme://..., e.g. sim:// or sam:///dev/ttyUSB0")
        try:
            parts = urlsplit(raw)
        except ValueError as exc:  # e.g. "[...]" outside an IPv6 host: quote it (%5B %5D)
            raise DeviceUriError(raw, f"{exc} (URL-quote special characters)") from None
        if not parts.scheme:
            raise DeviceUriError(raw, "missing scheme")
        if parts.scheme.lower() in OPAQUE_AUTHORITY_SCHEMES:
            return cls(
                raw=raw,
                scheme=parts.scheme.lower(),
                host=unquote(parts.netloc),
                path=unquote(parts.path),
                params=dict(parse_qsl(parts.query)),
            )
        try:
            port = parts.port
        except ValueError as exc:
            raise DeviceUriError(raw, f"bad port: {exc}") from None
        return cls(
            raw=raw,
            scheme=parts.scheme.lower(),
            host=unquote(parts.hostname or "") if parts.netloc else "",
            port=port,
            path=unquote(parts.path),
            params=dict(parse_qsl(parts.query)),
        )

    def int_param(self, name: str, default: int) -> int:
        value = self.params.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise DeviceUriError(self.raw, f"{name}={value!r} is not a whole number") from None

    def float_param(self, name: str, default: float) -> float:
        value = self.params.get(name)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError:
            raise DeviceUriError(self.raw, f"{name}={value!r} is not a number") from None
