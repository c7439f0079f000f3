"""What the subcommands share: user errors and opening a session."""

from __future__ import annotations

import argparse

from exercise.errors import ExerciseError
from exercise.journal import JournalError
from exercise.session import Session, SessionError


class UserError(ExerciseError):
    """A problem the user can fix; ``main`` prints it as is and exits with 1."""


def open_session(address: str) -> Session:
    """The session at ``address`` (a file or a URL), or a UserError saying why not."""
    try:
        return Session.open(address)
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
