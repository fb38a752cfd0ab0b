"""Photo specifications loaded from ``specs.toml`` and validated at load."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kiosk.photo.errors import BackgroundError, SpecError

SPECS_FILE = Path(__file__).with_name("specs.toml")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Range:
    lo: float
    hi: float

    def contains(self, value: float) -> bool:
        return self.lo <= value <= self.hi

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2


@dataclass(frozen=True)
class PhotoSpec:
    """One official photo format; geometry as fractions of the output image."""

    id: str
    name: str
    name_en: str
    source: str
    note: str
    width_px: int
    height_px: int
    dpi: int
    print_mm: tuple[float, float]
    backgrounds: dict[str, str]
    head_height: Range
    head_width: Range
    crown_margin: Range
    chin_margin_min: float
    min_kb: float | None = None
    max_kb: float | None = None
    eye_height: Range | None = None  # eye line above the bottom edge, where the source says
    short_name: str = ""
    short_name_en: str = ""

    @property
    def default_background(self) -> str:
        return next(iter(self.backgrounds))

    def background_bgr(self, value: str | None) -> tuple[int, int, int]:
        """The BGR colour for a background name (``blue``) or ``#RRGGBB``."""
        hex_value = self.background_hex(value)
        r, g, b = (int(hex_value[i : i + 2], 16) for i in (1, 3, 5))
        return (b, g, r)

    def background_hex(self, value: str | None) -> str:
        if value is None:
            return self.backgrounds[self.default_background]
        if value in self.backgrounds:
            return self.backgrounds[value]
        if _HEX.match(value):
            return value.upper()
        raise BackgroundError(value, list(self.backgrounds))

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kiosk photo specs --json``."""
        return {
            "id": self.id,
            "name": self.name,
            "name_en": self.name_en,
            "source": self.source,
            "note": self.note,
            "width_px": self.width_px,
            "height_px": self.height_px,
            "dpi": self.dpi,
            "print_mm": list(self.print_mm),
            "backgrounds": dict(self.backgrounds),
            "head_height": [self.head_height.lo, self.head_height.hi],
            "head_width": [self.head_width.lo, self.head_width.hi],
            "crown_margin": [self.crown_margin.lo, self.crown_margin.hi],
            "chin_margin_min": self.chin_margin_min,
            "min_kb": self.min_kb,
            "max_kb": self.max_kb,
            "eye_height": [self.eye_height.lo, self.eye_height.hi] if self.eye_height else None,
            "short_name": self.short_name,
            "short_name_en": self.short_name_en,
        }


def _range(where: str, raw: Any) -> Range:
    if (
        not isinstance(raw, list)
        or len(raw) != 2
        or not all(isinstance(v, int | float) for v in raw)
        or not 0 <= raw[0] <= raw[1] <= 1
    ):
        raise SpecError(where, f"expected [low, high] fractions with low <= high, got {raw!r}")
    return Range(float(raw[0]), float(raw[1]))


def _parse(spec_id: str, raw: dict[str, Any], where: str) -> PhotoSpec:
    def need(key: str, kind: type | tuple[type, ...]) -> Any:
        if key not in raw:
            raise SpecError(f"{where} [{spec_id}]", f"missing field {key!r}")
        value = raw[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise SpecError(f"{where} [{spec_id}].{key}", f"wrong type {type(value).__name__}")
        return value

    backgrounds = need("backgrounds", dict)
    for name, colour in backgrounds.items():
        if not isinstance(colour, str) or not _HEX.match(colour):
            raise SpecError(f"{where} [{spec_id}].backgrounds.{name}", f"not #RRGGBB: {colour!r}")
    if not backgrounds:
        raise SpecError(f"{where} [{spec_id}].backgrounds", "at least one colour needed")
    print_mm = need("print_mm", list)
    glasses = raw.get("glasses", "allowed")
    if glasses not in ("allowed", "forbidden"):
        raise SpecError(
            f"{where} [{spec_id}].glasses", f"'allowed' or 'forbidden', got {glasses!r}"
        )
    name = need("name", str)
    name_en = need("name_en", str)
    spec = PhotoSpec(
        id=spec_id,
        name=name,
        name_en=name_en,
        source=need("source", str),
        note=str(raw.get("note", "")),
        width_px=need("width_px", int),
        height_px=need("height_px", int),
        dpi=need("dpi", int),
        print_mm=(float(print_mm[0]), float(print_mm[1])),
        backgrounds={k: v.upper() for k, v in backgrounds.items()},
        head_height=_range(f"{where} [{spec_id}].head_height", need("head_height", list)),
        head_width=_range(f"{where} [{spec_id}].head_width", need("head_width", list)),
        crown_margin=_range(f"{where} [{spec_id}].crown_margin", need("crown_margin", list)),
        chin_margin_min=float(need("chin_margin_min", (int, float))),
        min_kb=float(raw["min_kb"]) if "min_kb" in raw else None,
        max_kb=float(raw["max_kb"]) if "max_kb" in raw else None,
        eye_height=(
            _range(f"{where} [{spec_id}].eye_height", raw["eye_height"])
            if "eye_height" in raw
            else None
        ),
        short_name=str(raw.get("short_name", name)),
        short_name_en=str(raw.get("short_name_en", name_en)),
    )
    if spec.width_px < 100 or spec.height_px < 100 or spec.dpi < 72:
        raise SpecError(f"{where} [{spec_id}]", "size below 100 px or dpi below 72")
    if spec.min_kb is not None and spec.max_kb is not None and spec.min_kb > spec.max_kb:
        raise SpecError(f"{where} [{spec_id}]", "min_kb above max_kb")
    if spec.crown_margin.lo + spec.head_height.lo + spec.chin_margin_min > 1:
        raise SpecError(f"{where} [{spec_id}]", "crown margin + head + chin margin exceed 1")
    return spec


def load_specs(path: Path = SPECS_FILE) -> dict[str, PhotoSpec]:
    """Read and validate a specs file; errors name the file and the field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(str(path), str(exc)) from None
    return {sid: _parse(sid, raw, str(path)) for sid, raw in data.items()}


@cache
def builtin_specs() -> dict[str, PhotoSpec]:
    return load_specs()


def get_spec(spec_id: str) -> PhotoSpec:
    """The built-in spec ``spec_id``; SpecError lists the known ids otherwise."""
    specs = builtin_specs()
    if spec_id not in specs:
        raise SpecError("photo spec", f"unknown id {spec_id!r} (known: {', '.join(specs)})")
    return specs[spec_id]
