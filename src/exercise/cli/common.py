"""What the subcommands share: user errors and opening a session."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from typing import Any, TextIO

from exercise.errors import ExerciseError
from exercise.i18n import N_, _
from exercise.journal import Journal, JournalError
from exercise.session import Session, SessionError, integrity
from exercise.text import for_terminal


class UserError(ExerciseError):
    """A problem the user can fix; ``main`` prints it as is and exits with 1."""


#: Warnings printed by read-only commands about a session that does not check out: ``main``
#: exits non-zero when there is any, even though the command did its work.
WARNINGS: list[str] = []

#: Said when a session is resumed from a scenario whose files were edited since it was created.
SCENARIO_CHANGED = N_(
    "note: the scenario files changed since {session} was created; the session goes on with "
    "the scenario stored in it (create a new session to play the edited files)"
)


def open_session(address: str, *, writing: bool = False, read_only: bool = False) -> Session:
    """The session at ``address`` (a file or a URL), or a UserError saying why not.

    Its stored scenario and its hash chain are checked first: a command that writes
    (``writing``) refuses a session that does not check out; any other warns loudly, goes
    on, and the command exits non-zero. ``read_only`` for the commands that only read
    (log, score, replay ...): the session file is then opened read-only."""
    if writing and read_only:
        raise ValueError("a session opened for writing cannot be read-only")
    try:
        return Session.open(address, check=checker(writing=writing), read_only=read_only)
    except (JournalError, SessionError) as exc:
        raise UserError(str(exc)) from None
    except (KeyError, ValueError, TypeError) as exc:  # an edited record the fold chokes on
        if not WARNINGS:
            raise
        raise UserError(
            _("{address} cannot be read as recorded ({error})").format(
                address=address, error=repr(exc)
            )
        ) from None


def checker(*, writing: bool) -> Callable[[Journal], None]:
    """``check`` for :meth:`Session.open`: refuse (``writing``) or warn about a record
    that does not check out."""
    return functools.partial(check_journal, writing=writing)


def check_journal(journal: Journal, *, writing: bool) -> None:
    address = journal.address
    try:
        problem = integrity(journal)
    except JournalError as exc:
        raise UserError(str(exc)) from None
    if problem is None:
        return
    if writing:
        raise UserError(
            _(
                "{address}: {problem}; refusing to add to a record that does not check out "
                "(exercise verify {address} says more)"
            ).format(address=address, problem=problem)
        )
    message = _(
        "WARNING: {address}: {problem}. What follows comes from a record that does not "
        "check out: do not rely on it"
    ).format(address=address, problem=problem)
    WARNINGS.append(message)
    print(f"exercise: {message}", file=sys.stderr)


#: The largest event number a journal can hold (a signed 64-bit integer in SQLite and PostgreSQL).
MAX_SEQ = 2**63 - 1


def event_number(text: str) -> int:
    """An argparse type: an event number from 0 to :data:`MAX_SEQ`."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected an event number, got {text!r}").format(text=text)
        ) from None
    if not 0 <= value <= MAX_SEQ:
        raise argparse.ArgumentTypeError(
            _("event numbers run from 0 to {max}, got {text}").format(max=MAX_SEQ, text=text)
        )
    return value


def port_number(text: str) -> int:
    """An argparse type: a TCP port from 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a port number, got {text!r}").format(text=text)
        ) from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(
            _("a port is a number from 1 to 65535, got {text}").format(text=text)
        )
    return value


class InertTerminal:
    """A terminal's text stream that passes everything written through
    :func:`~exercise.text.for_terminal`: whatever a command prints (a report, a CSV, an
    error quoting a file), no control sequence reaches the terminal. ``main`` puts it in
    front of stdout and stderr when they are terminals; a pipe or a file gets the text
    exactly as written."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(for_terminal(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for text in lines:
            self.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_terminals() -> None:
    """Put :class:`InertTerminal` in front of stdout and stderr where they are terminals."""
    import sys

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, InertTerminal) or stream is None:
            continue
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        if tty:
            setattr(sys, name, InertTerminal(stream))
