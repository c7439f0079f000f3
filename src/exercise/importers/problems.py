"""What goes wrong in an import, and what could not be mapped.

A :class:`RowProblem` is fatal: the import stops with every problem listed and writes
nothing. A :class:`Notice` is not: the import goes on, the notice is printed and written
as a comment at the top of the inject file, so that nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from exercise.errors import ImportProblem


@attrs.frozen(order=True)
class RowProblem:
    """One thing wrong in the input, pinned to a row and a column where there is one.

    ``row`` is the row number a spreadsheet program shows (1-based); ``where`` replaces
    it for inputs without rows (an OpenBAS inject, a mapping file key)."""

    file: str
    row: int = 0
    column: str = ""
    message: str = ""
    hint: str = ""
    where: str = ""

    def __str__(self) -> str:
        parts = [self.file]
        if self.row:
            parts.append(f"row {self.row}")
        if self.where:
            parts.append(self.where)
        if self.column:
            parts.append(f"column {self.column!r}")
        text = ", ".join(parts[1:])
        text = f"{parts[0]}: {text}: {self.message}" if text else f"{parts[0]}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class ImportFailed(ImportProblem):
    """The input cannot be imported; ``problems`` lists every reason found.

    This is the only exception the importers raise for bad input."""

    def __init__(self, problems: Iterable[RowProblem | str]) -> None:
        self.problems: list[RowProblem | str] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def fail(file: str, message: str, hint: str = "") -> ImportFailed:
    """An :class:`ImportFailed` with one problem about the whole file."""
    return ImportFailed([RowProblem(file, message=message, hint=hint)])


@attrs.frozen
class Notice:
    """Something imported approximately, or left out; ``where`` says which part."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message
