"""The forms a terminal offers: the built-in definitions plus any extra folders."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from kiosk.forms.loader import DefinitionProblem, FormDefinitionError, load_definition
from kiosk.forms.model import FormDefinition

BUILTIN_DIR = Path(__file__).with_name("definitions")


class UnknownForm(KeyError):
    def __init__(self, form_id: str, known: list[str]) -> None:
        super().__init__(form_id)
        self.form_id = form_id
        self.known = known

    def __str__(self) -> str:
        return f"no form {self.form_id!r} (known: {', '.join(self.known)})"


class FormCatalog:
    """Definitions by id, in the order they were found."""

    def __init__(self, forms: Iterable[FormDefinition]) -> None:
        self._forms = {f.id: f for f in forms}

    def __iter__(self) -> Iterator[FormDefinition]:
        return iter(self._forms.values())

    def __len__(self) -> int:
        return len(self._forms)

    def ids(self) -> list[str]:
        return list(self._forms)

    def get(self, form_id: str) -> FormDefinition:
        try:
            return self._forms[form_id]
        except KeyError:
            raise UnknownForm(form_id, self.ids()) from None


def load_catalog(dirs: Iterable[Path] = (BUILTIN_DIR,)) -> FormCatalog:
    """Load every ``*.toml`` under ``dirs``; a form id defined twice is an error."""
    forms: list[FormDefinition] = []
    seen: dict[str, Path] = {}
    for folder in dirs:
        for path in sorted(folder.glob("*.toml")):
            form = load_definition(path)
            if form.id in seen:
                problem = DefinitionProblem(
                    1, "id", f"{form.id!r} is also defined in {seen[form.id]}"
                )
                raise FormDefinitionError(str(path), [problem])
            seen[form.id] = path
            forms.append(form)
    return FormCatalog(forms)
