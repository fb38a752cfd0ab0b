"""Errors of the photo pipeline; each carries the data a caller needs to react."""

from __future__ import annotations


class PhotoError(Exception):
    """Base class: the photo could not be produced."""


class FaceCountError(PhotoError):
    """Not exactly one face: ``found`` is how many the detector saw."""

    def __init__(self, found: int) -> None:
        what = "no face" if found == 0 else f"{found} faces"
        super().__init__(f"{what} found; an ID photo needs exactly one")
        self.found = found


class SpecError(PhotoError):
    """A photo spec that is unknown or invalid; names the file and field."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class ImageReadError(PhotoError):
    """The input could not be read as an image."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"cannot read image {path}: {problem}")
        self.path = path
        self.problem = problem


class BackgroundError(PhotoError):
    """A background that is neither a spec colour name nor #RRGGBB."""

    def __init__(self, value: str, known: list[str]) -> None:
        super().__init__(f"background {value!r}: use one of {', '.join(known)} or #RRGGBB")
        self.value = value
        self.known = known
