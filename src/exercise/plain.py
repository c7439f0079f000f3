"""Line-oriented consoles for screen readers and slow links (``join --plain``, ``run --plain``).

No box drawing, no colour, no cursor movement: every line is a sentence a screen reader
can speak, every item has a number, and the user types commands (``read 3``, ``ack 3``,
``reply 3 text``, ``move warn uzb-mod,tjk-mod text``). New items are announced as lines
while the console waits for input. Works wherever a line of text does: a terminal, SSH
with a forced command, a serial console, a pipe.

The consoles ask the engine (``decide`` through :meth:`Session.execute`, ``view``,
``msel_rows``) and never re-decide a rule; player and scenario text is shown as typed,
with control characters removed so that nothing typed can drive the terminal.
"""

from __future__ import annotations

import contextlib
import re
import select
import shlex
from collections.abc import Callable, Iterator
from typing import TextIO

import attrs

from exercise import i18n
from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.engine.describe import game_clock, line, matrix_words
from exercise.engine.queries import adjudication_queue, msel_rows
from exercise.engine.view import InjectView, RfiView, TrafficView, view
from exercise.i18n import N_, _, ngettext
from exercise.journal import JournalError
from exercise.model import Scenario
from exercise.scenario.translations import localized
from exercise.session import DomainError, Session
from exercise.text import player_text

#: Status words shown from the engine's data, marked for the catalogue.
STATUS_WORDS = (
    N_("pending"),
    N_("due"),
    N_("released"),
    N_("held"),
    N_("skipped"),
    N_("accepted"),
    N_("rejected"),
    N_("modified"),
    N_("submitted"),
)
#: C0/C1 controls (ANSI escapes begin with ESC) and DEL: never written to the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: object) -> str:
    """``text`` without control characters (tabs and line breaks kept)."""
    return _CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def _short(text: str, width: int = 80) -> str:
    """``text`` on one line, cut at ``width`` characters."""
    body = " ".join(text.split())
    return body if len(body) <= width else body[: width - 1] + "…"


class Quit(Exception):
    """The user asked to leave."""


@attrs.define
class Item:
    """One numbered thing in a cell's inbox: an inject, a message, a move or a request
    for information (the cell's own, or another's answered in public)."""

    number: int
    key: str  # inject:ID, message:SEQ, move:SEQ, request:SEQ
    inject: InjectView | None = None
    traffic: TrafficView | None = None
    rfi: RfiView | None = None


class Console:
    """What the player and control consoles share: output, language, the command loop."""

    prompt = "> "

    def __init__(self, session: Session, out: TextIO) -> None:
        self.session = session
        self.out = out
        self.lang = i18n.language()
        self.seen_seq = session.state.seq

    # ----------------------------------------------------------------- output

    def say(self, text: str = "") -> None:
        for part in safe(text).split("\n"):
            self.out.write(part.rstrip() + "\n")
        self.out.flush()

    @property
    def scenario(self) -> Scenario:
        """The scenario in the console's language (its own text where untranslated)."""
        return localized(self.session.scenario, self.lang)

    def clock(self) -> str:
        return game_clock(self.session.scenario, self.session.game_ms())

    # ----------------------------------------------------------------- loop

    def commands(self) -> dict[str, tuple[Callable[[list[str], str], None], str]]:
        raise NotImplementedError

    def handle(self, raw: str) -> None:
        """Run one typed line; problems are reported as one line, never raised."""
        text = safe(raw).strip()
        if not text:
            self.announce()
            return
        word, _sep, rest = text.partition(" ")
        table = self.commands()
        entry = table.get(word.lower())
        if entry is None:
            self.say(_("unknown command {word!r}; type help for the list").format(word=word))
            return
        try:
            args = shlex.split(rest) if rest else []
        except ValueError:
            args = rest.split()
        try:
            self.session.refresh()
            entry[0](args, rest.strip())
        except DomainError as exc:
            self.say(_("refused: {reason}").format(reason=exc))
        except JournalError as exc:
            self.say(_("the session cannot be reached: {error}").format(error=exc))
        self.announce()

    def help(self, _args: list[str], _rest: str) -> None:
        self.say(_("Commands:"))
        for name, (_fn, text) in self.commands().items():
            self.say(f"  {name}: {text}")

    def quit(self, _args: list[str], _rest: str) -> None:
        raise Quit

    def set_lang(self, args: list[str], _rest: str) -> None:
        langs = self.session.scenario.languages
        choices = sorted(set(langs) | set(i18n.LANGUAGES))
        if len(args) != 1 or args[0] not in choices:
            self.say(_("write: lang LANG, one of {langs}").format(langs=", ".join(choices)))
            return
        self.lang = args[0]
        i18n.set_language(args[0])
        self._follow_language()
        self.say(_("language: {lang}").format(lang=self.lang))

    def _follow_language(self) -> None:
        """A cell's PostgreSQL role reads the scenario without its MSEL: a released inject's
        text comes with its release, in every language, and the session picks ``lang``."""
        if getattr(self.session.journal, "principal", None) is not None:
            self.session.use_language(getattr(self, "lang", None))

    def announce(self) -> None:
        """Say what arrived since the last announcement."""

    def run(self, stdin: TextIO, poll: float = 2.0) -> None:
        """Read commands until ``quit`` or the end of input, announcing arrivals while
        waiting (every ``poll`` seconds when stdin can be waited on)."""
        self.announce()
        while True:
            self.out.write(self.prompt)
            self.out.flush()
            text = self._read(stdin, poll)
            if text is None:
                self.say()
                return
            try:
                self.handle(text)
            except Quit:
                return

    def _read(self, stdin: TextIO, poll: float) -> str | None:
        try:
            fileno = stdin.fileno()
        except (AttributeError, OSError, ValueError):
            fileno = None
        while fileno is not None:
            ready, _w, _x = select.select([fileno], [], [], poll)
            if ready:
                break
            with contextlib.suppress(JournalError):
                self.session.refresh()
            if self.session.state.seq != self.seen_seq:
                self.out.write("\n")
                self.announce()
                self.out.write(self.prompt)
                self.out.flush()
        text = stdin.readline()
        return text if text else None


# --------------------------------------------------------------------------- player


class PlayerConsole(Console):
    """One cell's console: its numbered inbox, and the moves, messages and questions it
    sends."""

    def __init__(self, session: Session, cell: str, out: TextIO, lang: str | None = None) -> None:
        super().__init__(session, out)
        self.cell = cell
        #: the language asked for (--lang, EXERCISE_LANG), else the one the cell plays in
        self.lang = lang or session.scenario.cell_language(cell)
        if self.lang in i18n.LANGUAGES:
            i18n.set_language(self.lang)
        self._follow_language()
        self.prompt = f"{cell}> "
        self.numbers: dict[str, int] = {}
        self.announced: set[str] = set()
        #: the ruling or answer last announced for an item (a change is announced)
        self.settled: dict[str, str] = {}
        self.primed = False

    def commands(self) -> dict[str, tuple[Callable[[list[str], str], None], str]]:
        return {
            "list": (self.list_items, _("list every item, numbered (new ones marked)")),
            "read": (self.read, _("read N: show item N in full and mark it read")),
            "ack": (self.ack, _("ack N: acknowledge item N (close the loop)")),
            "reply": (self.reply, _("reply N TEXT: answer item N's sender")),
            "send": (self.send, _("send CELL[,CELL] TEXT: a message to other cells")),
            "move": (
                self.move,
                _("move [N] KIND CELL[,CELL]|- TEXT: a move, answering item N if given"),
            ),
            "argue": (
                self.argue,
                _("argue N for|against [strong] TEXT: argue move N while it awaits its ruling"),
            ),
            "ask": (self.ask, _("ask TEXT: a request for information to exercise control")),
            "kinds": (self.kinds, _("the kinds of move you may make")),
            "cells": (self.cells, _("the cells you may address")),
            "status": (self.status, _("game time and what is unread")),
            "briefing": (self.briefing, _("the exercise briefing")),
            "lang": (self.set_lang, _("lang LANG: show the scenario and the console in LANG")),
            "help": (self.help, _("this list")),
            "quit": (self.quit, _("leave the console")),
        }

    # ----------------------------------------------------------------- items

    def items(self) -> list[Item]:
        """The cell's inbox in arrival order; an item keeps its number for the session."""
        v = view(self.session.state, self.cell)
        entries: list[tuple[int, Item]] = []
        for i in v.injects:
            entries.append((i.released_seq, Item(0, f"inject:{i.id}", inject=i)))
        for t in v.traffic:
            entries.append((t.seq, Item(0, t.item, traffic=t)))
        for r in v.rfis:
            entries.append((r.seq, Item(0, f"request:{r.seq}", rfi=r)))
        entries.sort(key=lambda e: e[0])
        out = []
        for _seq, item in entries:
            if item.key not in self.numbers:
                self.numbers[item.key] = len(self.numbers) + 1
            item.number = self.numbers[item.key]
            out.append(item)
        return out

    def item(self, args: list[str]) -> Item | None:
        if not args or not args[0].isdigit():
            self.say(_("give the item's number, e.g. read 3 (list shows them)"))
            return None
        n = int(args[0])
        for it in self.items():
            if it.number == n:
                return it
        self.say(_("there is no item {n}; list shows the items").format(n=n))
        return None

    def _unread(self, it: Item) -> bool:
        if it.inject is not None:
            return not it.inject.read
        if it.rfi is not None:
            return False
        assert it.traffic is not None
        return it.traffic.cell != self.cell and not it.traffic.read

    def headline(self, it: Item) -> str:
        """One line for an item: number, new/acknowledged, kind, sender, title."""
        flags = []
        if self._unread(it):
            flags.append(_("new"))
        if it.inject is not None:
            inj = self.scenario.injects_by_id.get(it.inject.id)
            title = inj.title if inj is not None else it.inject.title
            sender = inj.from_ if inj is not None else it.inject.from_
            if it.inject.acknowledged:
                flags.append(_("acknowledged"))
            what = _("inject {id} from {sender}: {title}").format(
                id=it.inject.id, sender=sender or _("exercise control"), title=title
            )
        elif it.rfi is not None:
            r = it.rfi
            if r.cell == self.cell:
                what = _("your request to exercise control ({status}): {text}").format(
                    status=_("answered") if r.answer is not None else _("awaiting"),
                    text=_short(r.text),
                )
            else:
                what = _("public answer to a request from {cell}: {text}").format(
                    cell=r.cell, text=_short(r.answer or "")
                )
        else:
            t = it.traffic
            assert t is not None
            if t.acknowledged:
                flags.append(_("acknowledged"))
            body = player_text(_short(t.text), self.session.scenario.marking)
            if t.kind == "message":
                what = _("message from {cell} to {to}: {text}").format(
                    cell=t.cell, to=", ".join(t.to) or "-", text=body
                )
            else:
                what = _("move {kind} by {cell} to {to}: {text}").format(
                    kind=t.kind, cell=t.cell, to=", ".join(t.to) or "-", text=body
                )
        state = f" ({', '.join(flags)})" if flags else ""
        return f"{it.number}.{state} {what}"

    def list_items(self, _args: list[str], _rest: str) -> None:
        items = self.items()
        if not items:
            self.say(_("No items yet."))
            return
        for it in items:
            self.say(self.headline(it))
        self.announced.update(it.key for it in items)

    def read(self, args: list[str], _rest: str) -> None:
        it = self.item(args)
        if it is None:
            return
        self.say(self.headline(it))
        if it.rfi is not None:
            r = it.rfi
            marking = self.session.scenario.marking
            self.say(
                _("Asked at {clock}.").format(clock=game_clock(self.session.scenario, r.game_ms))
            )
            if r.text:
                self.say(player_text(r.text, marking))
            if r.answer is None:
                self.say(_("Awaiting exercise control's answer."))
            else:
                public = " " + _("(public)") if r.public else ""
                self.say(_("Answer{public}:").format(public=public))
                self.say(player_text(r.answer, marking))
            return
        if it.inject is not None:
            inj = self.scenario.injects_by_id.get(it.inject.id)
            body = inj.body if inj is not None else it.inject.body
            questions = inj.questions if inj is not None else it.inject.questions
            self.say(
                _("Channel: {channel}. To: {to}. Released at {clock}.").format(
                    channel=_(it.inject.channel.value),
                    to=", ".join(it.inject.to),
                    clock=game_clock(self.session.scenario, it.inject.released_ms),
                )
            )
            self.say(_plain_markdown(body))
            for i, q in enumerate(questions, 1):
                self.say(_("Question {n}: {text}").format(n=i, text=q))
        else:
            t = it.traffic
            assert t is not None
            marking = self.session.scenario.marking
            if t.subject:
                self.say(_("Subject: {subject}").format(subject=player_text(t.subject, marking)))
            if t.about:
                self.say(_("About: {about}").format(about=t.about))
            self.say(
                _("Sent at {clock}.").format(clock=game_clock(self.session.scenario, t.game_ms))
            )
            self.say(player_text(t.text, marking))
            if t.status or t.outcome:
                self.say(self._ruling(t))
        if self._unread(it):
            self.session.execute(c.MarkRead(self.cell, self.cell, it.key))
        if it.inject is not None and not it.inject.acknowledged:
            self.say(_("Type ack {n} to acknowledge it.").format(n=it.number))

    def ack(self, args: list[str], _rest: str) -> None:
        it = self.item(args)
        if it is None:
            return
        self.session.execute(c.Acknowledge(self.cell, self.cell, it.key))
        self.say(_("acknowledged item {n}").format(n=it.number))

    def _cells(self, text: str) -> tuple[str, ...] | None:
        if text == "-":
            return ()
        wanted = tuple(x for x in text.replace(";", ",").split(",") if x)
        known = {x.id for x in self.session.scenario.cells}
        unknown = [x for x in wanted if x not in known]
        if unknown:
            self.say(_("unknown cell {cell!r}; cells lists them").format(cell=unknown[0]))
            return None
        return wanted

    def reply(self, args: list[str], rest: str) -> None:
        it = self.item(args)
        if it is None:
            return
        text = rest.partition(" ")[2].strip()
        if not text:
            self.say(_("write: reply N TEXT"))
            return
        about: str | None
        if it.inject is not None:
            to = tuple(x.id for x in self.session.scenario.control_cells) or (CONTROL,)
            about = it.inject.id
        else:
            t = it.traffic
            assert t is not None
            to = (t.cell,) if t.cell != self.cell else t.to
            about = t.about
        self.session.execute(c.SendMessage(self.cell, self.cell, to, text, about=about))
        self.say(_("message sent to {to}").format(to=", ".join(to)))

    def send(self, args: list[str], rest: str) -> None:
        cells_text, _sep, text = rest.partition(" ")
        to = self._cells(cells_text) if cells_text else None
        if to is None:
            if not cells_text:
                self.say(_("write: send CELL[,CELL] TEXT"))
            return
        if not to or not text.strip():
            self.say(_("write: send CELL[,CELL] TEXT"))
            return
        self.session.execute(c.SendMessage(self.cell, self.cell, to, text.strip()))
        self.say(_("message sent to {to}").format(to=", ".join(to)))

    def move(self, args: list[str], rest: str) -> None:
        words = rest.split(" ", 3)
        answers = None
        if words and words[0].isdigit():
            it = self.item(words[:1])
            if it is None:
                return
            if it.inject is None:
                self.say(_("a move answers an inject; item {n} is not one").format(n=it.number))
                return
            answers = it.inject.id
            words = rest.split(" ", 1)[1].split(" ", 2) if " " in rest else []
        else:
            words = rest.split(" ", 2)
        if len(words) < 3 or not words[2].strip():
            self.say(_("write: move [N] KIND CELL[,CELL]|- TEXT (kinds lists the kinds)"))
            return
        kind, cells_text, text = words
        kinds = {k.id for k in self.session.scenario.move_kinds}
        if kind not in kinds:
            self.say(_("unknown kind of move {kind!r}; kinds lists them").format(kind=kind))
            return
        to = self._cells(cells_text)
        if to is None:
            return
        events = self.session.execute(
            c.SubmitMove(self.cell, self.cell, kind, text.strip(), to=to, answers=answers)
        )
        self.say(
            ngettext(
                "move submitted ({n} event recorded)",
                "move submitted ({n} events recorded)",
                len(events),
            ).format(n=len(events))
        )

    def argue(self, args: list[str], rest: str) -> None:
        usage = _("write: argue N for|against [strong] TEXT")
        words = rest.split(" ", 2)
        if len(words) < 3 or words[1] not in ("for", "against"):
            self.say(usage)
            return
        it = self.item(words[:1])
        if it is None:
            return
        t = it.traffic
        if t is None or not t.arguable:
            self.say(_("item {n} is not a move awaiting a ruling").format(n=it.number))
            return
        strong, text = False, words[2].strip()
        if text.split(" ", 1)[0] == "strong":
            strong, text = True, text.partition(" ")[2].strip()
        if not text:
            self.say(usage)
            return
        self.session.execute(c.Argue(self.cell, self.cell, t.seq, words[1], text, strong))
        self.say(_("argument on item {n} recorded").format(n=it.number))

    def ask(self, _args: list[str], rest: str) -> None:
        if not rest.strip():
            self.say(_("write: ask TEXT"))
            return
        self.session.execute(c.AskRfi(self.cell, self.cell, rest.strip()))
        self.say(_("request sent to exercise control"))

    def kinds(self, _args: list[str], _rest: str) -> None:
        for i, k in enumerate(self.scenario.move_kinds, 1):
            extra = " " + _("(adjudicated by exercise control)") if k.adjudicate else ""
            self.say(f"{i}. {k.id}: {k.title}{extra}")

    def cells(self, _args: list[str], _rest: str) -> None:
        for i, cell in enumerate(self.scenario.cells, 1):
            you = " " + _("(you)") if cell.id == self.cell else ""
            self.say(f"{i}. {cell.id}: {cell.name}{you}")

    def status(self, _args: list[str], _rest: str) -> None:
        items = self.items()
        unread = [it.number for it in items if self._unread(it)]
        state = self.session.state
        running = _("ended") if state.ended else _("running") if state.started else _("not started")
        self.say(
            _("{cell}, game time {clock} ({running}); {n} items, unread: {unread}").format(
                cell=self.cell,
                clock=self.clock(),
                running=running,
                n=len(items),
                unread=", ".join(map(str, unread)) or _("none"),
            )
        )

    def briefing(self, _args: list[str], _rest: str) -> None:
        scn = self.scenario
        self.say(scn.title)
        self.say(_plain_markdown(scn.briefing or scn.summary))

    def _ruling(self, t: TrafficView) -> str:
        """A move's status and control's ruling on it, in words (with the matrix roll)."""
        text = _("Status: {status}").format(status=_(t.status) if t.status else "-")
        if t.outcome:
            text += " — " + player_text(t.outcome, self.session.scenario.marking)
        if t.resolution is not None:
            text += " (" + matrix_words(t.resolution) + ")"
        return text

    def _settled(self, it: Item) -> str:
        """What has been decided about an item of the cell's own: a ruling, an answer."""
        if it.rfi is not None and it.rfi.cell == self.cell and it.rfi.answer is not None:
            return it.rfi.answer
        t = it.traffic
        if t is not None and t.cell == self.cell and t.status not in ("", "pending", "submitted"):
            return f"{t.status} {t.outcome}"
        return ""

    def announce(self) -> None:
        self.seen_seq = self.session.state.seq
        items = self.items()
        fresh = [it for it in items if it.key not in self.announced]
        for it in fresh:
            own = it.traffic is not None and it.traffic.cell == self.cell
            own = own or (it.rfi is not None and it.rfi.cell == self.cell)
            if not own:  # not what we just sent
                self.say(_("Arrived:") + " " + self.headline(it))
        self.announced.update(it.key for it in fresh)
        for it in items:
            settled = self._settled(it)
            if not settled or self.settled.get(it.key) == settled:
                continue
            self.settled[it.key] = settled
            if not self.primed:  # decided before the console opened: listed, not announced
                continue
            if it.rfi is not None and it.rfi.answer is not None:
                self.say(_("Answered: {headline}").format(headline=self.headline(it)))
                answer = player_text(it.rfi.answer, self.session.scenario.marking)
                self.say(_("Answer: {text}").format(text=answer))
            elif it.traffic is not None:
                self.say(_("Ruled on: {headline}").format(headline=self.headline(it)))
                self.say(self._ruling(it.traffic))
        self.primed = True


# --------------------------------------------------------------------------- control


class ControlConsole(Console):
    """Exercise control's essential actions: the clock, the MSEL, adjudication, ENDEX."""

    prompt = "control> "

    def commands(self) -> dict[str, tuple[Callable[[list[str], str], None], str]]:
        return {
            "msel": (self.msel, _("the MSEL, numbered, with each inject's status")),
            "start": (self.start, _("STARTEX: start the clock")),
            "pause": (self.pause, _("pause the clock")),
            "resume": (self.resume, _("resume the clock")),
            "release": (self.release, _("release N: release inject N now")),
            "due": (self.due, _("release every inject whose time has come")),
            "moves": (self.moves, _("moves awaiting adjudication, numbered")),
            "adjudicate": (
                self.adjudicate,
                _("adjudicate N accepted|rejected|modified TEXT: rule on move N"),
            ),
            "log": (self.log, _("log [N]: the last N events (default 10)")),
            "status": (self.status, _("game time and what is waiting")),
            "end": (self.end, _("end TEXT: ENDEX, with the reason")),
            "lang": (self.set_lang, _("lang LANG: show the scenario and the console in LANG")),
            "help": (self.help, _("this list")),
            "quit": (self.quit, _("leave the console")),
        }

    def _rows(self) -> Iterator[tuple[int, str, str, str]]:
        rows = msel_rows(self.session.state, self.session.game_ms())
        titles = self.scenario.injects_by_id
        for n, r in enumerate(rows, 1):
            title = titles[r.id].title if r.id in titles else r.title
            yield n, r.id, r.status, title

    def msel(self, _args: list[str], _rest: str) -> None:
        for n, ident, status, title in self._rows():
            self.say(f"{n}. {ident} ({_(status)}): {title}")

    def start(self, _args: list[str], _rest: str) -> None:
        self.session.execute(c.Start(CONTROL))
        self.say(_("STARTEX at {clock}").format(clock=self.clock()))

    def pause(self, _args: list[str], _rest: str) -> None:
        self.session.execute(c.Pause(CONTROL))
        self.say(_("clock paused at {clock}").format(clock=self.clock()))

    def resume(self, _args: list[str], _rest: str) -> None:
        self.session.execute(c.Resume(CONTROL))
        self.say(_("clock resumed at {clock}").format(clock=self.clock()))

    def release(self, args: list[str], _rest: str) -> None:
        rows = {str(n): ident for n, ident, _s, _t in self._rows()}
        ids = set(rows.values())
        if len(args) != 1 or (args[0] not in rows and args[0] not in ids):
            self.say(_("write: release N (msel shows the numbers)"))
            return
        inject = rows.get(args[0], args[0])
        self.session.execute(c.Release(CONTROL, inject))
        self.say(_("released {inject}").format(inject=inject))

    def due(self, _args: list[str], _rest: str) -> None:
        events = self.session.execute(c.ReleaseDue(CONTROL))
        self.say(
            ngettext("{n} event recorded", "{n} events recorded", len(events)).format(n=len(events))
        )

    def _queue(self) -> list[tuple[int, int, str]]:
        return [
            (n, m.seq, f"{m.cell} {m.kind}: {' '.join(m.text.split())}")
            for n, m in enumerate(adjudication_queue(self.session.state), 1)
        ]

    def moves(self, _args: list[str], _rest: str) -> None:
        queue = self._queue()
        if not queue:
            self.say(_("No moves await adjudication."))
        for n, _seq, text in queue:
            self.say(f"{n}. {text}")

    def adjudicate(self, args: list[str], rest: str) -> None:
        outcomes = ("accepted", "rejected", "modified")
        queue = {str(n): seq for n, seq, _t in self._queue()}
        if len(args) < 2 or args[0] not in queue or args[1] not in outcomes:
            self.say(_("write: adjudicate N accepted|rejected|modified TEXT (moves lists N)"))
            return
        text = rest.split(" ", 2)[2].strip() if len(rest.split(" ", 2)) > 2 else ""
        self.session.execute(c.Adjudicate(CONTROL, queue[args[0]], args[1], text))
        self.say(_("move {n} {outcome}").format(n=args[0], outcome=_(args[1])))

    def log(self, args: list[str], _rest: str) -> None:
        n = int(args[0]) if args and args[0].isdigit() else 10
        for event in self.session.journal.read(after=max(0, self.session.state.seq - n)):
            self.say(line(self.session.state, event))

    def status(self, _args: list[str], _rest: str) -> None:
        rows = list(self._rows())
        due_now = [str(n) for n, _i, s, _t in rows if s == "due"]
        state = self.session.state
        running = _("ended") if state.ended else _("running") if state.started else _("not started")
        self.say(
            _("game time {clock} ({running}); due now: {due}; moves to adjudicate: {moves}").format(
                clock=self.clock(),
                running=running,
                due=", ".join(due_now) or _("none"),
                moves=len(self._queue()),
            )
        )

    def end(self, _args: list[str], rest: str) -> None:
        self.session.execute(c.End(CONTROL, rest.strip()))
        self.say(_("ENDEX at {clock}").format(clock=self.clock()))

    def announce(self) -> None:
        new = (
            self.session.journal.read(after=self.seen_seq)
            if self.session.state.seq > self.seen_seq
            else []
        )
        for event in new:
            if event.actor != CONTROL:
                self.say(line(self.session.state, event))
        self.seen_seq = self.session.state.seq


def _plain_markdown(text: str) -> str:
    """Scenario Markdown read aloud: emphasis marks and heading hashes dropped."""
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*", r"\1", text)
    return text.strip()


__all__ = ["ControlConsole", "PlayerConsole", "safe"]
