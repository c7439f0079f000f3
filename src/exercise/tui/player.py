"""The player's console: one cell's inbox, log, briefing and deadlines, and composers for
moves, messages and requests for information.

Everything shown comes from ``view(state, cell)``, so nothing addressed only to other
cells can appear; every command is sent as the joined cell, so the engine refuses
anything else."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Any, ClassVar

import attrs
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Input,
    Label,
    Markdown,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from exercise import joincodes
from exercise.engine import DomainError, view
from exercise.engine import commands as c
from exercise.engine.describe import game_clock, game_when, grading_words
from exercise.engine.view import CellView, InjectView, QuestionView, TrafficView
from exercise.journal import Journal, JournalError
from exercise.model import Scenario
from exercise.session import Session, principal
from exercise.tui.base import ConsoleApp
from exercise.tui.dialogs import FormDialog, Runner, focus_first_field
from exercise.tui.text import content, one_line, plain

#: Console actor of a refused join (it has proved no cell).
ANONYMOUS = "console"


@attrs.frozen
class InboxItem:
    """One row of the inbox: an inject or a message/move received."""

    item: str
    seq: int
    game_ms: int
    sender: str
    kind: str
    title: str
    body: str
    read: bool
    acknowledged: bool


def inbox(v: CellView) -> list[InboxItem]:
    """Injects and traffic addressed to the cell (or made public), newest first."""
    items = [
        InboxItem(f"inject:{i.id}", i.released_seq, i.released_ms, i.from_ or "exercise control",
                  f"inject ({i.channel.value})", i.title, _inject_text(i), i.read, i.acknowledged)
        for i in v.injects
    ]  # fmt: skip
    for t in v.traffic:
        if t.cell == v.cell:
            continue
        title = t.subject or one_line(t.text, 60)
        items.append(
            InboxItem(
                t.item,
                t.seq,
                t.game_ms,
                t.cell,
                t.kind,
                title,
                _traffic_text(t),
                t.read,
                t.acknowledged,
            )
        )
    return sorted(items, key=lambda x: x.seq, reverse=True)


def _inject_text(i: InjectView) -> str:
    lines = [i.marking] if i.marking else []
    lines += [
        f"{i.id} — {i.title}",
        f"From {i.from_ or 'exercise control'} by {i.channel.value}, {i.when}",
    ]
    if i.grading:
        lines.append(f"Grading: {i.grading} ({grading_words(i.grading)})")
    if i.clock:
        lines.append(i.clock)
    lines += ["", i.body]
    if i.marking:
        lines += ["", i.marking]
    if i.questions:
        lines += ["", "Questions:"] + [f"  ? {q}" for q in i.questions]
    return "\n".join(lines)


def _traffic_text(t: TrafficView) -> str:
    head = f"{t.kind} from {t.cell} to {', '.join(t.to) or '-'}"
    if t.about:
        head += f" (about {t.about})"
    lines = [head]
    if t.subject:
        lines.append(f"Subject: {t.subject}")
    lines += ["", t.text]
    if t.outcome:
        lines += ["", f"Outcome ({t.status}): {t.outcome}"]
    return "\n".join(lines)


# ---------------------------------------------------------------------- dialogs


class _Compose(FormDialog):
    def __init__(self, run: Runner, scenario: Scenario, cell: str, injects: list[str]) -> None:
        super().__init__(run)
        self.scenario = scenario
        self.cell = cell
        self.injects = injects

    def _recipients(self) -> SelectionList[str]:
        return SelectionList[str](
            *[(f"{x.id} — {x.name}", x.id) for x in self.scenario.cells if x.id != self.cell],
            id="to",
        )

    def _about(self, label: str = "About inject (optional)") -> ComposeResult:
        yield Label(label, classes="field-label")
        yield Select([(i, i) for i in self.injects], id="about", prompt="(none)")

    def about(self) -> str | None:
        value = self.query_one("#about", Select).value
        return None if value is Select.NULL else str(value)

    def text(self) -> str:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise ValueError("write the text first")
        return text


class MoveComposer(_Compose):
    HEADING = "New move"

    def fields(self) -> ComposeResult:
        yield Label("Action", classes="field-label")
        yield Select([(f"{k.id} — {k.title}", k.id) for k in self.scenario.move_kinds], id="kind")
        yield Label("Addressed to", classes="field-label")
        yield self._recipients()
        yield from self._about("Answers inject (optional)")
        yield Label("What you do, the result you intend, and why", classes="field-label")
        yield TextArea(id="text")

    def command(self) -> c.Command:
        kind = self.query_one("#kind", Select).value
        if kind is Select.NULL:
            raise ValueError("choose the action")
        to = tuple(self.query_one("#to", SelectionList).selected)
        return c.SubmitMove(self.cell, self.cell, str(kind), self.text(), to, self.about())


class MessageComposer(_Compose):
    HEADING = "New message"

    def fields(self) -> ComposeResult:
        yield Label("To", classes="field-label")
        yield self._recipients()
        yield Label("Subject", classes="field-label")
        yield Input(id="subject")
        yield from self._about()
        yield Label("Message", classes="field-label")
        yield TextArea(id="text")

    def command(self) -> c.Command:
        to = tuple(self.query_one("#to", SelectionList).selected)
        if not to:
            raise ValueError("choose at least one recipient")
        subject = self.query_one("#subject", Input).value.strip()
        return c.SendMessage(self.cell, self.cell, to, self.text(), subject, self.about())


class RfiComposer(_Compose):
    HEADING = "Request for information to exercise control"

    def fields(self) -> ComposeResult:
        yield from self._about()
        yield Label("Your question", classes="field-label")
        yield TextArea(id="text")

    def command(self) -> c.Command:
        return c.AskRfi(self.cell, self.cell, self.text(), self.about())


class AnswerComposer(FormDialog):
    """The cell's answer to one discussion question (answering again replaces it)."""

    def __init__(self, run: Runner, cell: str, question: QuestionView) -> None:
        super().__init__(run)
        self.cell = cell
        self.question = question
        self.heading = f"Question {question.ref} — {question.module_title}"

    def fields(self) -> ComposeResult:
        yield Static(content(self.question.text), classes="move-text")
        yield Label("Your cell's answer", classes="field-label")
        yield TextArea(self.question.answer or "", id="text")
        yield Checkbox("Share this answer with every cell", self.question.shared, id="shared")

    def command(self) -> c.Command:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise ValueError("write the answer first")
        shared = self.query_one("#shared", Checkbox).value
        q = self.question
        return c.AnswerQuestion(self.cell, self.cell, q.module, q.number, text, shared)


# ------------------------------------------------------------------------ screens


class LobbyScreen(Screen[None]):
    """Pick the cell and enter its join code."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.quit", "Quit")]

    def __init__(self, scenario: Scenario, cell: str | None) -> None:
        super().__init__()
        self.scenario = scenario
        self.cell = cell

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="lobby"):
            yield Label(content(self.scenario.title), classes="dialog-title")
            yield Label("Your cell", classes="field-label")
            cells = [(f"{x.id} — {x.name}", x.id) for x in self.scenario.player_cells]
            yield Select(cells, value=self.cell or Select.NULL, id="cell")
            yield Label("Join code (from exercise control)", classes="field-label")
            yield Input(id="code", password=True, placeholder="XXXX-XXXX")
            yield Label("", id="error", classes="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Join", variant="primary", id="join")

    def on_mount(self) -> None:
        if self.cell:
            self.query_one("#code", Input).focus()
        else:
            focus_first_field(self)  # type: ignore[arg-type]

    @on(Button.Pressed, "#join")
    @on(Input.Submitted, "#code")
    async def join(self) -> None:
        cell = self.query_one("#cell", Select).value
        code = self.query_one("#code", Input).value
        error = self.query_one("#error", Label)
        if cell is Select.NULL:
            error.update("choose your cell")
            return
        button = self.query_one("#join", Button)
        button.disabled = True
        error.update("checking…")
        app = self.app
        assert isinstance(app, PlayerApp)
        refusal = await app.login(str(cell), code)
        button.disabled = False
        if refusal:
            error.update(content(refusal))
            self.query_one("#code", Input).value = ""


class PlayerScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", show=False),
        Binding("a", "acknowledge", "Acknowledge"),
        Binding("m", "move", "Move"),
        Binding("w", "message", "Message"),
        Binding("question_mark", "rfi", "Ask control"),
        Binding("1", "tab('inbox')", "Inbox", show=False),
        Binding("2", "tab('log')", "Log", show=False),
        Binding("3", "tab('briefing')", "Briefing", show=False),
        Binding("4", "tab('deadlines')", "Deadlines", show=False),
        Binding("5", "tab('discussion')", "Discussion", show=False),
        Binding("d", "answer", "Answer question"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, cell: str) -> None:
        super().__init__()
        self.cell = cell
        self.items: dict[str, InboxItem] = {}
        self.drawn: list[tuple[str, bool, bool]] = []
        self.log_drawn: list[tuple[str, str, str]] = []
        self.questions: dict[str, QuestionView] = {}
        self.questions_drawn: list[Any] = []

    @property
    def papp(self) -> PlayerApp:
        app = self.app
        assert isinstance(app, PlayerApp)
        return app

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with TabbedContent(id="tabs", initial="inbox"):
            with TabPane("Inbox", id="inbox"), Horizontal(id="inbox-split"):
                yield DataTable(id="inbox-table", cursor_type="row")
                with VerticalScroll(id="detail-pane"):
                    yield Static("", id="detail")
            with TabPane("My log", id="log"):
                yield DataTable(id="log-table", cursor_type="row")
            with TabPane("Briefing", id="briefing"), VerticalScroll():
                yield Markdown(self.papp.session.scenario.briefing or "*No briefing.*")
            with TabPane("Deadlines", id="deadlines"):
                yield DataTable(id="deadlines-table", cursor_type="row")
            with TabPane("Discussion", id="discussion"):
                yield DataTable(id="questions-table", cursor_type="row")
        yield Footer()

    def on_resize(self, event: object = None) -> None:
        narrow = self.app.size.width < 110
        if self.has_class("narrow") != narrow:
            self.set_class(narrow, "narrow")

    def on_mount(self) -> None:
        self.on_resize()
        for table_id, cols in (
            ("#inbox-table", (("", 2), ("Game", 9), ("From", 16), ("Kind", 12), ("Title", None))),
            (
                "#log-table",
                (("#", 5), ("Game", 9), ("Kind", 10), ("To", 18), ("Status", 9), ("Text", None)),
            ),
            ("#deadlines-table", (("What", 12), ("Item", 14), ("Since", 9), ("Detail", None))),
            (
                "#questions-table",
                (("Q", 6), ("Question", 40), ("Our answer", 30), ("Shared by others", None)),
            ),
        ):
            table = self.query_one(table_id, DataTable)
            for label, width in cols:
                table.add_column(label, width=width)
        self.redraw()

    def redraw(self) -> None:
        papp = self.papp
        v = papp.view()
        scn = papp.session.scenario
        state = papp.session.state
        now = papp.session.game_ms()
        items = inbox(v)
        self.items = {i.item: i for i in items}
        unread = sum(1 for i in items if not i.read)
        run = (
            "ENDEX"
            if state.ended
            else (
                "not started"
                if not state.started
                else ("RUNNING" if state.clock.running else "PAUSED")
            )
        )
        cell = scn.cell(self.cell)
        parts = [cell.id, f"{unread} unread", game_when(scn, now), run, cell.name]
        if papp.trouble:
            parts.append(f"⚠ {papp.trouble}")
        self.query_one("#status", Static).update(content("  │  ".join(parts)))
        table = self.query_one("#inbox-table", DataTable)
        drawn = [(i.item, i.read, i.acknowledged) for i in items]
        if drawn != self.drawn:
            selected = self.selected()
            table.clear()
            for i in items:
                mark = "✓" if i.acknowledged else ("●" if not i.read else "")
                style = "bold" if not i.read else ""
                table.add_row(
                    plain(mark, "yellow"),
                    plain(game_clock(scn, i.game_ms)),
                    plain(i.sender, style),
                    plain(i.kind, style),
                    plain(one_line(i.title), style),
                    key=i.item,
                )
            if items:
                index = next((n for n, i in enumerate(items) if i.item == selected), 0)
                table.move_cursor(row=index, animate=False)
            self.drawn = drawn
        self._draw_log(v)
        self._draw_deadlines(v, items)
        self._draw_questions(v)
        self.show_detail()

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
            mine = (q.answer or "(not answered)") + (" [shared]" if q.shared else "")
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
            self.app.notify("no discussion question is open", severity="warning")
            return
        if self.query_one("#tabs", TabbedContent).active != "discussion":
            self.action_tab("discussion")
        ref = next(iter(self.questions))
        if table.row_count:
            ref = str(table.coordinate_to_cell_key(table.cursor_coordinate)[0].value)
        self.app.push_screen(AnswerComposer(self.papp.attempt, self.cell, self.questions[ref]))

    def _draw_log(self, v: CellView) -> None:
        scn = self.papp.session.scenario
        table = self.query_one("#log-table", DataTable)
        mine = sorted((t for t in v.traffic if t.cell == self.cell), key=lambda t: -t.seq)
        drawn = [(t.item, t.status, t.outcome) for t in mine]
        if drawn == self.log_drawn:
            return
        self.log_drawn = drawn
        table.clear()
        for t in mine:
            text = t.text + (f" → {t.outcome}" if t.outcome else "")
            table.add_row(
                plain(t.seq),
                plain(game_clock(scn, t.game_ms)),
                plain(t.kind),
                plain(", ".join(t.to)),
                plain(t.status or "sent"),
                plain(one_line(text)),
                key=t.item,
            )

    def _draw_deadlines(self, v: CellView, items: list[InboxItem]) -> None:
        scn = self.papp.session.scenario
        table = self.query_one("#deadlines-table", DataTable)
        table.clear()
        for i in items:
            if not i.acknowledged:
                table.add_row(
                    plain("acknowledge"),
                    plain(i.item),
                    plain(game_clock(scn, i.game_ms)),
                    plain(one_line(i.title)),
                )
        for r in v.rfis:
            if r.cell == self.cell and r.answer is None:
                table.add_row(
                    plain("awaiting"),
                    plain(f"request {r.seq}"),
                    plain("-"),
                    plain(one_line(r.text)),
                )
            elif r.answer is not None:
                table.add_row(
                    plain("answered"),
                    plain(f"request {r.seq}"),
                    plain("-"),
                    plain(one_line(r.answer)),
                )

    def selected(self) -> str | None:
        table = self.query_one("#inbox-table", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate)[0].value)

    def show_detail(self) -> None:
        item = self.items.get(self.selected() or "")
        self.query_one("#detail", Static).update(
            content(item.body if item else "Nothing received yet.")
        )

    @on(DataTable.RowHighlighted, "#inbox-table")
    def highlighted(self) -> None:
        self.show_detail()

    @on(DataTable.RowSelected, "#questions-table")
    def question_selected(self) -> None:
        self.action_answer()

    @on(DataTable.RowSelected, "#inbox-table")
    def action_open(self) -> None:
        item = self.items.get(self.selected() or "")
        if item is not None and not item.read:
            self.papp.act(c.MarkRead(self.cell, self.cell, item.item))

    def action_acknowledge(self) -> None:
        item = self.items.get(self.selected() or "")
        if item is None:
            self.app.notify("nothing selected", severity="warning")
        elif item.acknowledged:
            message = f"{item.item} is already acknowledged"
            self.app.notify(message, markup=False)
        else:
            self.papp.act(
                c.Acknowledge(self.cell, self.cell, item.item), f"acknowledged {item.item}"
            )

    def _injects(self) -> list[str]:
        return [
            i.item.split(":", 1)[1] for i in self.items.values() if i.item.startswith("inject:")
        ]

    def action_move(self) -> None:
        self.app.push_screen(
            MoveComposer(self.papp.attempt, self.papp.session.scenario, self.cell, self._injects())
        )

    def action_message(self) -> None:
        self.app.push_screen(
            MessageComposer(
                self.papp.attempt, self.papp.session.scenario, self.cell, self._injects()
            )
        )

    def action_rfi(self) -> None:
        self.app.push_screen(
            RfiComposer(self.papp.attempt, self.papp.session.scenario, self.cell, self._injects())
        )

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab
        if tab == "discussion":
            self.query_one("#questions-table", DataTable).focus()


class PlayerApp(ConsoleApp):
    CSS_PATH: ClassVar[list[str | PurePath]] = ["common.tcss", "player.tcss"]

    def __init__(
        self,
        session: Session,
        *,
        cell: str | None = None,
        code: str | None = None,
        connect: Callable[[], Journal] | None = None,
        tick: float | None = 1.0,
        wrong_code_delay: float = 2.0,
    ) -> None:
        super().__init__(session, connect)
        self.preset_cell = cell
        self.preset_code = code
        self.cell: str | None = None
        self.tick_every = tick
        self.delay = wrong_code_delay
        self._hashes: dict[str, str] = json.loads(session.journal.meta().get("join_codes") or "{}")

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
        self.push_screen(LobbyScreen(self.session.scenario, self.preset_cell))

    async def login(self, cell: str, code: str) -> str | None:
        """Check the code; on success record the join and open the cell's console."""
        known = {x.id for x in self.session.scenario.player_cells}
        stored = self._hashes.get(cell)
        by_role = principal(self.session.journal) == cell
        if not by_role and (
            cell not in known or stored is None or not joincodes.check_code(code, stored)
        ):
            with contextlib.suppress(DomainError, JournalError):  # the refusal stands anyway
                self.session.execute(c.RefuseJoin(ANONYMOUS, cell))
            await asyncio.sleep(self.delay)  # slow down guessing
            if stored is None and cell in known:
                return "this session has no join code for that cell; ask exercise control"
            return "wrong join code for that cell"
        refusal = self.attempt(c.Join(cell, cell))
        if refusal:
            return refusal
        self.cell = cell
        self.sub_title = cell
        await self.push_screen(PlayerScreen(cell))
        if self.connect is not None:
            self.follow_journal()
        if self.tick_every:
            self.set_interval(self.tick_every, self.sync)
        return None

    def view(self) -> CellView:
        assert self.cell is not None
        return view(self.session.state, self.cell, self.session.game_ms())

    def sync(self) -> None:
        self.refresh_session()
        for screen in self.screen_stack:
            if isinstance(screen, PlayerScreen):
                screen.redraw()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, PlayerScreen):
            yield SystemCommand("New move", "Submit a move", screen.action_move)
            yield SystemCommand(
                "New message", "Send a message to other cells", screen.action_message
            )
            yield SystemCommand("Ask control", "A request for information", screen.action_rfi)
            yield SystemCommand(
                "Answer a discussion question", "The selected question", screen.action_answer
            )
            yield SystemCommand(
                "Acknowledge the selected item", "Close the loop", screen.action_acknowledge
            )


__all__ = ["InboxItem", "LobbyScreen", "PlayerApp", "PlayerScreen", "inbox"]
