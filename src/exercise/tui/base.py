"""What every console shares: a session, a thread following the journal, and commands
sent through the engine with its refusals shown to the user."""

from __future__ import annotations

import contextlib
import gc
import os
import queue
import threading
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import attrs
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message

from exercise import i18n
from exercise.engine import DomainError
from exercise.engine import commands as c
from exercise.i18n import N_, _
from exercise.journal import Conflict, Event, Journal, JournalError, NewEvent
from exercise.journal.seal import ControlKey
from exercise.session import Session
from exercise.tui.follow import STEP_MS, JournalMoved, JournalTrouble, follow
from exercise.tui.language import (
    HIGH_CONTRAST,
    THEMES,
    Localised,
    localise_bindings,
    other_language,
)
from exercise.tui.text import PlainNotifications

#: Times a command is decided again after another process appended first.
ATTEMPTS = 500
#: The largest screen a console draws (columns, rows). The terminal's size is the client's
#: to say (an SSH window change, a browser's resize, an in-band size report): a console
#: told 10000x10000 draws this much and leaves the rest blank, rather than spending control's
#: machine's memory and time on a hundred million cells.
LARGEST = Size(500, 300)
#: Seconds a closing console waits for what it has still to write.
DRAIN = 30.0


@attrs.define
class Write:
    """Events decided on the UI thread, for the writer thread to append after ``head``."""

    drafts: list[NewEvent]
    head: int
    command: c.Command | None = None  # decided again after a conflict (None: a seal)
    seal: tuple[ControlKey, str] | None = None  # control's key and the session's genesis
    done: list[str] = attrs.Factory(list)  # notifications once it is recorded
    attempt: int = 0
    #: what the writer thread made of it: "written", "conflict" or "problem"
    outcome: str = ""


class Written(Message):
    """The writer thread appended ``write`` (``events``), or could not: another process
    appended first (``conflict``: decide again), or the journal failed (``problem``)."""

    def __init__(
        self, write: Write, events: list[Event], *, conflict: bool = False, problem: str = ""
    ) -> None:
        super().__init__()
        self.write = write
        self.events = events
        self.conflict = conflict
        self.problem = problem


def chosen_theme(theme: str | None = None) -> str:
    """The Textual theme for ``--theme`` (else ``EXERCISE_THEME``, else the default)."""
    name = theme or os.environ.get("EXERCISE_THEME") or "default"
    return THEMES.get(name, name)


class Contrast(App[None]):
    """An app with the high-contrast theme: chosen at start (``--theme``, else
    ``EXERCISE_THEME``, else the default) and switched on and off by F3 (``contrast``)."""

    def use_theme(self, theme: str | None) -> None:
        self.register_theme(HIGH_CONTRAST)
        self.theme = chosen_theme(theme)
        self._theme_before = "textual-dark" if self.theme == HIGH_CONTRAST.name else self.theme

    def action_contrast(self) -> None:
        """Switch the high-contrast theme on or off."""
        if self.theme == HIGH_CONTRAST.name:
            self.theme = self._theme_before
        else:
            self._theme_before = self.theme
            self.theme = HIGH_CONTRAST.name


class ConsoleApp(PlainNotifications, Contrast, Localised):
    """Base of the facilitator's and the players' consoles; subclasses redraw in ``sync``."""

    TITLE = "exercise"
    #: Classes of every screen by the terminal's height: on a short terminal a dialog's
    #: fields scroll in less room, so that its buttons stay on the screen (common.tcss).
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012 - Textual declares it an instance variable
        (0, "-short"),
        (32, "-medium"),
        (40, "-roomy"),
        (42, "-tall"),
    ]
    # On every screen, whatever has the focus: F2 switches the interface and the
    # scenario's text between the languages, F3 the high-contrast theme.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "language", N_("Language: English / Русский"), show=False),
        Binding("f3", "contrast", N_("High-contrast theme on/off"), show=False),
    ]
    #: How long a change to the session file may wait to be noticed, in milliseconds
    #: (the follower's wake-ups when nothing happens: see ``follow.STEP_MS``).
    watch_step_ms: ClassVar[int] = STEP_MS

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
        self._writes: queue.SimpleQueue[Write | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._waiting: list[Write] = []  # sent to the writer, not yet written (UI thread)
        self.use_theme(theme)

    def run(self, *args: Any, **kwargs: Any) -> Any:  # (the value the app exits with)
        """Run the console in this process (as the command line does). What is loaded by
        now (modules, classes, the session and its scenario) lives as long as the process,
        so the garbage collector is told not to walk it again: each of its full
        collections then looks only at what the console builds (one such walk, while the
        first frame was built, took about 30 ms), and the process does not walk it again
        as it ends. A process that runs consoles one after another (the tests) calls
        ``gc.unfreeze()`` after each, so what they left behind can be collected."""
        gc.freeze()
        return super().run(*args, **kwargs)

    @property
    def size(self) -> Size:
        """The terminal's size, at most :data:`LARGEST`."""
        size = super().size
        return Size(min(size.width, LARGEST.width), min(size.height, LARGEST.height))

    async def _on_resize(self, event: events.Resize) -> None:
        # Textual calls every class's _on_resize up the MRO: App's is called here with the
        # size clamped, and prevent_default keeps it from being called again with the raw one
        largest = Size(min(event.size.width, LARGEST.width), min(event.size.height, LARGEST.height))
        event.prevent_default()
        if largest != event.size:
            event = events.Resize(largest, largest)
        await super()._on_resize(event)

    # ------------------------------------------------------------ language and look

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
        if self._writer is not None:  # what was sent is written before the console closes
            self._writes.put(None)
            self._writer.join(DRAIN)
            self._write_leftovers()

    def _write_leftovers(self) -> None:
        """After the writer has drained: a command it could not record because another
        process appended first would be decided again on the UI thread, which is closing
        and reads no more messages; decide and record it here instead, so that nothing a
        user sent is lost by quitting just after sending it."""
        for write in list(self._waiting):
            if write.outcome != "conflict":
                continue  # recorded (or failed, and the user was told) by the writer
            with contextlib.suppress(DomainError, JournalError):
                if write.command is not None:
                    self.session.execute(write.command)
                elif write.seal is not None:
                    self.session.seal(write.seal[0])
        self._waiting.clear()

    # ---------------------------------------------------------------- writing

    @property
    def background(self) -> bool:
        """Appends go through the writer thread (on its own connection), so that a slow
        disk or a busy session never holds up the keys: a console following a session
        stored in a file or on a server. (An in-memory session is written at once.)"""
        return self.connect is not None and self.session.journal.address != ":memory:"

    @property
    def writing(self) -> int:
        """How many sent commands the writer has still to record."""
        return len(self._waiting)

    def send(self, cmd: c.Command, done: str = "") -> str | None:
        """Decide ``cmd`` against the latest state and record it; return the engine's
        refusal at once (None when accepted). In the background the events are appended
        by the writer thread: the state folds them, and ``done`` is shown, once they are
        recorded; a later problem is shown as a notification."""
        if not self.background:
            refusal = self.run_quietly(cmd)
            if refusal is None and done:
                self.notify(done, markup=False)
            return refusal
        try:
            drafts = self.session.draft(cmd)
        except DomainError as exc:
            return str(exc)
        except JournalError as exc:
            return f"the session could not record it: {exc}"
        if drafts:
            self._write(Write(drafts, self.session.state.seq, cmd, done=[done] if done else []))
        elif done:
            self.notify(done, markup=False)
        return None

    def send_seal(self, key: ControlKey) -> None:
        """Seal the record with control's key through the writer thread."""
        draft, genesis = self.session.seal_draft(key)
        self._write(Write([draft], self.session.state.seq, seal=(key, genesis)))

    def recorded(self, text: str) -> None:
        """Show ``text`` once what was sent last is recorded (at once when nothing waits)."""
        if self._waiting:
            self._waiting[-1].done.append(text)
        else:
            self.notify(text, markup=False)

    def _write(self, write: Write) -> None:
        self._waiting.append(write)
        self._writes.put(write)
        if self._writer is None:
            self._writer = threading.Thread(target=self._writer_loop, name="journal-writer")
            self._writer.daemon = True
            self._writer.start()

    def _writer_loop(self) -> None:
        """The writer thread: append what the UI thread decided, in order, on its own
        connection; post each outcome back."""
        assert self.connect is not None
        journal: Journal | None = None
        try:
            while (write := self._writes.get()) is not None:
                try:
                    if journal is None:
                        journal = self.connect()
                    events = journal.append(write.drafts, expect_head=write.head)
                    if write.seal is not None:
                        self.session.sealed(*write.seal, events[0])
                    write.outcome = "written"
                    self.post_message(Written(write, events))
                except Conflict:
                    write.outcome = "conflict"
                    self.post_message(Written(write, [], conflict=True))
                except (JournalError, OSError) as exc:
                    write.outcome = "problem"
                    self.post_message(Written(write, [], problem=str(exc)))
        finally:
            if journal is not None and journal is not self.session.journal:
                journal.close()

    @on(Written)
    def _written(self, message: Written) -> None:
        write = message.write
        if message.conflict and write.attempt < ATTEMPTS:
            try:  # another process appended first: decide again on the new state
                if write.seal is not None:
                    drafts = [self.session.seal_draft(write.seal[0])[0]]
                else:
                    assert write.command is not None
                    drafts = self.session.draft(write.command)
            except DomainError as exc:
                drafts, refusal = [], str(exc)
            except JournalError as exc:
                drafts, refusal = [], f"the session could not record it: {exc}"
            else:
                refusal = ""
            if drafts:
                again = attrs.evolve(write, drafts=drafts, head=self.session.state.seq, outcome="")
                again.attempt += 1
                self._waiting[self._waiting.index(write)] = again
                self._writes.put(again)
                return
            self._waiting.remove(write)
            if refusal:
                self.notify(refusal, severity="error", markup=False)
            self.sync()
            return
        self._waiting.remove(write)
        if message.conflict or message.problem:
            why = message.problem or _("the session is too busy")
            self.notify(
                _("the session could not record it: {error}").format(error=why),
                severity="error",
                markup=False,
            )
        else:
            for text in write.done:
                self.notify(text, markup=False)
        self.sync()

    @work(thread=True, exclusive=True, group="follow")
    def follow_journal(self) -> None:
        """Watch the journal (own connection) for events other processes append."""
        assert self.connect is not None
        follow(
            self.connect, self.session.state.seq, self.post_message, self._stop,
            step_ms=self.watch_step_ms,
        )  # fmt: skip

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
        """Send ``cmd`` and redraw; return the refusal (forms show it inline)."""
        refusal = self.send(cmd)
        if not self.background:
            self.sync()  # (in the background: once written)
        return refusal

    def act(self, cmd: c.Command, done: str = "") -> None:
        """Send ``cmd``; report a refusal, or ``done`` once recorded, as a notification."""
        refusal = self.send(cmd, done)
        if not self.background:
            self.sync()
        if refusal:
            self.notify(refusal, severity="error", markup=False)
