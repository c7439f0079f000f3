"""The player's console: one cell's inbox, log, briefing and deadlines, and composers for
moves, messages and requests for information.

Everything shown comes from ``view(state, cell)``, so nothing addressed only to other
cells can appear; every command is sent as the joined cell, so the engine refuses
anything else."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.widgets.data_table import ColumnKey

from exercise import i18n
from exercise.engine import commands as c
from exercise.engine import view
from exercise.engine.describe import game_clock, game_when, grading_words, next_minute
from exercise.engine.queries import InboxItem, inbox
from exercise.engine.view import CellView, QuestionView, RfiView, TrafficView, concerns
from exercise.i18n import N_, _
from exercise.journal import Event, Journal
from exercise.model import Scenario
from exercise.session import JOIN_ACTOR, Session, principal
from exercise.text import for_terminal
from exercise.throttle import JoinThrottle, TooManyAttempts, client_address, throttle_file
from exercise.tui.choice import Choice
from exercise.tui.dialogs import (
    ArgueDialog,
    CoordinationDialog,
    FieldError,
    FormDialog,
    HelpScreen,
    Runner,
    Tick,
    focus_first_field,
    picked,
    recipients,
)
from exercise.tui.evaluator import EEGScreen, EvaluatingApp
from exercise.tui.follow import JournalMoved
from exercise.tui.keybar import KeyBar
from exercise.tui.language import Localised, kind_word, localise_bindings, word
from exercise.tui.reach import PLAYER_CONSOLE, way_in
from exercise.tui.text import content, md_escape, one_line, plain

#: Console actor of a refused join (it has proved no cell).
ANONYMOUS = JOIN_ACTOR


def sender_word(i: InboxItem) -> str:
    """Who sent an item: a cell's id, a scenario's originator, or exercise control."""
    return _("exercise control") if i.scenario_text and i.sender == CONTROL_NAME else i.sender


#: The sender the engine names for an inject without an originator.
CONTROL_NAME = "exercise control"


def item_markdown(i: InboxItem) -> str:
    """An inbox item in the detail pane: scenario text as Markdown (reflowed), players'
    text escaped so that it shows as typed."""
    if i.scenario_text:
        head = f"### {md_escape(i.title)}\n\n" + _("*From {sender} · {kind}*").format(
            sender=md_escape(sender_word(i)), kind=md_escape(kind_word(i.kind))
        )
        if i.when:
            head += f"  \n{md_escape(i.when)}"
        if i.grading:
            head += "  \n" + _("Grading: {grading} ({words})").format(
                grading=md_escape(i.grading), words=md_escape(grading_words(i.grading))
            )
        if i.clock:
            head += f"  \n{md_escape(i.clock)}"
        if i.marking:
            head = f"**{md_escape(i.marking)}**\n\n{head}"
        body = for_terminal(i.body) or _("*(no text)*")
        if i.questions:
            body += "\n\n" + _("**Questions**") + "\n\n"
            body += "\n".join(f"- {md_escape(q)}" for q in i.questions)
        tail = f"\n\n**{md_escape(i.marking)}**" if i.marking else ""
        return f"{head}\n\n{body}{tail}"
    to = md_escape(", ".join(i.to) or "-")
    head = _("**{kind}** from **{sender}** to {cells}").format(
        kind=md_escape(word(i.kind)), sender=md_escape(i.sender), cells=to
    )
    if i.about:
        head += " " + _("(about {inject})").format(inject=md_escape(i.about))
    if i.subject:
        head += "  \n" + _("**Subject:** {subject}").format(subject=md_escape(i.subject))
    tail = "\n\n" + _("*Open for arguments: g argues for or against it.*") if i.arguable else ""
    return f"{head}\n\n{md_escape(i.body)}{tail}"


def traffic_markdown(t: TrafficView) -> str:
    """One of the cell's own moves or messages, with control's ruling when there is one."""
    head = _("**{kind}** (event {seq}) to {cells}").format(
        kind=md_escape(word(t.kind)), seq=t.seq, cells=md_escape(", ".join(t.to) or "-")
    )
    if t.about:
        head += " " + _("(about {inject})").format(inject=md_escape(t.about))
    if t.subject:
        head += "  \n" + _("**Subject:** {subject}").format(subject=md_escape(t.subject))
    parts = [head, md_escape(t.text)]
    if t.status in ("accepted", "rejected", "modified"):
        ruling = _("### Ruling: {status}").format(status=word(t.status))
        if t.outcome:
            ruling += f"\n\n{md_escape(t.outcome)}"
        r = t.resolution
        if r is not None:
            d1, d2 = r.dice
            args = r.strong_for - r.strong_against
            ruling += "\n\n" + _(
                "Matrix roll: 2d6 = {d1} + {d2}, strong arguments {args}, "
                "modifier {modifier}: total {total}, {verdict}"
            ).format(
                d1=d1, d2=d2, args=f"{args:+d}", modifier=f"{r.modifier:+d}", total=r.total,
                verdict=_("succeeds") if r.success else _("fails"),
            )  # fmt: skip
            if r.override:
                ruling += _("; umpire's decision: {decision}").format(
                    decision=md_escape(word(str(r.override)))
                )
        parts.append(ruling)
    elif t.status == "pending":
        parts.append(_("*Awaiting exercise control's ruling.*"))
    return "\n\n".join(parts)


def request_markdown(r: RfiView) -> str:
    parts = [_("**Request for information** (event {seq})").format(seq=r.seq), md_escape(r.text)]
    if r.answer is None:
        parts.append(_("*Awaiting exercise control's answer.*"))
    else:
        heading = _("### Answer (public)") if r.public else _("### Answer")
        parts.append(f"{heading}\n\n{md_escape(r.answer)}")
    return "\n\n".join(parts)


# ---------------------------------------------------------------------- dialogs


class _Compose(FormDialog):
    def __init__(
        self,
        run: Runner,
        scenario: Scenario,
        cell: str,
        injects: list[str],
        *,
        to: tuple[str, ...] = (),
        about: str | None = None,
        done: str = "",
    ) -> None:
        super().__init__(run, done=done)
        self.scenario = scenario
        self.cell = cell
        self.injects = injects
        self.to = to
        self.about_inject = about

    def _recipients(self) -> SelectionList[str]:
        return recipients(self.scenario, exclude=self.cell, selected=self.to)

    def _about(self, label: str = "") -> ComposeResult:
        yield Label(label or _("About inject (optional)"), classes="field-label")
        about = self.about_inject if self.about_inject in self.injects else Select.NULL
        yield Choice(
            [(content(i), i) for i in self.injects], value=about, id="about", prompt=_("(none)")
        )

    def about(self) -> str | None:
        value = self.query_one("#about", Select).value
        return None if value is Select.NULL else str(value)

    def text(self) -> str:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise FieldError(_("write the text first"), "text")
        return text


class MoveComposer(_Compose):
    HEADING = N_("New move")

    def fields(self) -> ComposeResult:
        yield Label(_("Action"), classes="field-label")
        kinds = [(content(f"{k.id} — {k.title}"), k.id) for k in self.scenario.move_kinds]
        yield Choice(kinds, id="kind", prompt=_("Select"))
        yield Label(_("Addressed to"), classes="field-label")
        yield self._recipients()
        yield from self._about(_("Answers inject (optional)"))
        yield Label(_("What you do, the result you intend, and why"), classes="field-label")
        yield TextArea(id="text")

    def command(self) -> c.Command:
        kind = self.query_one("#kind", Select).value
        if kind is Select.NULL:
            raise FieldError(_("choose the action"), "kind")
        self.done = _("Move sent to exercise control")
        return c.SubmitMove(
            self.cell, self.cell, str(kind), self.text(), picked(self), self.about()
        )


class MessageComposer(_Compose):
    HEADING = N_("New message")

    def fields(self) -> ComposeResult:
        yield Label(_("To"), classes="field-label")
        yield self._recipients()
        yield Label(_("Subject"), classes="field-label")
        yield Input(self.subject, id="subject")
        yield from self._about()
        yield Label(_("Message"), classes="field-label")
        yield TextArea(id="text")

    subject = ""

    def focus_start(self) -> None:
        # a reply already has its recipient: start in the text
        if self.to:
            self.query_one("#text", TextArea).focus()
        else:
            focus_first_field(self)

    def command(self) -> c.Command:
        to = picked(self)
        if not to:
            raise FieldError(_("choose at least one recipient (space ticks a cell)"), "to")
        subject = self.query_one("#subject", Input).value.strip()
        self.done = _("Message sent to {cells}").format(cells=", ".join(to))
        return c.SendMessage(self.cell, self.cell, to, self.text(), subject, self.about())


class RfiComposer(_Compose):
    HEADING = N_("Request for information to exercise control")

    def fields(self) -> ComposeResult:
        yield from self._about()
        yield Label(_("Your question"), classes="field-label")
        yield TextArea(id="text")

    def focus_start(self) -> None:
        self.query_one("#text", TextArea).focus()  # the question first; the inject is optional

    def command(self) -> c.Command:
        self.done = _("Request sent to exercise control")
        return c.AskRfi(self.cell, self.cell, self.text(), self.about())


class AnswerComposer(FormDialog):
    """The cell's answer to one discussion question (answering again replaces it)."""

    def __init__(self, run: Runner, cell: str, question: QuestionView) -> None:
        super().__init__(run)
        self.cell = cell
        self.question = question
        self.heading = _("Question {ref} — {module}").format(
            ref=question.ref, module=question.module_title
        )

    def fields(self) -> ComposeResult:
        yield Static(content(self.question.text), classes="move-text")
        yield Label(_("Your cell's answer"), classes="field-label")
        yield TextArea(self.question.answer or "", id="text")
        yield Tick(_("Share this answer with every cell"), self.question.shared, id="shared")

    def command(self) -> c.Command:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise ValueError(_("write the answer first"))
        shared = self.query_one("#shared", Checkbox).value
        q = self.question
        return c.AnswerQuestion(self.cell, self.cell, q.module, q.number, text, shared)


# ------------------------------------------------------------------------ screens


class LobbyScreen(Screen[None], Localised):
    """Pick the cell and enter its join code."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", N_("Quit")),
        Binding("f1", "app.help", N_("Help")),
    ]

    def __init__(
        self, scenario: Scenario, cell: str | None, evaluators: Iterable[str] = ()
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.cell = cell
        #: evaluators with a join code: their codes open the EEG from this lobby too
        self.evaluators = tuple(evaluators)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="lobby"):
            yield Label(content(self.scenario.title), classes="dialog-title")
            yield Label(_("Your cell"), classes="field-label")
            cells = [
                (content(f"{x.id} — {x.name}"), x.id)
                for x in self.scenario.player_cells
                if self.cell in (None, x.id)  # a console started for a cell is that cell's
            ]
            cells += [
                (content(_("evaluator {name}").format(name=name)), c.evaluator_actor(name))
                for name in self.evaluators
            ]
            yield Choice(cells, value=self.cell or Select.NULL, id="cell", prompt=_("Select"))
            yield Label(_("Join code (from exercise control)"), classes="field-label")
            yield Input(id="code", password=True, placeholder="XXXX-XXXX")
            yield Label("", id="error", classes="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(_("Join"), variant="primary", id="join")
            yield Label(_("F2: Русский · F3: high contrast · F1: keys"), id="lobby-keys")

    def on_mount(self) -> None:
        if self.cell:
            self.query_one("#code", Input).focus()
        else:
            focus_first_field(self)

    @on(Button.Pressed, "#join")
    @on(Input.Submitted, "#code")
    async def join(self) -> None:
        cell = self.query_one("#cell", Select).value
        code = self.query_one("#code", Input).value
        error = self.query_one("#error", Label)
        if cell is Select.NULL:
            error.update(_("choose your cell"))
            self.query_one("#cell", Select).focus()
            return
        button = self.query_one("#join", Button)
        button.disabled = True
        error.update(_("checking…"))
        self.post_message(JoinRequested(str(cell), code))

    def refused(self, reason: str) -> None:
        self.query_one("#join", Button).disabled = False
        self.query_one("#error", Label).update(content(reason))
        self.query_one("#code", Input).value = ""


class JoinRequested(Message):
    def __init__(self, cell: str, code: str) -> None:
        super().__init__()
        self.cell = cell
        self.code = code


for _command, _action in (
    (c.SubmitMove, "move"), (c.SendMessage, "message"), (c.AskRfi, "rfi"),
    (c.Acknowledge, "acknowledge"), (c.MarkRead, "open"), (c.Argue, "argue"),
    (c.Join, "lobby"), (c.RefuseJoin, "lobby"), (c.Leave, "quit"),
    (c.StateIntent, "coordinate('intent')"), (c.Consult, "coordinate('consult')"),
    (c.AnswerConsultation, "coordinate('answer')"), (c.GiveConsent, "coordinate('consent')"),
    (c.RefuseConsent, "coordinate('consent')"), (c.AnswerQuestion, "answer"),
):  # fmt: skip
    way_in(_command, PLAYER_CONSOLE, _action)


class PlayerScreen(Screen[None], Localised):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "app.help", N_("Help")),
        Binding("enter", "open", N_("Open"), show=False),
        Binding("a", "acknowledge", N_("Acknowledge")),
        Binding("m", "move", N_("Move")),
        Binding("w", "message", N_("Message")),
        Binding("r", "reply", N_("Reply")),
        Binding("g", "argue", N_("Argue")),
        Binding("question_mark", "rfi", N_("Ask control")),
        Binding("i", "coordinate('intent')", N_("Intent")),
        Binding("k", "coordinate('consult')", N_("Consult")),
        Binding("o", "coordinate('answer')", N_("Answer consultation")),
        Binding("y", "coordinate('consent')", N_("Consent")),
        Binding("1", "tab('inbox')", N_("Inbox"), show=False),
        Binding("2", "tab('log')", N_("Log"), show=False),
        Binding("3", "tab('briefing')", N_("Briefing"), show=False),
        Binding("4", "tab('deadlines')", N_("Deadlines"), show=False),
        Binding("5", "tab('discussion')", N_("Discussion"), show=False),
        Binding("d", "answer", N_("Answer question")),
        Binding("q", "app.quit", N_("Quit")),
    ]

    def __init__(self, cell: str, scenario: Scenario) -> None:
        super().__init__()
        self.cell = cell
        self.scenario = scenario
        self.items: dict[str, InboxItem] = {}
        self.mine: dict[str, TrafficView | RfiView] = {}
        self.drawn: list[tuple[str, bool, bool]] = []
        #: the inbox's game-time cells by identity, with their item's place in the journal
        self.inbox_seq: dict[int, tuple[int, Text]] = {}
        self.inbox_columns: list[ColumnKey] = []
        self.log_drawn: list[tuple[str, str, str]] = []
        self.questions: dict[str, QuestionView] = {}
        self.questions_drawn: list[Any] = []
        self.deadlines_drawn: list[tuple[str, str, str, str]] = []
        self.detail_shown: tuple[str, str] = ("", "")
        #: the view last drawn, for the tabs drawn only once shown (see ``draw``)
        self.last: tuple[CellView, list[InboxItem]] | None = None
        self.status_shown = ""
        self.briefed = False  # the briefing tab's Markdown built (on first show)

    def compose(self) -> ComposeResult:
        # loaded with this screen: the join form, the first frame, needs no Markdown
        from textual.widgets import Markdown

        self.on_resize()  # before the widgets are styled: styling them twice is slow
        yield Static(id="status")
        with TabbedContent(id="tabs", initial="inbox"):
            with TabPane(_("Inbox"), id="inbox"), Horizontal(id="inbox-split", classes="split"):
                yield DataTable(id="inbox-table", cursor_type="row")
                with VerticalScroll(id="detail-pane", classes="detail-pane"):
                    yield Markdown("", id="detail")
            with TabPane(_("My log"), id="log"), Horizontal(id="log-split", classes="split"):
                yield DataTable(id="log-table", cursor_type="row")
                with VerticalScroll(id="log-detail-pane", classes="detail-pane"):
                    yield Markdown("", id="log-detail")
            with TabPane(_("Briefing"), id="briefing"):
                yield VerticalScroll(id="briefing-pane")  # its Markdown: when first shown
            with TabPane(_("Deadlines"), id="deadlines"):
                yield DataTable(id="deadlines-table", cursor_type="row")
            with TabPane(_("Discussion"), id="discussion"):
                yield DataTable(id="questions-table", cursor_type="row")
        yield KeyBar()

    def on_resize(self, event: object = None) -> None:
        narrow = self.app.size.width < 110
        if self.has_class("narrow") != narrow:
            self.set_class(narrow, "narrow")

    def on_mount(self) -> None:
        self.on_resize()
        for table_id, cols in (
            (
                "#inbox-table",
                (("", 1), (N_("Game"), 9), (N_("From"), 12), (N_("Kind"), 10), (N_("Title"), None)),
            ),
            (
                "#log-table",
                (("#", 4), (N_("Game"), 9), (N_("Kind"), 8), (N_("To"), 12),
                 (N_("Status"), max(8, *(len(_(w)) for w in LOG_STATUSES))), (N_("Text"), None)),
            ),
            (
                "#deadlines-table",
                ((N_("What"), 11), (N_("Item"), 12), (N_("Since"), 9), (N_("Detail"), None)),
            ),
            (
                "#questions-table",
                ((N_("Q"), 6), (N_("Question"), 40), (N_("Our answer"), 30),
                 (N_("Shared by others"), None)),
            ),
        ):  # fmt: skip
            table = self.query_one(table_id, DataTable)
            keys = [
                table.add_column(_(label) if label else "", width=width) for label, width in cols
            ]
            if table_id == "#inbox-table":
                self.inbox_columns = keys
        self.query_one("#inbox-table", DataTable).focus()

    def draw(self, v: CellView, now_ms: int, run: str, trouble: str) -> None:
        scn = self.scenario
        items = inbox(v)
        self.items = {i.item: i for i in items}
        unread = sum(1 for i in items if not i.read)
        cell = scn.cell(self.cell)
        parts = [
            cell.id,
            _("{count} unread").format(count=unread),
            game_when(scn, now_ms),
            run,
            cell.name,
        ]
        if trouble:
            parts.append(f"⚠ {trouble}")
        status = "  │  ".join(parts)
        if status != self.status_shown:
            # one line of fixed height: no layout of the screen, only this line repainted
            self.status_shown = status
            self.query_one("#status", Static).update(content(status), layout=False)
        drawn = [(i.item, i.read, i.acknowledged) for i in items]
        if drawn != self.drawn:
            self._draw_inbox(items, drawn)
        self.show_detail()
        self.questions = {q.ref: q for q in v.questions}
        self.last = (v, items)
        self._draw_tab(self.query_one("#tabs", TabbedContent).active)

    def _inbox_cells(self, i: InboxItem) -> list[Text]:
        """The inbox row of ``i`` but its game time (which never changes)."""
        mark = "✓" if i.acknowledged else ("●" if not i.read else "")
        style = "bold" if not i.read else ""
        return [
            plain(mark, "yellow"),
            plain(sender_word(i), style),
            plain(kind_word(i.kind), style),
            plain(one_line(i.title), style),
        ]

    def _draw_inbox(self, items: list[InboxItem], drawn: list[tuple[str, bool, bool]]) -> None:
        """Bring the inbox table to ``items`` (newest first) changing what changed only:
        an item read or acknowledged updates its cells, new items are added as rows and
        put in order; anything else (an item gone) rebuilds the table."""
        table = self.query_one("#inbox-table", DataTable)
        selected = self.selected()
        old = {item: (read, ack) for item, read, ack in self.drawn}
        ids = [d[0] for d in drawn]
        mark, game, *rest = self.inbox_columns
        if not set(old) <= set(ids):
            table.clear()
            old, self.inbox_seq = {}, {}
        for i, (item, read, ack) in zip(items, drawn, strict=True):
            if item not in old:
                when = plain(game_clock(self.scenario, i.game_ms))
                self.inbox_seq[id(when)] = (i.seq, when)  # (the text kept: its id stays its own)
                first, *others = self._inbox_cells(i)
                table.add_row(first, when, *others, key=item)
            elif old[item] != (read, ack):
                for column, cell in zip((mark, *rest), self._inbox_cells(i), strict=True):
                    table.update_cell(item, column, cell)
        if len(old) < len(ids):
            if old:  # new rows went in last: newest first again
                table.sort(game, key=lambda when: self.inbox_seq[id(when)][0], reverse=True)
            index = next((n for n, item in enumerate(ids) if item == selected), 0)
            table.move_cursor(row=index, animate=False)
        self.drawn = drawn

    def _draw_tab(self, tab: str) -> None:
        """The log, deadlines and discussion tables are brought up to date when their tab
        is shown (and while it is): a cell's own moves, sent from another of its consoles,
        need not rebuild a hidden log in every console of the cell. The briefing's
        Markdown (many widgets) is built the first time its tab is shown."""
        if tab == "briefing" and not self.briefed:
            from textual.widgets import Markdown

            self.briefed = True
            briefing = self.scenario.briefing
            text = for_terminal(briefing) if briefing else _("*No briefing.*")
            self.query_one("#briefing-pane", VerticalScroll).mount(Markdown(text))
        if self.last is None:
            return
        v, items = self.last
        if tab == "log":
            self._draw_log(v)
            self.show_log_detail()
        elif tab == "deadlines":
            self._draw_deadlines(v, items)
        elif tab == "discussion":
            self._draw_questions(v)

    @on(TabbedContent.TabActivated, "#tabs")
    def tab_shown(self, event: TabbedContent.TabActivated) -> None:
        self._draw_tab(event.pane.id or "")

    def _draw_questions(self, v: CellView) -> None:
        """The open modules' discussion questions, this cell's answers, shared answers."""
        self.questions = {q.ref: q for q in v.questions}
        drawn = [(q.ref, q.answer, q.shared, q.others) for q in v.questions]
        if drawn == self.questions_drawn:
            return
        self.questions_drawn = drawn
        table = self.query_one("#questions-table", DataTable)
        table.clear()
        for q in v.questions:
            others = "; ".join(f"{cell}: {text}" for cell, text in q.others)
            mine = (q.answer or _("(not answered)")) + (_(" [shared]") if q.shared else "")
            table.add_row(
                plain(q.ref),
                plain(one_line(q.text)),
                plain(one_line(mine), "" if q.answer else "yellow"),
                plain(one_line(others) or "-"),
                key=q.ref,
            )

    def action_answer(self) -> None:
        table = self.query_one("#questions-table", DataTable)
        if not self.questions:
            self.app.notify(_("no discussion question is open"), severity="warning")
            return
        if self.query_one("#tabs", TabbedContent).active != "discussion":
            self.action_tab("discussion")
        ref = next(iter(self.questions))
        if table.row_count:
            ref = str(table.coordinate_to_cell_key(table.cursor_coordinate)[0].value)
        self.post_message(AnswerWanted(self.questions[ref]))

    def _draw_log(self, v: CellView) -> None:
        scn = self.scenario
        table = self.query_one("#log-table", DataTable)
        mine: list[TrafficView | RfiView] = [t for t in v.traffic if t.cell == self.cell]
        mine += [r for r in v.rfis if r.cell == self.cell]
        mine.sort(key=lambda t: -t.seq)
        self.mine = {_log_key(t): t for t in mine}
        drawn = [(_log_key(t), _log_status(t), _log_text(t)) for t in mine]
        if drawn == self.log_drawn:
            return
        self.log_drawn = drawn
        selected = self.selected_log()
        table.clear()
        for t in mine:
            kind = word(t.kind) if isinstance(t, TrafficView) else _("request")
            to = ", ".join(t.to) if isinstance(t, TrafficView) else _("control")
            status = _log_status(t)
            style = {"accepted": "green", "rejected": "red", "modified": "yellow",
                     "answered": "green"}.get(status, "")  # fmt: skip
            table.add_row(
                plain(t.seq),
                plain(game_clock(scn, t.game_ms)),
                plain(kind),
                plain(to),
                plain(word(status), style),
                plain(one_line(_log_text(t), 300)),
                key=_log_key(t),
            )
        if mine:
            index = next((n for n, t in enumerate(mine) if _log_key(t) == selected), 0)
            table.move_cursor(row=index, animate=False)

    def _draw_deadlines(self, v: CellView, items: list[InboxItem]) -> None:
        """Rebuilt only when what it lists changed (not at every journal change)."""
        scn = self.scenario
        rows = [
            (_("acknowledge"), i.item, game_clock(scn, i.game_ms), one_line(i.title))
            for i in items
            if not i.acknowledged and not i.item.startswith("request:")
        ]
        rows += [
            (
                _("awaiting"),
                _("request {seq}").format(seq=r.seq),
                game_clock(scn, r.game_ms),
                one_line(r.text),
            )
            for r in v.rfis
            if r.cell == self.cell and r.answer is None
        ]
        if rows == self.deadlines_drawn:
            return
        self.deadlines_drawn = rows
        table = self.query_one("#deadlines-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(*map(plain, row))

    def selected(self) -> str | None:
        return _selected(self.query_one("#inbox-table", DataTable))

    def selected_log(self) -> str | None:
        return _selected(self.query_one("#log-table", DataTable))

    def show_detail(self) -> None:
        item = self.items.get(self.selected() or "")
        text = item_markdown(item) if item else _("*Nothing received yet.*")
        self._show("#detail", text, 0)

    def show_log_detail(self) -> None:
        t = self.mine.get(self.selected_log() or "")
        if t is None:
            text = _("*Nothing sent yet.*")
        elif isinstance(t, TrafficView):
            text = traffic_markdown(t)
        else:
            text = request_markdown(t)
        self._show("#log-detail", text, 1)

    def _show(self, widget: str, text: str, slot: int) -> None:
        shown = list(self.detail_shown)
        if shown[slot] == text:
            return
        shown[slot] = text
        self.detail_shown = (shown[0], shown[1])
        from textual.widgets import Markdown  # (imported by compose)

        self.query_one(widget, Markdown).update(text)

    @on(DataTable.RowHighlighted, "#inbox-table")
    def highlighted(self) -> None:
        self.show_detail()

    @on(DataTable.RowSelected, "#questions-table")
    def question_selected(self) -> None:
        self.action_answer()

    @on(DataTable.RowHighlighted, "#log-table")
    def log_highlighted(self) -> None:
        self.show_log_detail()

    @on(DataTable.RowSelected, "#inbox-table")
    def action_open(self) -> None:
        item = self.items.get(self.selected() or "")
        if item is not None and not item.read:
            self.post_message(Wants(c.MarkRead(self.cell, self.cell, item.item)))

    def action_acknowledge(self) -> None:
        item = self.items.get(self.selected() or "")
        if item is None:
            self.app.notify(_("nothing selected"), severity="warning")
        elif item.acknowledged:
            self.app.notify(
                _("{item} is already acknowledged").format(item=item_words(item.item)),
                markup=False,
            )
        else:
            self.post_message(
                Wants(
                    c.Acknowledge(self.cell, self.cell, item.item),
                    _("acknowledged {item}").format(item=item_words(item.item)),
                )
            )

    def _injects(self) -> list[str]:
        return [
            i.item.split(":", 1)[1] for i in self.items.values() if i.item.startswith("inject:")
        ]

    def _selected_inject(self) -> str | None:
        """The inject selected in the inbox, which a new move, message or request is
        most likely about (the form starts with it; the player may pick another)."""
        if self.query_one("#tabs", TabbedContent).active != "inbox":
            return None
        key = self.selected() or ""
        return key.split(":", 1)[1] if key.startswith("inject:") else None

    def action_move(self) -> None:
        self.post_message(
            ComposeWanted(MoveComposer, self._injects(), about=self._selected_inject())
        )

    def action_message(self) -> None:
        self.post_message(
            ComposeWanted(MessageComposer, self._injects(), about=self._selected_inject())
        )

    def action_reply(self) -> None:
        """A message to whoever sent the selected item (control, for an inject)."""
        item = self.items.get(self.selected() or "")
        if item is None:
            self.app.notify(_("select a received item to reply to"), severity="warning")
            return
        if item.scenario_text:
            about = item.item.split(":", 1)[1]
            self.post_message(ComposeWanted(RfiComposer, self._injects(), about=about))
            return
        subject = item.subject or one_line(item.body, 40)
        if not subject.lower().startswith("re:"):
            subject = f"Re: {subject}"
        self.post_message(
            ComposeWanted(MessageComposer, self._injects(), to=(item.sender,), subject=subject)
        )

    def action_argue(self) -> None:
        key = self.selected()
        tab = self.query_one("#tabs", TabbedContent).active
        move = None
        if tab == "inbox" and key in self.items and self.items[key].arguable:
            move = self.items[key].move
        elif tab == "log":
            t = self.mine.get(self.selected_log() or "")
            if isinstance(t, TrafficView) and t.arguable:
                move = int(t.item.split(":", 1)[1])
        if move is None:
            self.app.notify(
                _("select a move that awaits control's ruling (inbox or log)"), severity="warning"
            )
            return
        self.post_message(ArgueWanted(move))

    def action_rfi(self) -> None:
        self.post_message(
            ComposeWanted(RfiComposer, self._injects(), about=self._selected_inject())
        )

    def action_coordinate(self, mode: str) -> None:
        """Intent, consultation, answer or consent: coordination before acting."""
        self.post_message(CoordinateWanted(mode, self._injects()))

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab
        self._draw_tab(tab)  # at once, for what the key does next in the tab
        # Focus follows into the shown tab, so that a widget left focused in a hidden
        # tab cannot switch the tabs back.
        target = {
            "inbox": "#inbox-table",
            "log": "#log-table",
            "briefing": "#briefing-pane",
            "deadlines": "#deadlines-table",
            "discussion": "#questions-table",
        }[tab]
        self.query_one(target).focus()


def _selected(table: DataTable[object]) -> str | None:
    if not table.row_count:
        return None
    return str(table.coordinate_to_cell_key(table.cursor_coordinate)[0].value)


#: The statuses of the cell's own traffic in its log (the column fits the longest).
LOG_STATUSES = (
    "sent",
    "submitted",
    "pending",
    "accepted",
    "rejected",
    "modified",
    "answered",
    "awaiting",
)


def item_words(item: str) -> str:
    """An inbox item's key (``inject:INC-001``, ``message:12``) as a player reads it
    (``INC-001``, ``message 12``)."""
    kind, _sep, ref = item.partition(":")
    if kind == "inject":
        return ref
    if kind in ("message", "move", "request") and ref:
        return f"{word(kind)} {ref}"
    return item


def _log_key(t: TrafficView | RfiView) -> str:
    return t.item if isinstance(t, TrafficView) else f"request:{t.seq}"


def _log_status(t: TrafficView | RfiView) -> str:
    if isinstance(t, TrafficView):
        return t.status or "sent"
    return "answered" if t.answer is not None else "awaiting"


def _log_text(t: TrafficView | RfiView) -> str:
    if isinstance(t, TrafficView):
        return t.text + (f" → {t.outcome}" if t.outcome else "")
    return t.text + (f" → {t.answer}" if t.answer is not None else "")


class Wants(Message):
    """The screen asks the app to execute a command (``done``: the confirmation)."""

    def __init__(self, command: c.Command, done: str = "") -> None:
        super().__init__()
        self.command = command
        self.done = done


class ComposeWanted(Message):
    """The screen asks for a composer form."""

    def __init__(
        self,
        form: type[_Compose],
        injects: list[str],
        *,
        to: tuple[str, ...] = (),
        about: str | None = None,
        subject: str = "",
    ) -> None:
        super().__init__()
        self.form = form
        self.injects = injects
        self.to = to
        self.about = about
        self.subject = subject


class CoordinateWanted(Message):
    def __init__(self, mode: str, injects: list[str]) -> None:
        super().__init__()
        self.mode = mode
        self.injects = injects


class AnswerWanted(Message):
    def __init__(self, question: QuestionView) -> None:
        super().__init__()
        self.question = question


class ArgueWanted(Message):
    def __init__(self, move: int) -> None:
        super().__init__()
        self.move = move


#: Seconds between two redraws while other processes' events keep arriving.
CATCH_UP = 0.25

#: The longest wait for the next look at the game clock (a slow clock, a wall clock
#: set back).
LONGEST_TICK = 60.0


class PlayerApp(EvaluatingApp):
    CSS_PATH: ClassVar[list[str | PurePath]] = ["common.tcss", "player.tcss", "evaluator.tcss"]
    # a player is shown others' events within a fraction of a second, not 50 ms: half the
    # wake-ups of control's console while the session is quiet
    watch_step_ms: ClassVar[int] = 100

    def __init__(
        self,
        session: Session,
        *,
        cell: str | None = None,
        code: str | None = None,
        connect: Callable[[], Journal] | None = None,
        tick: float | None = 1.0,
        wrong_code_delay: float = 2.0,
        lang: str | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__(session, connect, theme=theme)
        #: the language asked for (--lang, EXERCISE_LANG); else the cell's, once joined
        self.lang = lang
        self.preset_cell = cell
        self.preset_code = code
        self.cell: str | None = None
        self.tick_every = tick
        self.delay = wrong_code_delay
        self.known: dict[str, str] = {}  # what the cell has been told about: item -> status
        self._shown = ""  # the game clock drawn in the status line
        self._left = False  # console.left recorded
        self._unseen: list[Event] = []  # folded, not yet looked at by sync
        self._drawn_trouble = ""
        self._synced = 0.0  # monotonic time of the last sync
        self._catching_up: Timer | None = None  # a sync due for other processes' events
        self._ticking: Timer | None = None  # the next look at the game clock
        self._clock = session.state.clock  # the clock the next look was timed on
        session.listeners.append(self._unseen_event)
        session.prepare_join()
        address = session.journal.address
        # attempts from one client address are slowed across every console process
        self.throttle = (
            None
            if address == ":memory:"
            else JoinThrottle(throttle_file(address), interval=wrong_code_delay)
        )
        self.client = client_address()

    async def on_mount(self) -> None:
        plays = principal(self.session.journal)
        if plays is not None:  # the server knows the cell by the role: no code to ask
            refusal = await self.login(plays, "")
            if refusal is None:
                return
            self.notify(refusal, severity="error", markup=False)
        if self.preset_cell and self.preset_code is not None:
            refusal = await self.login(self.preset_cell, self.preset_code)
            if refusal is None:
                return
            self.notify(refusal, severity="error", markup=False)
        evaluators = sorted(n for n, e in self.session.state.evaluators.items() if e.code_hash)
        if self.preset_cell:  # `join --cell` (an SSH key's forced command): that cell only
            evaluators = []
        self.push_screen(LobbyScreen(self.session.scenario, self.preset_cell, evaluators))

    def on_unmount(self) -> None:
        self.leave()
        super().on_unmount()

    def _unseen_event(self, event: Event) -> None:
        self._unseen.append(event)

    def leave(self) -> None:
        """Record that this console closes (quit, or the app shutting down), once; a
        console killed without closing records nothing: control sees it silent."""
        if self.cell is not None and not self._left:
            self._left = True
            self.run_quietly(c.Leave(self.cell, self.cell))

    def _give_back_slot(self) -> None:
        """The code was right: its slot goes back, so the next player of this address
        (a room behind one NAT) does not wait behind it."""
        if self.throttle is not None:
            with contextlib.suppress(sqlite3.Error):
                self.throttle.succeeded(self.client)

    @on(JoinRequested)
    async def join_requested(self, message: JoinRequested) -> None:
        refusal = await self.login(message.cell, message.code)
        if refusal and isinstance(self.screen, LobbyScreen):
            self.screen.refused(refusal)

    async def login(self, cell: str, code: str) -> str | None:
        """Check the code (off the UI thread: the hash is slow on purpose), record the
        join or the refused attempt, and open the cell's console. Attempts from one client
        address are spaced out across every console process (a role's grant is no guess).
        A console started for a cell (``join --cell``, as an SSH key's forced command runs
        it) opens that cell's console and no other: another cell or an evaluator is refused
        before any code is checked."""
        if self.preset_cell and cell != self.preset_cell:
            return _(
                "this console was started for cell {cell} only; to join as another cell "
                "or as an evaluator, start another console"
            ).format(cell=self.preset_cell)
        reserved = False
        if self.throttle is not None and principal(self.session.journal) != cell:
            try:
                wait = self.throttle.reserve(self.client)
                reserved = True
            except TooManyAttempts as exc:
                return _(
                    "too many join attempts from your address; try again in {seconds} s"
                ).format(seconds=f"{exc.retry_after:.0f}")
            except sqlite3.Error:  # the throttle file is unusable: slow down anyway
                wait = self.delay
            if wait > 0:
                await asyncio.sleep(wait)
        evaluator = c.evaluator_name(cell)
        if evaluator is not None:  # an evaluator's code: this console becomes its EEG
            refusal = await self.evaluator_login(evaluator, code)
            if refusal:
                return refusal
            if reserved:
                self._give_back_slot()
            self.start_evaluating(evaluator)
            await self.open_eeg(self.tick_every)
            return None
        wrong = await asyncio.to_thread(self.session.check_join, cell, code)
        refusal = self.session.record_join(cell, wrong)  # in the lobby's language
        if refusal:
            await asyncio.sleep(self.delay)  # slow down guessing
            return refusal
        if reserved:
            self._give_back_slot()
        self.cell = cell
        self.sub_title = for_terminal(cell)
        source = self.session.source_scenario
        # the language asked for, else the cell's; a scenario in one language only leaves
        # the interface in the language of the locale
        lang = self.lang or (source.cell_language(cell) if source.translations else None)
        lang = lang or i18n.language()
        if lang in i18n.LANGUAGES:
            i18n.set_language(lang)
            localise_bindings(self)
        self.session.use_language(lang)  # the scenario's text in the cell's language
        self.known = self._status(self.view())
        await self.push_screen(PlayerScreen(cell, self.session.scenario))
        self.redraw()
        if self.connect is not None:
            self.follow_journal()
        self._tick_later()
        return None

    async def rebuild(self) -> None:
        """The cell's screen (or the lobby) anew in the interface language."""
        while len(self.screen_stack) > 1 and not isinstance(
            self.screen, PlayerScreen | LobbyScreen | EEGScreen
        ):
            await self.pop_screen()
        if self.evaluator is not None:  # the lobby took an evaluator's code: the EEG
            await self.rebuild_eeg()
            return
        if self.cell is None:
            if isinstance(self.screen, LobbyScreen):
                await self.switch_screen(LobbyScreen(self.session.scenario, self.preset_cell))
            return
        await self.switch_screen(PlayerScreen(self.cell, self.session.scenario))
        self.redraw()

    def view(self) -> CellView:
        assert self.cell is not None
        return view(self.session.state, self.cell, self.session.game_ms())

    def tick(self) -> None:
        """When the minute of the game clock shown in the status line changes (timed on the
        clock: a console of a quiet session wakes once a game minute, not every second)."""
        self._ticking = None
        state = self.session.state
        if state.started and state.clock.running and not state.ended:
            shown = game_clock(self.session.scenario, self.session.game_ms())
            if shown != self._shown:
                self._shown = shown
                if self.connect is None:
                    self.sync()
                else:
                    self.redraw()
        self._tick_later()

    def _tick_later(self) -> None:
        """Time the next ``tick`` for the next minute of the game clock (not sooner than
        ``tick_every`` seconds); none while the clock stands (a clock event, folded by
        ``sync``, times it again)."""
        if not self.tick_every or self.cell is None:
            return
        if self._ticking is not None:
            self._ticking.stop()
            self._ticking = None
        state = self.session.state
        self._clock = state.clock
        if not (state.started and state.clock.running and not state.ended):
            return
        wait = next_minute(self.session.scenario, state.clock, self.session.clock())
        if wait is not None:
            wait = min(max(self.tick_every, wait), LONGEST_TICK)
            self._ticking = self.set_timer(wait, self.tick, name="game clock")

    def on_journal_moved(self, message: JournalMoved) -> None:
        """Other processes appended: fold and draw at once, then at most every
        ``CATCH_UP`` seconds while their events keep coming (a burst of 64 consoles'
        traffic is drawn a few times, not once an event). Control's console, and this
        console's own writes, are not held back."""
        message.prevent_default()  # (instead of the console's, which syncs every time)
        if message.seq <= self.session.state.seq or self._catching_up is not None:
            return
        wait = self._synced + CATCH_UP - time.monotonic()
        if wait <= 0:
            self.sync()
        else:
            self._catching_up = self.set_timer(wait, self._catch_up, name="catch up")

    def _catch_up(self) -> None:
        self._catching_up = None
        self.sync()

    def sync(self) -> None:
        """Fold what the journal gained; redraw unless none of it concerns the cell (the
        engine says which events may change its view: another cell's move to others, say)."""
        self._synced = time.monotonic()
        if self.evaluator is not None:
            self.sync_evaluation()
            return
        self.refresh_session()
        if self.session.state.clock != self._clock:
            self._tick_later()  # paused, resumed, sped up or jumped
        new, self._unseen = self._unseen, []
        if (
            self.cell is not None
            and new
            and self.trouble == self._drawn_trouble
            and not any(concerns(self.session.state, self.cell, e) for e in new)
        ):
            return
        self.redraw()

    def redraw(self) -> None:
        if self.cell is None:
            return
        v = self.view()
        self._drawn_trouble = self.trouble
        self._tell(v)
        state = self.session.state
        run = (
            _("ENDEX") if state.ended else _("not started") if not state.started
            else _("RUNNING") if state.clock.running else _("PAUSED")
        )  # fmt: skip
        for screen in self.screen_stack:
            if isinstance(screen, PlayerScreen):
                screen.draw(v, self.session.game_ms(), run, self.trouble)

    @staticmethod
    def _status(v: CellView) -> dict[str, str]:
        known = {f"inject:{i.id}": "inject" for i in v.injects}
        for t in v.traffic:
            known[t.item] = t.status if t.cell == v.cell else "received"
        for r in v.rfis:
            known[f"request:{r.seq}"] = "answered" if r.answer is not None else "asked"
        return known

    def _tell(self, v: CellView) -> None:
        """Notify (with the bell) what is new for the cell: injects, messages, rulings
        on its moves and answers to its requests."""
        now = self._status(v)
        ring = False
        for t in v.traffic:
            before = self.known.get(t.item)
            if t.cell == v.cell and before == "pending" and t.status not in ("pending", ""):
                text = _("Move {seq} {status}").format(seq=t.seq, status=word(t.status))
                text += f": {t.outcome}" if t.outcome else ""
                self.notify(
                    text,
                    title=_("Ruling"),
                    severity="error" if t.status == "rejected" else "information",
                    markup=False,
                    timeout=10,
                )
                ring = True
            elif t.cell != v.cell and before is None:
                self.notify(
                    _("{kind} from {cell}").format(kind=word(t.kind), cell=t.cell),
                    title=_("Received"),
                    markup=False,
                )
                ring = True
        for i in v.injects:
            if f"inject:{i.id}" not in self.known:
                self.notify(
                    i.title,
                    title=_("New inject {inject}").format(inject=i.id),
                    markup=False,
                    timeout=10,
                )
                ring = True
        for r in v.rfis:
            key = f"request:{r.seq}"
            if r.answer is not None and self.known.get(key) != "answered":
                self.notify(
                    r.answer,
                    title=_("Answer to request {seq}").format(seq=r.seq),
                    markup=False,
                    timeout=10,
                )
                ring = True
        self.known = now
        if ring:
            self.bell()

    # ------------------------------------------------------ requests from the screen

    @on(Wants)
    def wanted(self, message: Wants) -> None:
        self.act(message.command, message.done)

    @on(ComposeWanted)
    def compose_wanted(self, message: ComposeWanted) -> None:
        assert self.cell is not None
        form = message.form(
            self.attempt, self.session.scenario, self.cell, message.injects,
            to=message.to, about=message.about,
        )  # fmt: skip
        if isinstance(form, MessageComposer):
            form.subject = message.subject
        self.push_screen(form)

    @on(CoordinateWanted)
    def coordinate_wanted(self, message: CoordinateWanted) -> None:
        if self.cell is not None:
            self.push_screen(
                CoordinationDialog(
                    self.attempt, self.session.state, self.cell, message.mode, message.injects
                )
            )

    @on(AnswerWanted)
    def answer_wanted(self, message: AnswerWanted) -> None:
        if self.cell is not None:
            self.push_screen(AnswerComposer(self.attempt, self.cell, message.question))

    @on(ArgueWanted)
    def argue_wanted(self, message: ArgueWanted) -> None:
        move = self.session.state.moves.get(message.move)
        if move is not None and self.cell is not None:
            self.push_screen(ArgueDialog(self.attempt, self.session.scenario, move, self.cell))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, PlayerScreen):
            yield SystemCommand(_("New move"), _("Submit a move"), screen.action_move)
            yield SystemCommand(
                _("New message"), _("Send a message to other cells"), screen.action_message
            )
            yield SystemCommand(_("Reply"), _("Answer the selected item"), screen.action_reply)
            yield SystemCommand(
                _("Argue"), _("For or against a move awaiting its ruling"), screen.action_argue
            )
            yield SystemCommand(_("Ask control"), _("A request for information"), screen.action_rfi)
            yield SystemCommand(
                _("Answer a discussion question"), _("The selected question"), screen.action_answer
            )
            yield SystemCommand(
                _("Acknowledge the selected item"), _("Close the loop"), screen.action_acknowledge
            )
            yield SystemCommand(_("Keys"), _("Every key of this screen"), self.action_help)
        yield from self.look_commands()


__all__ = ["InboxItem", "LobbyScreen", "PlayerApp", "PlayerScreen", "inbox"]
