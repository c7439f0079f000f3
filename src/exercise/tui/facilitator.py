"""The facilitator's main screen: clock, MSEL board, live feed, cells, adjudication
queue and scores, with a key for every action."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent, TabPane

from exercise.engine import events as ev
from exercise.engine.describe import describe, game_clock, game_when
from exercise.engine.queries import (
    DUE,
    MselRow,
    adjudication_queue,
    cell_rows,
    current_module,
    msel_rows,
    next_due,
)
from exercise.model.event import Event
from exercise.tui.text import content, one_line, plain

if TYPE_CHECKING:
    from exercise.tui.app import FacilitatorApp

STATUS_STYLE = {
    "pending": "",
    DUE: "bold yellow",
    "released": "green",
    "held": "magenta",
    "skipped": "dim strike",
}
FEED_TYPES = {
    ev.MOVE_SUBMITTED: "move",
    ev.MESSAGE_SENT: "message",
    ev.ITEM_ACKNOWLEDGED: "ack",
    ev.INJECT_RELEASED: "inject",
    ev.MOVE_ADJUDICATED: "adjudication",
    ev.RFI_ASKED: "rfi",
    ev.RFI_ANSWERED: "rfi answer",
    ev.MOVE_ARGUED: "argument",
    ev.OBSERVATION_RECORDED: "observation",
    ev.INJECT_ADDED: "ad hoc",
}


def _minutes(ms: int) -> str:
    m = ms // 60_000
    return f"+{m // 60:02d}:{m % 60:02d}"


class FacilitatorScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "app.toggle_clock", "Start/pause"),
        Binding("r", "release", "Release"),
        Binding("h", "hold", "Hold"),
        Binding("s", "skip", "Skip"),
        Binding("t", "retime", "Retime"),
        Binding("a", "app.add_inject", "Add inject"),
        Binding("o", "app.observe", "Observe"),
        Binding("m", "hot_seat", "Hot seat"),
        Binding("j", "app.jump", "Jump"),
        Binding("c", "app.ratio", "Ratio"),
        Binding("p", "app.toggle_approval", "Approve mode"),
        Binding("enter", "open", "Open", show=False),
        Binding("f", "filter", "Filter"),
        Binding("1", "tab('feed')", "Feed", show=False),
        Binding("2", "tab('cells')", "Cells", show=False),
        Binding("3", "tab('queue')", "Queue", show=False),
        Binding("4", "tab('scores')", "Scores", show=False),
        Binding("w", "app.hot_wash", "Hot wash"),
        Binding("n", "app.module", "Module", show=False),
        Binding("e", "app.end", "End"),
        Binding("q", "app.quit", "Quit"),
    ]

    @property
    def fapp(self) -> FacilitatorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="main"):
            with Vertical(id="msel-pane"):
                yield Static("MSEL", classes="pane-title")
                yield DataTable(id="msel", cursor_type="row", zebra_stripes=True)
            with TabbedContent(id="tabs", initial="feed"):
                with TabPane("Feed", id="feed"):
                    yield Input(placeholder="filter: cell id or kind (f)", id="feed-filter")
                    yield DataTable(id="feed-table", cursor_type="row")
                with TabPane("Cells", id="cells"):
                    yield DataTable(id="cells-table", cursor_type="row")
                with TabPane("Queue", id="queue"):
                    yield DataTable(id="queue-table", cursor_type="row")
                with TabPane("Scores", id="scores"):
                    yield DataTable(id="objectives-table", cursor_type="row")
                    yield DataTable(id="awards-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        msel = self.query_one("#msel", DataTable)
        msel_cols = (
            ("", 1),
            ("Time", 11),
            ("Inject", 8),
            ("Status", 8),
            ("To", 16),
            ("Title", None),
        )
        self.msel_columns = [msel.add_column(label, width=w) for label, w in msel_cols]
        self.msel_drawn: list[tuple[str, tuple[str, ...]]] = []
        self.scores_drawn = -1
        feed = self.query_one("#feed-table", DataTable)
        feed_cols = (("#", 4), ("Game", 9), ("From", 13), ("Kind", 12), ("To", 16), ("Text", None))
        for label, width in feed_cols:
            feed.add_column(label, width=width)
        self.query_one("#cells-table", DataTable).add_columns(
            "Cell", "Code", "Unread", "Unacked", "Next deadline", "Score"
        )
        queue = self.query_one("#queue-table", DataTable)
        queue_cols = (
            ("#", 4),
            ("Game", 9),
            ("Cell", 13),
            ("Kind", 12),
            ("Args", 4),
            ("Text", None),
        )
        for label, width in queue_cols:
            queue.add_column(label, width=width)
        self.query_one("#objectives-table", DataTable).add_columns(
            "Objective", "Points", "Max", "Share", "Rating", "Observations"
        )
        self.query_one("#awards-table", DataTable).add_columns(
            "Rule", "Cells", "Points", "Status", "Explanation"
        )
        self.feed_filter = ""
        self.on_resize()
        self.refresh_all(self.fapp.session.journal.read())

    def on_resize(self, event: object = None) -> None:
        self._flag("narrow", self.app.size.width < 140)

    def _flag(self, name: str, on: bool) -> None:
        """Set a CSS class only when it changes (every change restyles the screen)."""
        if self.has_class(name) != on:
            self.set_class(on, name)

    # ----------------------------------------------------------------- rendering

    def refresh_all(self, new_events: list[Event]) -> None:
        self.refresh_status()
        self.refresh_msel()
        self.add_feed(new_events)
        self.refresh_cells()
        self.refresh_queue()
        self.refresh_scores()

    def refresh_status(self) -> None:
        app = self.fapp
        state = app.session.state
        now = app.session.game_ms()
        scn = app.session.scenario
        module = current_module(state, now)
        if state.ended:
            run = "ENDEX"
        elif not state.started:
            run = "not started"
        else:
            run = "RUNNING" if state.clock.running else "PAUSED"
        mode = "approve releases" if app.approve else "auto release"
        parts = [
            game_when(scn, now),
            f"{run} ×{state.clock.ratio:g}" if state.started else run,
            mode,
            module.title if module else "",
            scn.title,
            f"event {state.seq}",
        ]
        if app.trouble:
            parts.append(f"⚠ {app.trouble}")
        self.query_one("#status", Static).update(content("  │  ".join(p for p in parts if p)))
        self._flag("running", state.started and state.clock.running and not state.ended)

    def refresh_msel(self) -> None:
        app = self.fapp
        table = self.query_one("#msel", DataTable)
        rows = msel_rows(app.session.state, app.session.game_ms())
        upcoming = next_due(rows)
        # in game-time order; injects with no time yet (triggers, contingencies) last
        rows.sort(key=lambda r: (r.time_ms is None, r.time_ms or 0))
        drawn = [(r.id, self._msel_cells(r, r.id == upcoming)) for r in rows]
        plain_drawn = [(i, tuple(f"{c.style}|{c.plain}" for c in cells)) for i, cells in drawn]
        if [i for i, _ in plain_drawn] == [i for i, _ in self.msel_drawn]:
            # same injects in the same order: update only the cells that changed
            for (inject_id, cells), (_, old) in zip(drawn, self.msel_drawn, strict=True):
                for n, cell in enumerate(cells):
                    if f"{cell.style}|{cell.plain}" != old[n]:
                        table.update_cell(inject_id, self.msel_columns[n], cell)
        else:
            selected = self.selected_inject()  # keep the cursor on the same inject
            table.clear()
            for inject_id, cells in drawn:
                table.add_row(*cells, key=inject_id)
            if rows:
                index = next((i for i, r in enumerate(rows) if r.id == selected), 0)
                table.move_cursor(row=index, animate=False)
        self.msel_drawn = plain_drawn

    def _msel_cells(self, row: MselRow, upcoming: bool) -> list[Text]:
        style = STATUS_STYLE.get(row.status, "")
        when = _minutes(row.time_ms) if row.time_ms is not None else row.kind
        return [
            plain("▶" if upcoming else "", "bold yellow"),
            plain(when),
            plain(row.id, "bold" if upcoming else ""),
            plain(row.status, style),
            plain(",".join(row.to)),
            plain(one_line(row.title), style if row.status == "skipped" else ""),
        ]

    def add_feed(self, events: list[Event]) -> None:
        table = self.query_one("#feed-table", DataTable)
        scn = self.fapp.session.scenario
        added = False
        state = self.fapp.session.state
        for e in events:
            kind = FEED_TYPES.get(e.type)
            if isinstance(e.data, ev.Damaged):
                kind = "damaged"  # its number and what is wrong, whatever its type
            if kind is None:
                continue
            words = describe(e, state)
            sender = words.ref if words.kind == "inject" else (words.cell or e.actor)
            shown_kind = words.ref if isinstance(e.data, ev.MoveSubmitted) else kind
            to = words.addressees
            if self.feed_filter and self.feed_filter not in (sender, shown_kind, *to):
                continue
            if words.kind == "adjudication":
                text = f"{words.headline}: {words.text}" if words.text else words.headline
            else:
                text = words.text or words.headline
            if words.on_behalf:
                text = f"[entered by control] {text}"
            table.add_row(
                plain(e.seq),
                plain(game_clock(scn, e.game_ms)),
                plain(sender),
                plain(shown_kind),
                plain(",".join(to)),
                plain(one_line(text)),
                key=str(e.seq),
            )
            added = True
        if added:
            table.move_cursor(row=table.row_count - 1, animate=False)

    def rebuild_feed(self) -> None:
        self.query_one("#feed-table", DataTable).clear()
        self.add_feed(self.fapp.session.journal.read())

    def refresh_cells(self) -> None:
        app = self.fapp
        table = self.query_one("#cells-table", DataTable)
        now = app.session.game_ms()
        scores = app.scores().cells
        keep = table.cursor_row
        table.clear()
        for row in cell_rows(app.session.state, now):
            nxt = row.deadlines[0] if row.deadlines else None
            scn = app.session.scenario
            deadline = (
                f"{nxt.action} ({nxt.inject}) by {game_clock(scn, nxt.deadline_ms)}" if nxt else "-"
            )
            if len(row.deadlines) > 1:
                deadline += f" +{len(row.deadlines) - 1}"
            s = scores.get(row.id, {"points": 0.0, "max_points": 0.0})
            score = f"{s['points']:.1f}/{s['max_points']:.1f}"
            table.add_row(
                plain(row.id),
                plain(app.codes.get(row.id, "-")),
                plain(row.unread),
                plain(row.unacknowledged),
                plain(deadline),
                plain(score),
                key=row.id,
            )
        if table.row_count:
            table.move_cursor(row=min(max(keep, 0), table.row_count - 1), animate=False)

    def refresh_queue(self) -> None:
        app = self.fapp
        table = self.query_one("#queue-table", DataTable)
        table.clear()
        queue = adjudication_queue(app.session.state)
        for m in queue:
            table.add_row(
                plain(m.seq),
                plain(game_clock(app.session.scenario, m.game_ms)),
                plain(m.cell),
                plain(m.kind),
                plain(len(m.arguments)),
                plain(one_line(m.text)),
                key=str(m.seq),
            )
        self.query_one("#tabs", TabbedContent).get_tab("queue").label = f"Queue ({len(queue)})"

    def refresh_scores(self) -> None:
        app = self.fapp
        if app.scorer.version == self.scores_drawn:
            return
        self.scores_drawn = app.scorer.version
        result = app.scores()
        objectives = self.query_one("#objectives-table", DataTable)
        objectives.clear()
        for o in result.objectives:
            share = "-" if o.share is None else f"{o.share:.0%}"
            rating = (o.rating or "-") + (" (override)" if o.override_reason else "")
            seen = f"{len(o.strengths)} strength, {len(o.improvements)} AFI"
            if o.conflict:  # the points and the evaluators disagree: shown, never hidden
                rating += " CONFLICT"
            objectives.add_row(
                plain(f"{o.id} {o.title}"), plain(f"{o.points:.1f}"), plain(f"{o.max_points:.1f}"),
                plain(share), plain(rating, "bold red" if o.conflict else ""),
                plain(seen if o.strengths or o.improvements else "-"), key=o.id,
            )  # fmt: skip
        awards = self.query_one("#awards-table", DataTable)
        keep = awards.cursor_row
        awards.clear()
        app.award_rows = list(reversed(result.awards))
        for i, a in enumerate(app.award_rows):
            awards.add_row(
                plain(a.rule), plain(",".join(a.cells)), plain(f"{a.points:g}/{a.max_points:g}"),
                plain(a.status, "yellow" if a.status == "pending" else ""),
                plain(one_line(a.explanation, 200)), key=str(i),
            )  # fmt: skip
        if awards.row_count:
            awards.move_cursor(row=min(max(keep, 0), awards.row_count - 1), animate=False)

    # ------------------------------------------------------------------- actions

    def selected_inject(self) -> str | None:
        table = self.query_one("#msel", DataTable)
        if not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(key.value)

    def action_release(self) -> None:
        inject = self.selected_inject()
        if inject:
            self.fapp.release(inject)

    def action_hold(self) -> None:
        inject = self.selected_inject()
        if inject:
            self.fapp.hold(inject)

    def action_skip(self) -> None:
        inject = self.selected_inject()
        if inject:
            self.fapp.skip(inject)

    def action_retime(self) -> None:
        inject = self.selected_inject()
        if inject:
            self.fapp.retime(inject)

    def action_hot_seat(self) -> None:
        cell = None
        if self.query_one("#tabs", TabbedContent).active == "cells":
            table = self.query_one("#cells-table", DataTable)
            if table.row_count:
                cell = str(table.coordinate_to_cell_key(table.cursor_coordinate)[0].value)
        self.fapp.hot_seat(cell)

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def action_filter(self) -> None:
        self.action_tab("feed")
        self.query_one("#feed-filter", Input).focus()

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable):
            self._open(focused)

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.data_table)

    def _open(self, table: DataTable[object]) -> None:
        if not table.row_count:
            return
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate)[0].value)
        if table.id == "queue-table":
            self.fapp.adjudicate(int(key))
        elif table.id == "awards-table":
            self.fapp.drill_down(int(key))
        elif table.id == "msel":
            self.fapp.show_inject(key)
        elif table.id == "cells-table":
            self.fapp.hot_seat(key)

    @on(Input.Changed, "#feed-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.feed_filter = event.value.strip()
        self.rebuild_feed()

    @on(Input.Submitted, "#feed-filter")
    def filter_done(self) -> None:
        self.query_one("#feed-table", DataTable).focus()
