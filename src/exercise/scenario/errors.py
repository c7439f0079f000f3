"""Problems found in scenario files, each pinned to ``file:line:column``."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from exercise.errors import ScenarioFileError
from exercise.i18n import _


@attrs.frozen(order=True)
class Problem:
    """One thing wrong in a file. ``line`` and ``column`` are 1-based."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.message}"
        if self.hint:
            text += " " + _("(hint: {hint})").format(hint=self.hint)
        return text


class ScenarioError(ScenarioFileError):
    """Raised by the loader with every problem it found; ``str()`` lists them all."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))
