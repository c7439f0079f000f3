"""One hierarchy for every problem a user can meet.

Each layer raises a subclass of :class:`ExerciseError` whose message says what is wrong and
what to do; ``exercise`` (``cli/main.py``) catches the base class once, prints
``exercise: <message>`` (or, for problems already pinned to ``file:line:column``, the
problems as they are) and exits with 1. Anything else that escapes is a bug.

This module imports nothing of the package, so every layer may import it.
"""

from __future__ import annotations


class ExerciseError(Exception):
    """A problem the user can fix; the message says what to do."""

    #: ``True`` when ``str(error)`` already names its place (``file:line:col: ...``) and is
    #: printed without the ``exercise:`` prefix.
    located: bool = False

    def render(self) -> str:
        """The text ``exercise`` prints for this error (one or more lines)."""
        text = str(self)
        return text if self.located else f"exercise: {text}"


class ScenarioFileError(ExerciseError):
    """Scenario, inject or rules files that do not load (see ``scenario.errors``)."""

    located = True


class SessionProblem(ExerciseError):
    """A session that cannot be opened or used as asked."""


class JournalProblem(ExerciseError):
    """The journal (SQLite file or PostgreSQL schema) cannot be read or written as asked."""


class DomainProblem(ExerciseError):
    """A command the engine refuses under the exercise's rules."""


class ImportProblem(ExerciseError):
    """A file from another tool that cannot be imported."""

    located = True


class ReportProblem(ExerciseError):
    """A report that cannot be built or written."""


class UsageProblem(ExerciseError):
    """A command-line value that cannot work (a port out of range, a number too large)."""
