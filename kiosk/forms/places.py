"""Districts and streets of the hall's city: the address pickers' data.

A typed address is the field the citizen most often gets wrong and the slowest to type
with Pinyin. The form journey lets them tap a district and a street and type only the
house number; :func:`compose` writes the address as it goes on the form. The data is a
TOML file under ``kiosk/forms/places/`` (one per city), checked at load with errors that
name the file, the line and the item.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PLACES_DIR = Path(__file__).with_name("places")
DEFAULT_CITY = "wuhan"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Street(_Strict):
    name: str = Field(min_length=1, max_length=30)
    name_en: str = Field(min_length=1, max_length=60)


class District(_Strict):
    name: str = Field(min_length=1, max_length=20)
    name_en: str = Field(min_length=1, max_length=60)
    streets: tuple[Street, ...] = ()

    def street(self, name: str) -> Street | None:
        return next((s for s in self.streets if s.name == name), None)


class Places(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    city: str = Field(min_length=1, max_length=30)
    city_en: str = Field(min_length=1, max_length=60)
    districts: tuple[District, ...] = Field(min_length=1)

    def district(self, name: str) -> District | None:
        return next((d for d in self.districts if d.name == name), None)


class PlacesError(Exception):
    """A places file that cannot be used: ``where`` names the item, ``line`` its line."""

    def __init__(self, path: str, line: int | None, where: str, problem: str) -> None:
        at = f":{line}" if line else ""
        super().__init__(f"{path}{at}: {where}: {problem}")
        self.path = path
        self.line = line
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class AddressChoice:
    """What the citizen picked for one address field; ``street`` is "" when they will
    type the street with the house number (a street not in the list)."""

    district: str
    street: str = ""
    house: str = ""


def compose(places: Places, choice: AddressChoice) -> str:
    """The address as written on the form: city, district, street, then what was typed."""
    return f"{places.city}{choice.district}{choice.street}{choice.house.strip()}"


_DISTRICT = re.compile(r"^\s*\[\[\s*districts\s*\]\]")


def _line_of(text: str, loc: tuple[object, ...]) -> int | None:
    """The line of ``districts[i]`` (the ``[[districts]]`` header) for a problem there."""
    if len(loc) < 2 or loc[0] != "districts" or not isinstance(loc[1], int):
        return None
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if _DISTRICT.match(line)]
    return lines[loc[1]] if loc[1] < len(lines) else None


def parse_places(text: str, path: str = "<places>") -> Places:
    """Parse and check one places file; raises PlacesError for the first problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        raise PlacesError(path, line, "(syntax)", str(exc)) from None
    try:
        places = Places.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        where = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc)
        line = _line_of(text, loc)
        raise PlacesError(path, line, where.replace(".[", "["), error["msg"]) from None
    seen: set[str] = set()
    for i, district in enumerate(places.districts):
        if district.name in seen:
            where, problem = f"districts[{i}]", f"district {district.name} is listed twice"
            raise PlacesError(path, _line_of(text, ("districts", i)), where, problem)
        seen.add(district.name)
    return places


def load_places(city: str = DEFAULT_CITY, folder: Path = PLACES_DIR) -> Places:
    """The places file ``<folder>/<city>.toml``."""
    path = folder / f"{city}.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlacesError(str(path), None, "(file)", str(exc)) from None
    return parse_places(text, str(path))
