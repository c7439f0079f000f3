"""The facilitator's main screen: a status line, the MSEL board, and tabs for the live
feed, the cells, the adjudication queue and the scores.

Each pane is a widget drawn from a :class:`Picture` of the session (the state, the game
time, the scores) that the app hands down, and each pane posts :class:`Open` or
:class:`Act` messages up when the user opens a row or presses an action key. The
screen never reaches into the app: it imports nothing from ``tui.app``."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import ClassVar

import attrs
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane
from textual.widgets.data_table import ColumnKey

from exercise.engine import State
from exercise.engine import events as ev
from exercise.engine.describe import describe, game_clock, game_when, reason_words
from exercise.engine.queries import (
    DUE,
    MselRow,
    adjudication_queue,
    cell_rows,
    current_module,
    msel_rows,
    next_due,
    open_requests,
)
from exercise.i18n import N_, Num, _
from exercise.model import Scenario
from exercise.model.event import Event
from exercise.scoring import Award, Scores
from exercise.tui.keybar import KeyBar
from exercise.tui.language import Localised, kind_word
from exercise.tui.text import content, one_line, plain

STATUS_STYLE = {
    "pending": "",
    DUE: "bold yellow",
    "released": "green",
    "held": "magenta",
    "skipped": "dim strike",
}
#: An inject's status as the board shows it (the engine's words, translated when drawn).
STATUS_WORDS = {
    "pending": N_("pending"),
    DUE: N_("due"),
    "released": N_("released"),
    "held": N_("held"),
    "skipped": N_("skipped"),
}
FEED_TYPES = {
    ev.MOVE_SUBMITTED: N_("move"),
    ev.MESSAGE_SENT: N_("message"),
    ev.ITEM_ACKNOWLEDGED: N_("ack"),
    ev.INJECT_RELEASED: N_("inject"),
    ev.MOVE_ADJUDICATED: N_("ruling"),
    ev.RFI_ASKED: N_("request"),
    ev.RFI_ANSWERED: N_("answer"),
    ev.MOVE_ARGUED: N_("argument"),
    ev.OBSERVATION_RECORDED: N_("observation"),
    ev.INJECT_ADDED: N_("ad hoc"),
    ev.CONSOLE_JOINED: N_("joined"),
    ev.CONSOLE_REFUSED: N_("join refused"),
}


def _minutes(ms: int) -> str:
    m = ms // 60_000
    return f"+{m // 60:02d}:{m % 60:02d}"


def award_key(a: Award) -> str:
    """An award's identity, stable across recomputations (rule and occurrence)."""
    return f"{a.rule}|{a.objective}|{a.key}"


def points(value: float) -> str:
    """Points for a table: two decimals at most (``3.33``, ``10``, ``2.5``)."""
    return str(Num(round(value, 2) + 0.0))


@attrs.frozen
class Presence:
    """When a cell's console last joined, when the cell last did anything, how many of
    its consoles are open (joined and not left) and when the last one left."""

    joined_ms: int | None = None
    active_ms: int | None = None
    refused: int = 0
    open: int = 0
    left_ms: int | None = None

    def words(self, scenario: Scenario) -> str:
        """For the Cells tab: ``● 10:32`` (online, last active), ``○ left 10:45``,
        ``○ not joined``."""
        if self.open <= 0 and self.left_ms is not None:
            return _("○ left {time}").format(time=game_clock(scenario, self.left_ms))
        seen = self.active_ms if self.active_ms is not None else self.joined_ms
        return _("○ not joined") if seen is None else f"● {game_clock(scenario, seen)}"


@attrs.frozen
class Picture:
    """What the facilitator's panes draw: handed down by the app at every redraw."""

    state: State
    scenario: Scenario
    now_ms: int
    scores: Scores
    scores_version: int
    approve: bool
    trouble: str
    codes: dict[str, str]
    presence: dict[str, Presence]
    address: str


class Open(Message):
    """The user opened a row: ``what`` is inject, event, cell, move, request or award."""

    def __init__(self, what: str, key: str) -> None:
        super().__init__()
        self.what = what
        self.key = key


class Act(Message):
    """An action key on the selected row (``key``: the inject, cell, move or request)."""

    def __init__(self, action: str, key: str | None) -> None:
        super().__init__()
        self.action = action
        self.key = key


class Pane(Vertical):
    """A pane with one main table; Enter on a row posts :class:`Open`."""

    KIND = ""

    @property
    def table(self) -> DataTable[object]:
        return self.query_one(DataTable)

    def selected(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate)[0].value)

    def focus_table(self) -> None:
        self.table.focus()

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(Open(self.KIND, str(event.row_key.value)))


def _columns(table: DataTable[object], cols: tuple[tuple[str, int | None], ...]) -> list[ColumnKey]:
    """Add the columns; each label (marked with N_) is shown in the interface language."""
    return [table.add_column(_(label) if label else "", width=width) for label, width in cols]


class MselBoard(Pane):
    """Every inject in game-time order; the next due one marked and followed."""

    KIND = "inject"

    def compose(self) -> ComposeResult:
        yield Static(_("MSEL"), classes="pane-title")
        yield DataTable(id="msel", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        # the status column fits the longest status word of the language (8 in English)
        status = max(8, *(len(_(w)) for w in STATUS_WORDS.values()))
        cols = (("", 1), (N_("Time"), 8), (N_("Inject"), 8), (N_("Status"), status),
                (N_("To"), 12), (N_("Title"), None))  # fmt: skip
        self.columns = _columns(self.table, cols)
        self.drawn: list[tuple[str, tuple[str, ...]]] = []
        self.upcoming: str | None = None
        self.following = True

    def draw(self, picture: Picture) -> None:
        table = self.table
        rows = msel_rows(picture.state, picture.now_ms)
        upcoming = next_due(rows)
        # in game-time order; injects with no time yet (triggers, contingencies) last
        rows.sort(key=lambda r: (r.time_ms is None, r.time_ms or 0))
        drawn = [(r.id, self._cells(r, r.id == upcoming)) for r in rows]
        plain_drawn = [(i, tuple(f"{c.style}|{c.plain}" for c in cells)) for i, cells in drawn]
        if [i for i, _ in plain_drawn] == [i for i, _ in self.drawn]:
            # same injects in the same order: update only the cells that changed
            for (inject_id, cells), (_, old) in zip(drawn, self.drawn, strict=True):
                for n, cell in enumerate(cells):
                    if f"{cell.style}|{cell.plain}" != old[n]:
                        table.update_cell(inject_id, self.columns[n], cell)
        else:
            selected = self.selected()  # keep the cursor on the same inject
            table.clear()
            for inject_id, cells in drawn:
                table.add_row(*cells, key=inject_id)
            if rows:
                index = next((i for i, r in enumerate(rows) if r.id == selected), 0)
                table.move_cursor(row=index, animate=False)
        self.drawn = plain_drawn
        if upcoming != self.upcoming:
            if self.following and upcoming is not None:
                # the board follows the next due inject until the user moves elsewhere
                table.move_cursor(row=table.get_row_index(upcoming), animate=False)
            self.upcoming = upcoming

    @on(DataTable.RowHighlighted)
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        self.following = self.upcoming is None or key == self.upcoming

    def _cells(self, row: MselRow, upcoming: bool) -> list[Text]:
        style = STATUS_STYLE.get(row.status, "")
        when = _minutes(row.time_ms) if row.time_ms is not None else kind_word(row.kind)
        return [
            plain("▶" if upcoming else "", "bold yellow"),
            plain(when),
            plain(row.id, "bold" if upcoming else ""),
            plain(_(STATUS_WORDS.get(row.status, row.status)), style),
            plain(",".join(row.to)),
            plain(one_line(row.title), style if row.status == "skipped" else ""),
        ]


def feed_line(state: State, e: Event) -> tuple[str, str, str, tuple[str, ...]] | None:
    """``(sender, kind, text, addressees)`` of a feed row, or None for events not shown.
    A damaged event is shown with its number and what is wrong, whatever its type."""
    d = e.data
    if isinstance(d, ev.Damaged):
        words = describe(e, state)
        return e.actor, _("damaged"), words.text or words.headline, ()
    kind = FEED_TYPES.get(e.type)
    if kind is None:
        return None
    kind = _(kind)
    sender = str(getattr(d, "cell", "") or e.actor)
    to: tuple[str, ...] = tuple(getattr(d, "to", ()))
    if isinstance(d, ev.MoveSubmitted):
        kind, text = d.kind, d.text
    elif isinstance(d, ev.InjectReleased):
        sender, text = d.inject, state.inject(d.inject).title
    elif isinstance(d, ev.ItemAcknowledged):
        text = _("acknowledged {item}").format(item=d.item)
    elif isinstance(d, ev.MoveAdjudicated):
        text = _("move {move} {outcome}: {text}").format(
            move=d.move, outcome=_(d.outcome), text=d.text
        )
    elif isinstance(d, ev.MoveArgued):
        stance = _(d.stance) if not d.strong else _("strong {stance}").format(stance=_(d.stance))
        text = _("{stance} move {move}: {text}").format(stance=stance, move=d.move, text=d.text)
    elif isinstance(d, ev.RfiAnswered):
        said = _("public answer to request {rfi}: {text}") if d.public else None
        text = (said or _("answer to request {rfi}: {text}")).format(rfi=d.rfi, text=d.text)
        sender, to = e.actor, (d.cell,)
    elif isinstance(d, ev.ConsoleJoined):
        text = _("{cell}'s console joined").format(cell=sender)
    elif isinstance(d, ev.ConsoleRefused):
        text = _("failed join attempt as {cell}: {reason}").format(
            cell=d.cell, reason=reason_words(d.reason)
        )
    else:
        text = str(getattr(d, "text", ""))
    if getattr(d, "on_behalf", False):
        text = _("[entered by control] {text}").format(text=text)
    return sender, kind, text, to


class FeedPane(Pane):
    """Everything the cells and control do, newest last; Enter opens the full text."""

    KIND = "event"

    def compose(self) -> ComposeResult:
        yield Input(placeholder=_("filter: cell id or kind (f)"), id="feed-filter")
        yield DataTable(id="feed-table", cursor_type="row")

    def on_mount(self) -> None:
        cols = (("#", 4), (N_("Game"), 9), (N_("From"), 10), (N_("Kind"), 10), (N_("To"), 10),
                (N_("Text"), None))  # fmt: skip
        _columns(self.table, cols)
        self.filter = ""
        self.lines: list[tuple[Event, tuple[str, str, str, tuple[str, ...]]]] = []

    def add(self, state: State, events: list[Event], *, keep: bool = True) -> None:
        table = self.table
        at_end = table.cursor_row >= table.row_count - 1
        added = False
        for e in events:
            line = feed_line(state, e)
            if line is None:
                continue
            if keep:
                self.lines.append((e, line))
            sender, kind, text, to = line
            if self.filter and self.filter not in (sender, kind, *to):
                continue
            table.add_row(
                plain(e.seq),
                plain(game_clock(state.scenario, e.game_ms)),
                plain(sender, "bold red" if e.type == ev.CONSOLE_REFUSED else ""),
                plain(kind),
                plain(",".join(to)),
                plain(one_line(text, 400)),
                key=str(e.seq),
            )
            added = True
        if added and at_end:  # follow the newest, unless the user is reading further up
            table.move_cursor(row=table.row_count - 1, animate=False)

    def set_filter(self, state: State, text: str) -> None:
        self.filter = text
        self.table.clear()
        self.add(state, [e for e, _ in self.lines], keep=False)

    def selected_event(self) -> int | None:
        key = self.selected()
        return int(key) if key else None


class CellsPane(Pane):
    """Per cell: presence, unread and unacknowledged items, deadlines, score; and the
    command line each cell's player runs to join."""

    KIND = "cell"

    def compose(self) -> ComposeResult:
        yield DataTable(id="cells-table", cursor_type="row")
        # every cell's join line, scrolled (Tab, then the arrows) when they do not fit
        with VerticalScroll(id="join-box"):
            yield Static("", id="join-lines")

    def on_mount(self) -> None:
        cols = ((N_("Cell"), 10), (N_("Online"), 14), (N_("Unread"), 6), (N_("Unacked"), 7),
                (N_("Score"), 11), (N_("Next deadline"), None))  # fmt: skip
        _columns(self.table, cols)
        self.drawn: list[tuple[str, ...]] = []
        self.lines = ""

    def draw(self, picture: Picture) -> None:
        table = self.table
        scn = picture.scenario
        scores = picture.scores.cells
        rows: list[tuple[str, ...]] = []
        for row in cell_rows(picture.state, picture.now_ms):
            nxt = row.deadlines[0] if row.deadlines else None
            deadline = (
                _("{action} ({inject}) by {time}").format(
                    action=nxt.action, inject=nxt.inject, time=game_clock(scn, nxt.deadline_ms)
                )
                if nxt
                else "-"
            )
            if len(row.deadlines) > 1:
                deadline += f" +{len(row.deadlines) - 1}"
            s = scores.get(row.id, {"points": 0.0, "max_points": 0.0})
            score = f"{points(s['points'])}/{points(s['max_points'])}"
            seen = picture.presence.get(row.id, Presence())
            online = seen.words(scn)
            if seen.refused:  # failed join attempts: a count, not only a colour
                online += f" !{seen.refused}"
            rows.append((row.id, online, str(row.unread), str(row.unacknowledged), score, deadline))
        if rows != self.drawn:
            keep = self.selected()
            table.clear()
            for r in rows:
                style = "" if r[1].startswith("●") else "dim"
                table.add_row(plain(r[0]), plain(r[1], style), *map(plain, r[2:]), key=r[0])
            index = next((n for n, r in enumerate(rows) if r[0] == keep), 0)
            if rows:
                table.move_cursor(row=index, animate=False)
            self.drawn = rows
        lines = [_("Join (one line per cell, for its player):")]
        for cell in scn.player_cells:
            code = picture.codes.get(cell.id)
            code_part = f" --code {code}" if code else ""
            lines.append(f"  exercise join {picture.address} --cell {cell.id}{code_part}")
        text = "\n".join(lines)
        if text != self.lines:
            self.query_one("#join-lines", Static).update(content(text))
            self.lines = text


class QueuePane(Pane):
    """What awaits control: moves to adjudicate and requests for information to answer."""

    KIND = "queue"

    def compose(self) -> ComposeResult:
        yield DataTable(id="queue-table", cursor_type="row")

    def on_mount(self) -> None:
        cols = ((N_("Item"), 9), (N_("Game"), 9), (N_("Cell"), 10), (N_("Kind"), 10),
                (N_("For/Ag"), 6), (N_("Text"), None))  # fmt: skip
        _columns(self.table, cols)
        self.drawn: list[tuple[str, ...]] = []

    def draw(self, picture: Picture) -> int:
        scn = picture.scenario
        rows: list[tuple[str, ...]] = []
        for m in adjudication_queue(picture.state):
            pro = sum(1 for a in m.arguments if a.stance == "for")
            con = len(m.arguments) - pro
            rows.append((f"move:{m.seq}", _("move {seq}").format(seq=m.seq),
                         game_clock(scn, m.game_ms), m.cell,
                         m.kind, f"{pro}/{con}", one_line(m.text, 300)))  # fmt: skip
        for r in open_requests(picture.state):
            rows.append((f"request:{r.seq}", _("req {seq}").format(seq=r.seq),
                         game_clock(scn, r.game_ms), r.cell, _("request"), "",
                         one_line(r.text, 300)))  # fmt: skip
        if rows != self.drawn:
            keep = self.selected()
            table = self.table
            table.clear()
            for key, *cells in rows:
                table.add_row(*map(plain, cells), key=key)
            index = next((n for n, r in enumerate(rows) if r[0] == keep), 0)
            if rows:
                table.move_cursor(row=index, animate=False)
            self.drawn = rows
        return len(rows)

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        what, _, ref = str(event.row_key.value).partition(":")
        self.post_message(Open(what, ref))


class ScoresPane(Pane):
    """Objectives and awards, numbers first; Enter on an award opens its evidence."""

    KIND = "award"

    def compose(self) -> ComposeResult:
        yield DataTable(id="objectives-table", cursor_type="row")
        yield DataTable(id="awards-table", cursor_type="row")

    @property
    def table(self) -> DataTable[object]:
        return self.query_one("#awards-table", DataTable)

    def on_mount(self) -> None:
        cols: tuple[tuple[str, int | None], ...] = (
            (N_("Points"), 13), (N_("Share"), 5), (N_("Rating"), 22), (N_("Observations"), 20),
            (N_("Objective"), None)
        )  # fmt: skip
        _columns(self.query_one("#objectives-table", DataTable), cols)
        cols = ((N_("Points"), 11), (N_("Status"), 7), (N_("Rule"), 18), (N_("Cells"), 14),
                (N_("Why"), None))  # fmt: skip
        _columns(self.table, cols)
        self.version = -1

    def draw(self, picture: Picture) -> None:
        if picture.scores_version == self.version:
            return
        self.version = picture.scores_version
        result = picture.scores
        objectives = self.query_one("#objectives-table", DataTable)
        keep_objective = objectives.cursor_row
        objectives.clear()
        for o in result.objectives:
            share = "-" if o.share is None else str(Num(o.share, ".0%"))
            rating = (o.rating or "-") + (_(" (override)") if o.override_reason else "")
            seen = _("{strengths} strength, {improvements} AFI").format(
                strengths=len(o.strengths), improvements=len(o.improvements)
            )
            if o.conflict:  # the points and the evaluators disagree: shown in words too
                rating += " " + _("CONFLICT")
            objectives.add_row(
                plain(f"{points(o.points)}/{points(o.max_points)}"), plain(share),
                plain(rating, "bold red" if o.conflict else ""),
                plain(seen if o.strengths or o.improvements else "-"),
                plain(f"{o.id} {one_line(o.title)}"), key=o.id,
            )  # fmt: skip
        if objectives.row_count:
            objectives.move_cursor(row=min(keep_objective, objectives.row_count - 1))
        awards = self.table
        keep = self.selected()
        awards.clear()
        shown = list(reversed(result.awards))
        for a in shown:
            awards.add_row(
                plain(f"{points(a.points)}/{points(a.max_points)}"),
                plain(_(a.status), "yellow" if a.status == "pending" else ""),
                plain(a.rule), plain(",".join(a.cells)),
                plain(one_line(a.explanation, 300)), key=award_key(a),
            )  # fmt: skip
        if shown:
            # the cursor stays on its award, wherever the recomputation put it
            index = next((n for n, a in enumerate(shown) if award_key(a) == keep), 0)
            awards.move_cursor(row=index, animate=False)

    def focus_table(self) -> None:
        self.table.focus()

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "awards-table":
            self.post_message(Open("award", str(event.row_key.value)))


TABS = ("feed", "cells", "queue", "scores")
#: The panes of the tabs not shown at first, built when their tab is first shown.
LATER: dict[str, type[Pane]] = {"cells": CellsPane, "queue": QueuePane, "scores": ScoresPane}


class FacilitatorScreen(Screen[None], Localised):
    # The footer shows what fits, in this order; F1 or ? lists every key.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "app.help", N_("Help")),
        Binding("space", "app.toggle_clock", N_("Start/pause")),
        Binding("r", "act('release')", N_("Release")),
        Binding("h", "act('hold')", N_("Hold")),
        Binding("s", "act('skip')", N_("Skip")),
        Binding("t", "act('retime')", N_("Retime")),
        Binding("n", "act('answer')", N_("Answer")),
        Binding("g", "act('argue')", N_("Argue")),
        Binding("x", "app.write_as", N_("Messages")),
        Binding("a", "app.add_inject", N_("Add inject")),
        Binding("o", "app.observe", N_("Observe")),
        Binding("m", "act('hot_seat')", N_("Hot seat")),
        Binding("w", "app.hot_wash", N_("Hot wash")),
        Binding("d", "app.module", N_("Discussion module"), show=False),
        Binding("e", "app.end", N_("End")),
        Binding("q", "app.quit", N_("Quit")),
        Binding("u", "act('publish')", N_("Make public"), show=False),
        Binding("j", "app.jump", N_("Jump"), show=False),
        Binding("c", "app.ratio", N_("Ratio"), show=False),
        Binding("p", "app.toggle_approval", N_("Approve mode"), show=False),
        Binding("f", "filter", N_("Filter"), show=False),
        Binding("enter", "open", N_("Open"), show=False),
        Binding("1", "tab('feed')", N_("Feed"), show=False),
        Binding("2", "tab('cells')", N_("Cells"), show=False),
        Binding("3", "tab('queue')", N_("Queue"), show=False),
        Binding("4", "tab('scores')", N_("Scores"), show=False),
    ]

    def compose(self) -> ComposeResult:
        self.on_resize()  # before the widgets are styled: styling them twice is slow
        self._filling: dict[str, Awaitable[object]] = {}  # panes being built, by tab
        self._ready = {"feed"}  # tabs whose pane is built
        yield Static(id="status")
        with Horizontal(id="main"):
            yield MselBoard(id="msel-pane")
            with TabbedContent(id="tabs", initial="feed"):
                with TabPane(_("Feed"), id="feed"):
                    yield FeedPane(id="feed-pane")
                # the other tabs' panes are built when first shown (see _fill)
                yield TabPane(_("Cells"), id="cells")
                yield TabPane(_("Queue"), id="queue")
                yield TabPane(_("Scores"), id="scores")
        yield KeyBar()

    def on_mount(self) -> None:
        self.on_resize()
        self.query_one("#msel", DataTable).focus()

    def on_resize(self, event: object = None) -> None:
        self._flag("narrow", self.app.size.width < 140)

    def _flag(self, name: str, on: bool) -> None:
        """Set a CSS class only when it changes (every change restyles the screen)."""
        if self.has_class(name) != on:
            self.set_class(on, name)

    @property
    def msel(self) -> MselBoard:
        return self.query_one(MselBoard)

    @property
    def feed(self) -> FeedPane:
        return self.query_one(FeedPane)

    # ----------------------------------------------------------------- rendering

    picture: Picture | None = None
    status_shown = ""

    def draw(self, picture: Picture, new_events: list[Event]) -> None:
        """Redraw the visible panes from ``picture``; ``new_events`` go to the feed (which
        keeps every event, shown or not). A hidden tab is drawn when it is shown."""
        self.picture = picture
        self.draw_status(picture)
        self.msel.draw(picture)
        self.feed.add(picture.state, new_events)
        self.draw_tab(picture)

    def draw_clock(self, picture: Picture) -> None:
        """What a turn of the game clock's minute changes: the status line. The MSEL
        changes with the injects due (the app draws everything then) and with events; the
        feed and the tabs with events."""
        self.picture = picture
        self.draw_status(picture)

    async def _fill(self, tab: str) -> None:
        """Build a tab's pane the first time the tab is shown: the first frame waits for
        the MSEL and the feed only, and hidden tables cost nothing on each key."""
        kind = LATER.get(tab)
        if kind is None:
            return
        if tab not in self._filling:
            pane = self.query_one(f"#{tab}", TabPane)
            self._filling[tab] = pane.mount(kind(id=f"{tab}-pane"))
        await self._filling[tab]
        self._ready.add(tab)

    def draw_tab(self, picture: Picture, only_scores: bool = False) -> None:
        """The active tab's pane (once built), and the queue's count in its tab's label."""
        self.picture = picture
        tabs = self.query_one("#tabs", TabbedContent)
        active = tabs.active if tabs.active in self._ready else ""
        if active == "cells":
            self.query_one(CellsPane).draw(picture)
        elif active == "scores":
            self.query_one(ScoresPane).draw(picture)
        if only_scores:
            return
        if active == "queue":
            waiting = self.query_one(QueuePane).draw(picture)
        else:
            state = picture.state
            waiting = len(adjudication_queue(state)) + len(open_requests(state))
        tab = tabs.get_tab("queue")
        label = _("Queue ({count})").format(count=waiting)
        if str(tab.label) != label:
            tab.label = label

    @on(TabbedContent.TabActivated, "#tabs")
    async def _shown(self, event: TabbedContent.TabActivated) -> None:
        await self._fill(str(event.pane.id))
        if self.picture is not None:
            self.draw_tab(self.picture)

    def draw_status(self, picture: Picture) -> None:
        state = picture.state
        scn = picture.scenario
        module = current_module(state, picture.now_ms)
        if state.ended:
            run = _("ENDEX")
        elif not state.started:
            run = _("not started")
        else:
            run = _("RUNNING") if state.clock.running else _("PAUSED")
        mode = _("approve releases") if picture.approve else _("auto release")
        parts = [
            game_when(scn, picture.now_ms),
            f"{run} ×{Num(state.clock.ratio)}" if state.started else run,
            mode,
            module.title if module else "",
            scn.title,
            _("event {seq}").format(seq=state.seq),
        ]
        if picture.trouble:
            parts.append(f"⚠ {picture.trouble}")
        text = "  │  ".join(p for p in parts if p)
        status = self.query_one("#status", Static)
        if text != self.status_shown:
            # one line of fixed height: no layout of the screen, only this line repainted
            self.status_shown = text
            status.update(content(text), layout=False)
        running = state.started and state.clock.running and not state.ended
        if status.has_class("running") != running:  # (restyles the status line only)
            status.set_class(running, "running")

    # ------------------------------------------------------------------- actions

    def selected_inject(self) -> str | None:
        return self.msel.selected()

    def _target(self, action: str) -> str | None:
        """What an action key applies to: the MSEL's inject, the queue's move or
        request, the feed's event or the cells' cell, as the action needs."""
        tabs = self.query_one("#tabs", TabbedContent)
        if action in ("release", "hold", "skip", "retime"):
            return self.selected_inject()
        if action == "hot_seat":
            return self.query_one(CellsPane).selected() if self._showing("cells") else None
        if action in ("argue", "answer"):
            wanted = "move" if action == "argue" else "request"
            if self._showing("queue"):
                key = self.query_one(QueuePane).selected() or ""
                what, _, ref = key.partition(":")
                return ref if what == wanted else None
            if tabs.active == "feed":
                return self.feed.selected()  # the app finds the move or request behind it
            return None
        if action == "publish":
            return self.feed.selected() if tabs.active == "feed" else None
        return None

    def action_act(self, action: str) -> None:
        self.post_message(Act(action, self._target(action)))

    def _showing(self, tab: str) -> bool:
        """Whether ``tab`` is the active tab and its pane is built."""
        return self.query_one("#tabs", TabbedContent).active == tab and tab in self._ready

    async def action_tab(self, tab: str) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = tab
        await self._fill(tab)
        if self.picture is not None:  # drawn now, not only when the tab says it is shown
            self.draw_tab(self.picture)
        # Focus moves into the shown pane: a widget left focused in a hidden pane would
        # make the tabs switch back to it.
        pane = {"feed": FeedPane, "cells": CellsPane, "queue": QueuePane, "scores": ScoresPane}
        self.query_one(pane[tab]).focus_table()

    async def action_filter(self) -> None:
        await self.action_tab("feed")
        self.query_one("#feed-filter", Input).focus()

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable):
            focused.action_select_cursor()

    @on(Input.Changed, "#feed-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        if self.picture is not None:
            self.feed.set_filter(self.picture.state, event.value.strip())

    @on(Input.Submitted, "#feed-filter")
    def filter_done(self) -> None:
        self.query_one("#feed-table", DataTable).focus()
