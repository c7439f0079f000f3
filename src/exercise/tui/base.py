"""What every console shares: a session, a thread following the journal, and commands
sent through the engine with its refusals shown to the user."""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual import work
from textual.app import App

from exercise.engine import DomainError
from exercise.engine import commands as c
from exercise.journal import Journal, JournalError
from exercise.session import Session
from exercise.tui.follow import JournalMoved, JournalTrouble, follow
from exercise.tui.text import PlainNotifications


class ConsoleApp(PlainNotifications, App[None]):
    """Base of the facilitator's and the players' consoles; subclasses redraw in ``sync``."""

    TITLE = "exercise"

    def __init__(self, session: Session, connect: Callable[[], Journal] | None) -> None:
        super().__init__()
        self.session = session
        self.connect = connect
        self.trouble = ""
        self._stop = threading.Event()

    def on_unmount(self) -> None:
        self._stop.set()

    @work(thread=True, exclusive=True, group="follow")
    def follow_journal(self) -> None:
        """Watch the journal (own connection) for events other processes append."""
        assert self.connect is not None
        follow(self.connect, self.session.state.seq, self.post_message, self._stop)

    def on_journal_moved(self, message: JournalMoved) -> None:
        if message.seq > self.session.state.seq:
            self.sync()

    def on_journal_trouble(self, message: JournalTrouble) -> None:
        self.trouble = "reconnecting to the session…"
        self.notify(message.text, title="Session", severity="warning", markup=False)

    def refresh_session(self) -> None:
        """Fold what others appended; note trouble with the session for the status line."""
        try:
            self.session.refresh()
        except JournalError as exc:
            self.trouble = str(exc)
        else:
            self.trouble = ""

    def sync(self) -> None:  # pragma: no cover - every console overrides
        self.refresh_session()

    def run_quietly(self, cmd: c.Command) -> str | None:
        """Execute ``cmd``; return the engine's refusal as text (None if recorded)."""
        try:
            self.session.execute(cmd)
        except DomainError as exc:
            return str(exc)
        except JournalError as exc:
            return f"the session could not record it: {exc}"
        return None

    def attempt(self, cmd: c.Command) -> str | None:
        """Execute ``cmd`` and redraw; return the refusal (forms show it inline)."""
        refusal = self.run_quietly(cmd)
        self.sync()
        return refusal

    def act(self, cmd: c.Command, done: str = "") -> None:
        """Execute ``cmd``; report a refusal, or ``done``, as a notification."""
        refusal = self.attempt(cmd)
        if refusal:
            self.notify(refusal, severity="error", markup=False)
        elif done:
            self.notify(done, markup=False)
