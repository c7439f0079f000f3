"""What the subcommands share: user errors and opening a session."""

from __future__ import annotations

from exercise.journal import JournalError
from exercise.session import Session, SessionError


class UserError(Exception):
    """A problem the user can fix; ``main`` prints it as is and exits with 1."""


def open_session(address: str) -> Session:
    """The session at ``address`` (a file or a URL), or a UserError saying why not."""
    try:
        return Session.open(address)
    except (JournalError, SessionError) as exc:
        raise UserError(str(exc)) from None
