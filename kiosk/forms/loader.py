"""Loads form definitions (TOML) and says exactly what is wrong: file, line and field.

TOML parsers do not report where a value came from, so :func:`_line_index` walks
the text once and remembers the line of each ``[[sections]]`` / ``[[sections.fields]]``
table and of each key inside them; a problem's location is then looked up there.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from kiosk.forms.dates import DateBoundError, check_bound
from kiosk.forms.model import CARD_FIELDS, FieldDef, FieldType, FormDefinition

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class DefinitionProblem:
    """One thing wrong with a definition; ``line`` is 1-based, None when unknown."""

    line: int | None
    where: str  # e.g. "sections[0].fields[2] (birth_date).min_date"
    message: str

    def __str__(self) -> str:
        at = f"line {self.line}: " if self.line else ""
        return f"{at}{self.where}: {self.message}"


class FormDefinitionError(Exception):
    """A form definition file that cannot be used; lists every problem found."""

    def __init__(self, path: str, problems: list[DefinitionProblem]) -> None:
        self.path = path
        self.problems = problems
        lines = "; ".join(str(p) for p in problems)
        super().__init__(f"{path}: {lines}")


_TABLE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.]+)\s*\]\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_]+)\s*=")


def _line_index(text: str) -> dict[Loc, int]:
    """Line numbers of the tables and keys a definition is written with."""
    index: dict[Loc, int] = {}
    section = field = -1
    current: Loc = ()
    for number, line in enumerate(text.splitlines(), start=1):
        table = _TABLE.match(line)
        if table:
            name = table.group(1)
            if name == "sections":
                section, field = section + 1, -1
                current = ("sections", section)
            elif name == "sections.fields":
                field += 1
                current = ("sections", section, "fields", field)
            else:
                current = ("?",)
            index.setdefault(current, number)
            continue
        if line.lstrip().startswith("["):
            current = ("?",)
            continue
        key = _KEY.match(line)
        if key:
            index.setdefault((*current, key.group(1)), number)
    return index


def _describe(loc: Loc, raw: object) -> str:
    """``sections[0].fields[2] (birth_date).min_date`` for a pydantic-style location."""
    parts: list[str] = []
    node: object = raw
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
            node = node[item] if isinstance(node, list) and 0 <= item < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                parts[-1] += f" ({node['name']})"
        else:
            parts.append(item)
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts) or "(file)"


def _line_for(index: dict[Loc, int], loc: Loc) -> int | None:
    for cut in range(len(loc), -1, -1):
        found = index.get(loc[:cut])
        if found is not None:
            return found
    return None


def parse_definition(
    text: str, path: str = "<form>", expect_id: str | None = None
) -> FormDefinition:
    """Parse and check one definition; raises FormDefinitionError naming every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no lineno attribute; the message has it.
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        raise FormDefinitionError(path, [DefinitionProblem(line, "(syntax)", str(exc))]) from None
    index = _line_index(text)

    def problem(loc: Loc, message: str) -> DefinitionProblem:
        return DefinitionProblem(_line_for(index, loc), _describe(loc, raw), message)

    try:
        form = FormDefinition.model_validate(raw)
    except ValidationError as exc:
        problems = [problem(tuple(e["loc"]), e["msg"]) for e in exc.errors()]
        raise FormDefinitionError(path, problems) from None
    problems = [problem(loc, msg) for loc, msg in _meaning_problems(form)]
    if expect_id is not None and form.id != expect_id:
        problems.append(problem(("id",), f"id {form.id!r} must match the file name {expect_id!r}"))
    if problems:
        raise FormDefinitionError(path, problems)
    return form


def load_definition(path: Path) -> FormDefinition:
    """Load ``path``; its ``id`` must equal the file name without ``.toml``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormDefinitionError(
            str(path), [DefinitionProblem(None, "(file)", str(exc))]
        ) from None
    return parse_definition(text, str(path), expect_id=path.stem)


def _meaning_problems(form: FormDefinition) -> Iterable[tuple[Loc, str]]:
    """What the schema alone cannot see: rules that do not fit the field, dangling names."""
    names: dict[str, Loc] = {}
    yes_no = {f.name for f in form.fields() if f.type is FieldType.YES_NO}
    sections: set[str] = set()
    photo_fields = 0
    for s_i, section in enumerate(form.sections):
        if section.id in sections:
            yield ("sections", s_i, "id"), f"section id {section.id!r} is used twice"
        sections.add(section.id)
        for f_i, f in enumerate(section.fields):
            loc: Loc = ("sections", s_i, "fields", f_i)
            if f.name in names:
                yield (*loc, "name"), f"field name {f.name!r} is used twice"
            names[f.name] = loc
            photo_fields += f.type is FieldType.PHOTO
            yield from (((*loc, k), m) for k, m in _field_problems(f, yes_no))
    if photo_fields > 1:
        yield ("sections",), "a form has at most one photo box"


def _field_problems(f: FieldDef, yes_no: set[str]) -> Iterable[tuple[str, str]]:
    t = f.type
    if t is FieldType.CHOICE:
        if len(f.options) < 2:
            yield "options", "a choice field needs at least two options"
        values = [o.value for o in f.options]
        if len(set(values)) != len(values):
            yield "options", "two options share a value"
    elif f.options:
        yield "options", f"options only make sense on a choice field, not {t.value}"
    if f.source is not None:
        if f.source == "photo":
            if t is not FieldType.PHOTO:
                yield "source", "source 'photo' needs a field of type photo"
        elif f.card_field is None:
            yield "source", "source must be 'photo' or 'id_card.<field>'"
        elif f.card_field not in CARD_FIELDS:
            known = ", ".join(sorted(CARD_FIELDS))
            yield "source", f"the ID card has no field {f.card_field!r} (known: {known})"
        elif not f.is_input:
            yield "source", f"a {t.value} box cannot be filled from the ID card"
    if t is FieldType.SIGNATURE and (f.required or f.required_if):
        yield "required", "a signature box is signed by hand on paper, so it cannot be required"
    if f.required and f.required_if:
        yield "required_if", "a field cannot be both required and required_if"
    if f.required_if is not None and f.required_if not in yes_no:
        yield "required_if", f"{f.required_if!r} is not a yes_no field of this form"
    text_like = {FieldType.TEXT, FieldType.ADDRESS}
    for key in ("min_length", "max_length", "pattern"):
        if getattr(f, key) is not None and t not in text_like:
            yield key, f"{key} only applies to text and address fields, not {t.value}"
    if f.min_length is not None and f.max_length is not None and f.min_length > f.max_length:
        yield "min_length", "min_length is larger than max_length"
    if f.pattern is not None:
        try:
            re.compile(f.pattern)
        except re.error as exc:
            yield "pattern", f"not a regular expression: {exc}"
        if not f.pattern_hint or not f.pattern_hint_en:
            yield "pattern", "a pattern needs pattern_hint and pattern_hint_en for the citizen"
    for key in ("min_date", "max_date"):
        bound = getattr(f, key)
        if bound is None:
            continue
        if t is not FieldType.DATE:
            yield key, f"{key} only applies to date fields, not {t.value}"
        try:
            check_bound(bound)
        except DateBoundError as exc:
            yield key, str(exc)
    if f.allow_long_term and t is not FieldType.DATE:
        yield "allow_long_term", "allow_long_term only applies to date fields"
    if f.phone_kind != "any" and t is not FieldType.PHONE:
        yield "phone_kind", "phone_kind only applies to phone fields"
    if t is FieldType.PHOTO and f.source != "photo":
        yield "source", "a photo box must say source = 'photo'"
