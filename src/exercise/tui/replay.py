"""``exercise replay``: step through a recorded exercise event by event, or jump to a game
time, and see the state and the scores as they were at that moment."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane

from exercise.engine import CONTROL, State, apply, fold
from exercise.engine import commands as c
from exercise.engine.describe import game_clock, summary
from exercise.engine.queries import msel_rows
from exercise.i18n import N_, Num, _
from exercise.model import Scenario
from exercise.model.event import Event
from exercise.model.timefmt import TimeFormatError, parse_offset
from exercise.scoring import Scorer
from exercise.tui.base import Contrast
from exercise.tui.dialogs import FormDialog
from exercise.tui.keybar import KeyBar
from exercise.tui.language import Localised, word
from exercise.tui.text import PlainNotifications, content, one_line, plain


class JumpToDialog(FormDialog):
    """Jump the replay (not the exercise) to a game time."""

    HEADING = N_("Jump to a game time")

    def __init__(self, app: ReplayApp) -> None:
        super().__init__(app.jump_to)
        self.scenario = app.scenario

    def fields(self) -> ComposeResult:
        yield Input(placeholder=_("+HH:MM or D+N HH:MM"), id="time")

    def command(self) -> c.Command:
        text = self.query_one("#time", Input).value
        try:
            ms = int(parse_offset(text, self.scenario.start).total_seconds() * 1000)
        except TimeFormatError as exc:
            raise ValueError(str(exc)) from None
        return c.Jump(CONTROL, ms)


class ReplayApp(PlainNotifications, Contrast, Localised):
    """A read-only view of a session at any point of its journal."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["common.tcss", "replay.tcss"]
    TITLE = "exercise replay"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "step(1)", N_("Next"), priority=True),
        Binding("left", "step(-1)", N_("Previous"), priority=True),
        Binding("pagedown", "step(25)", "+25", show=False, priority=True),
        Binding("pageup", "step(-25)", "-25", show=False, priority=True),
        Binding("home", "go(0)", N_("Start"), priority=True),
        Binding("end", "go(-1)", N_("End"), priority=True),
        Binding("t", "jump", N_("Jump to time")),
        Binding("q", "quit", N_("Quit")),
        Binding("f3", "contrast", N_("High-contrast theme on/off"), show=False),
    ]

    def __init__(
        self, scenario: Scenario, events: Sequence[Event], theme: str | None = None
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.events = list(events)
        self.position = len(self.events)  # events[:position] have happened
        self._state = State(scenario)
        self._scorer = Scorer(scenario)
        self._at = 0
        self.use_theme(theme)

    def compose(self) -> ComposeResult:
        yield Static(id="where")
        with Horizontal(id="main"):
            yield DataTable(id="events", cursor_type="row")
            with TabbedContent(id="tabs"):
                with TabPane(_("Event"), id="event-tab"), VerticalScroll():
                    yield Static(id="event")
                with TabPane(_("MSEL"), id="msel-tab"):
                    yield DataTable(id="msel", cursor_type="row")
                with TabPane(_("Scores"), id="scores-tab"):
                    yield DataTable(id="objectives", cursor_type="row")
                    yield DataTable(id="cells", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#events", DataTable)
        for label, width in (("#", 6), (_("Game"), 9), (_("Actor"), 13), (_("What"), None)):
            table.add_column(label, width=width)
        final = fold(self.scenario, self.events)  # inject titles and moves for the words
        for e in self.events:
            table.add_row(
                plain(e.seq), plain(game_clock(self.scenario, e.game_ms)), plain(e.actor),
                plain(one_line(summary(e, final), 90)), key=str(e.seq),
            )  # fmt: skip
        self.query_one("#msel", DataTable).add_columns(
            _("Inject"), _("Status"), _("Time"), _("Title")
        )
        self.query_one("#objectives", DataTable).add_columns(
            _("Objective"), _("Points"), _("Max"), _("Rating")
        )
        self.query_one("#cells", DataTable).add_columns(_("Cell"), _("Points"), _("Max"))
        table.focus()
        self.show()

    # ------------------------------------------------------------------ moving

    def _fold_to(self, position: int) -> None:
        """Bring state and scores to ``events[:position]`` (forwards incrementally)."""
        if position < self._at:
            self._state, self._scorer, self._at = State(self.scenario), Scorer(self.scenario), 0
        for e in self.events[self._at : position]:
            apply(self._state, e)
            self._scorer.feed(e)
        self._at = position

    def action_step(self, delta: int) -> None:
        self.go(self.position + delta)

    def action_go(self, position: int) -> None:
        self.go(len(self.events) if position < 0 else position)

    def go(self, position: int) -> None:
        self.position = max(0, min(len(self.events), position))
        self.show()

    def go_to_time(self, game_ms: int) -> None:
        """The last event at or before ``game_ms``."""
        n = 0
        for i, e in enumerate(self.events):
            if e.game_ms <= game_ms:
                n = i + 1
        self.go(n)

    def action_jump(self) -> None:
        self.push_screen(JumpToDialog(self))

    def jump_to(self, cmd: c.Command) -> str | None:
        """The jump dialog's runner: moves the replay, records nothing."""
        assert isinstance(cmd, c.Jump)
        self.go_to_time(cmd.to_ms)
        return None

    @on(DataTable.RowHighlighted, "#events")
    def picked(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row + 1 != self.position:
            self.position = event.cursor_row + 1
            self.show(move_cursor=False)

    # --------------------------------------------------------------- rendering

    def show(self, *, move_cursor: bool = True) -> None:
        self._fold_to(self.position)
        scn = self.scenario
        now = self.events[self.position - 1].game_ms if self.position else 0
        current = self.events[self.position - 1] if self.position else None
        where = _("event {position} of {count}").format(
            position=self.position, count=len(self.events)
        )
        where += f"  │  {game_clock(scn, now)}"
        if current is not None:
            where += f"  │  {current.type}"
        self.query_one("#where", Static).update(content(where))
        table = self.query_one("#events", DataTable)
        if move_cursor and self.position:
            table.move_cursor(row=self.position - 1, animate=False)
        if current is None:
            detail = _("Before the first event.")
        else:
            head = f"{current.seq}  {game_clock(scn, current.game_ms)}  {current.actor}"
            fields = "\n".join(f"{k}: {v}" for k, v in sorted(current.payload.items()))
            detail = f"{head}  {current.type}\n\n{summary(current, self._state)}\n\n{fields}"
        self.query_one("#event", Static).update(content(detail))
        msel = self.query_one("#msel", DataTable)
        msel.clear()
        for row in msel_rows(self._state, now):
            when = "-" if row.time_ms is None else game_clock(scn, row.time_ms)
            msel.add_row(
                plain(row.id), plain(word(row.status)), plain(when), plain(one_line(row.title, 60))
            )
        self._scorer.advance(now)
        result = self._scorer.result()
        objectives = self.query_one("#objectives", DataTable)
        objectives.clear()
        for o in result.objectives:
            objectives.add_row(
                plain(f"{o.id} {one_line(o.title, 40)}"), plain(str(Num(o.points, ".1f"))),
                plain(str(Num(o.max_points, ".1f"))), plain(o.rating or "-"),
            )  # fmt: skip
        cells = self.query_one("#cells", DataTable)
        cells.clear()
        for cell, totals in result.cells.items():
            cells.add_row(
                plain(cell),
                plain(str(Num(totals["points"], ".1f"))),
                plain(str(Num(totals["max_points"], ".1f"))),
            )
