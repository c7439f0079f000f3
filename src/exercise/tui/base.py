"""What every console shares: a session, a thread following the journal, and commands
sent through the engine with its refusals shown to the user."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType

from exercise import i18n
from exercise.engine import DomainError
from exercise.engine import commands as c
from exercise.i18n import N_, _
from exercise.journal import Journal, JournalError
from exercise.session import Session
from exercise.tui.follow import JournalMoved, JournalTrouble, follow
from exercise.tui.language import (
    HIGH_CONTRAST,
    THEMES,
    Localised,
    localise_bindings,
    other_language,
)
from exercise.tui.text import PlainNotifications


def chosen_theme(theme: str | None = None) -> str:
    """The Textual theme for ``--theme`` (else ``EXERCISE_THEME``, else the default)."""
    name = theme or os.environ.get("EXERCISE_THEME") or "default"
    return THEMES.get(name, name)


class ConsoleApp(PlainNotifications, App[None], Localised):
    """Base of the facilitator's and the players' consoles; subclasses redraw in ``sync``."""

    TITLE = "exercise"
    # On every screen, whatever has the focus: F2 switches the interface and the
    # scenario's text between the languages, F3 the high-contrast theme.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "language", N_("Language: English / Русский"), show=False),
        Binding("f3", "contrast", N_("High-contrast theme on/off"), show=False),
    ]

    def __init__(
        self,
        session: Session,
        connect: Callable[[], Journal] | None,
        *,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.connect = connect
        self.trouble = ""
        self._stop = threading.Event()
        self.register_theme(HIGH_CONTRAST)
        self.theme = chosen_theme(theme)
        self._theme_before = "textual-dark" if self.theme == HIGH_CONTRAST.name else self.theme

    # ------------------------------------------------------------ language and look

    def action_contrast(self) -> None:
        """Switch the high-contrast theme on or off."""
        if self.theme == HIGH_CONTRAST.name:
            self.theme = self._theme_before
        else:
            self._theme_before = self.theme
            self.theme = HIGH_CONTRAST.name

    async def action_language(self) -> None:
        """Switch the interface and the scenario's text to the other language. The main
        screen is built anew in it; a dialog open on top of it is closed first."""
        if type(self).rebuild is ConsoleApp.rebuild:  # a console that cannot rebuild itself
            self.notify(
                _("This console keeps its language while it runs: start it with --lang"),
                markup=False,
            )
            return
        lang = other_language()
        i18n.set_language(lang)
        self.session.use_language(lang)
        localise_bindings(self)
        await self.rebuild()
        self.refresh_bindings()
        # the message is in the new language: "in English" reads «на русском» in Russian
        self.notify(_("Interface and scenario in English"), markup=False)

    def look_commands(self) -> Iterable[SystemCommand]:
        """The command palette's entries for the language and the theme."""
        yield SystemCommand(
            _("Language: English / Русский"),
            _("The interface and the scenario's text in the other language (F2)"),
            self.action_language,
        )
        yield SystemCommand(
            _("High-contrast theme on/off"),
            _("White on black, the cursor in yellow (F3)"),
            self.action_contrast,
        )

    async def rebuild(self) -> None:
        """Build the console's screens anew (after a language switch); a console that
        does not override this keeps the language it started in."""

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
        self.trouble = _("reconnecting to the session…")
        self.notify(message.text, title=_("Session"), severity="warning", markup=False)

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
            return _("the session could not record it: {error}").format(error=exc)
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
