"""What the subcommands share: user errors and opening a session."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from exercise.errors import ExerciseError
from exercise.journal import JournalError
from exercise.session import Session, SessionError
from exercise.text import for_terminal


class UserError(ExerciseError):
    """A problem the user can fix; ``main`` prints it as is and exits with 1."""


def open_session(address: str, *, read_only: bool = False) -> Session:
    """The session at ``address`` (a file or a URL), or a UserError saying why not.
    ``read_only`` for the commands that only read (log, score, replay ...)."""
    try:
        return Session.open(address, read_only=read_only)
    except (JournalError, SessionError) as exc:
        raise UserError(str(exc)) from None


#: The largest event number a journal can hold (a signed 64-bit integer in SQLite and PostgreSQL).
MAX_SEQ = 2**63 - 1


def event_number(text: str) -> int:
    """An argparse type: an event number from 0 to :data:`MAX_SEQ`."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an event number, got {text!r}") from None
    if not 0 <= value <= MAX_SEQ:
        raise argparse.ArgumentTypeError(f"event numbers run from 0 to {MAX_SEQ}, got {text}")
    return value


def port_number(text: str) -> int:
    """An argparse type: a TCP port from 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, got {text}")
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
