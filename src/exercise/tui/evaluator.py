"""The evaluator's console: its Exercise Evaluation Guide (EEG) and the whole feed.

An evaluator sees everything exercise control sees (every event of the journal), but
writes only observations (``o``) and P/S/M/U ratings of its critical tasks (``r``).
Other evaluators' ratings and observations of a task are shown only once this evaluator
has rated it, so that nobody anchors on a colleague's judgement.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import PurePath
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Select, Static

from exercise import joincodes
from exercise.engine import DomainError
from exercise.engine import commands as c
from exercise.engine.describe import describe, game_clock
from exercise.engine.state import State
from exercise.evaluation import Evaluation, TaskEEG, eeg_tasks, evaluate
from exercise.journal import Journal, JournalError
from exercise.model.event import Event
from exercise.scoring import Scorer
from exercise.session import Session
from exercise.tui.base import ConsoleApp
from exercise.tui.dialogs import FormDialog, Runner, _field
from exercise.tui.text import content, one_line, plain

KINDS = [("note", "note"), ("strength", "strength"), ("area for improvement", "improvement")]
RATINGS = [
    ("P — performed without challenges", "P"),
    ("S — performed with some challenges", "S"),
    ("M — performed with major challenges", "M"),
    ("U — unable to be performed", "U"),
]


class ObserveDialog(FormDialog):
    """An evaluator's observation on a task, linked to events of the feed."""

    def __init__(self, run: Runner, actor: str, task: str | None, events: str) -> None:
        super().__init__(run)
        self.actor, self.task_id, self.linked = actor, task, events
        self.heading = f"Observation on {task}" if task else "Observation"

    def fields(self) -> ComposeResult:
        yield from _field("Kind", Select(KINDS, value="note", allow_blank=False, id="kind"))
        yield from _field("Observation", Input(id="text"))
        yield from _field(
            "Linked events (numbers from the feed, e.g. 12, 14)",
            Input(self.linked, id="events"),
        )

    def command(self) -> c.Command:
        raw = self.query_one("#events", Input).value.replace(",", " ").split()
        if not all(x.isdigit() for x in raw):
            raise ValueError("linked events are event numbers from the feed, e.g. 12, 14")
        return c.Observe(
            self.actor,
            self.query_one("#text", Input).value.strip(),
            str(self.query_one("#kind", Select).value),
            tasks=(self.task_id,) if self.task_id else (),
            events=tuple(int(x) for x in raw),
        )


class RateDialog(FormDialog):
    """An evaluator's P/S/M/U rating of a critical task; M and U need a reason."""

    def __init__(self, run: Runner, actor: str, task: str) -> None:
        super().__init__(run)
        self.actor, self.task_id = actor, task
        self.heading = f"Rate {task}"

    def fields(self) -> ComposeResult:
        yield from _field("Rating", Select(RATINGS, id="rating"))
        yield from _field("Reason (required for M and U)", Input(id="reason"))

    def command(self) -> c.Command:
        rating = self.query_one("#rating", Select).value
        if rating is Select.NULL:
            raise ValueError("choose a rating")
        reason = self.query_one("#reason", Input).value.strip()
        if rating in ("M", "U") and not reason:
            raise ValueError("give the reason for an M or U rating")
        return c.RateTask(self.actor, self.task_id, str(rating), reason)


def task_detail(t: TaskEEG, me: str, events: dict[int, Event], app_state: State) -> str:
    """What the EEG shows of one task to evaluator ``me`` (plain text)."""
    scn = app_state.scenario
    lines = [f"{t.task.id} ({t.objective.id}): {t.task.text}"]
    if t.task.cells:
        lines.append("Cells: " + ", ".join(t.task.cells))
    if t.task.injects:
        lines.append("Injects: " + ", ".join(t.task.injects))
    mine = t.ratings.get(me)
    lines.append(
        f"My rating: {mine.rating}" + (f" — {mine.reason}" if mine.reason else "")
        if mine
        else "My rating: not rated yet (r)"
    )
    lines.append(f"Computed from its rules: {t.computed or 'nothing scored'}")
    lines.append("")
    lines.append("Evidence: linked events")
    for seq in t.events[-30:]:
        e = events.get(seq)
        if e is not None:
            summary = one_line(describe(e, app_state).summary, 100)
            lines.append(f"  {seq:>5} {game_clock(scn, e.game_ms)} {summary}")
    if not t.events:
        lines.append("  none yet")
    lines.append("Evidence: awards of its rules")
    for a in t.awards:
        lines.append(f"  {a.rule}: {a.points:g}/{a.max_points:g} {one_line(a.explanation, 90)}")
    if not t.awards:
        lines.append("  none yet")
    actor = c.evaluator_actor(me)
    lines.append("My observations")
    for o in t.observations:
        if o.by == actor:
            linked = f" [events {', '.join(map(str, o.events))}]" if o.events else ""
            lines.append(f"  {game_clock(scn, o.game_ms)} ({o.kind}) {o.text}{linked}")
    lines.append("")
    if mine is None:
        lines.append("Other evaluators: shown once you have rated this task.")
    else:
        lines.append("Other evaluators")
        for name, r in t.ratings.items():
            if name != me:
                lines.append(f"  {name}: {r.rating}" + (f" — {r.reason}" if r.reason else ""))
        for o in t.observations:
            if o.by != actor:
                who = o.by.removeprefix("evaluator:")
                lines.append(f"  {who} {game_clock(scn, o.game_ms)} ({o.kind}) {o.text}")
    return "\n".join(lines)


class EEGScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "observe", "Observe"),
        Binding("r", "rate", "Rate task"),
        Binding("tab", "app.focus_next", "Next pane", show=False),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.evaluator = name
        self.task_ids: list[str] = []
        self.feed_seq = 0

    @property
    def eapp(self) -> EvaluatorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("", id="status")
        with Horizontal(id="main"):
            with Vertical(id="eeg-left"):
                yield DataTable(id="eeg-tasks", cursor_type="row")
                yield DataTable(id="eeg-feed", cursor_type="row")
            with VerticalScroll(id="eeg-detail-pane"):
                yield Static(id="eeg-detail")
        yield Footer()

    def on_mount(self) -> None:
        tasks = self.query_one("#eeg-tasks", DataTable)
        columns = (("Task", 10), ("Obj.", 7), ("Mine", 5), ("Rules", 6), ("Critical task", None))
        for label, width in columns:
            tasks.add_column(label, width=width)
        feed = self.query_one("#eeg-feed", DataTable)
        for label, width in (("#", 5), ("Game", 9), ("By", 13), ("Event", None)):
            feed.add_column(label, width=width)
        self.redraw()
        tasks.focus()

    def selected_task(self) -> str | None:
        table = self.query_one("#eeg-tasks", DataTable)
        if not self.task_ids or table.cursor_row < 0:
            return None
        return self.task_ids[min(table.cursor_row, len(self.task_ids) - 1)]

    def redraw(self, *, full: bool = True) -> None:
        app = self.eapp
        state = app.session.state
        clock = game_clock(state.scenario, app.session.game_ms())
        status = (
            "ENDEX" if state.ended
            else "not started" if not state.started
            else "running" if state.clock.running
            else "paused"
        )  # fmt: skip
        self.task_ids = eeg_tasks(state.scenario, state, self.evaluator)
        rated = sum(1 for t in self.task_ids if (self.evaluator, t) in state.task_ratings)
        self.query_one("#status", Static).update(
            content(
                f"EEG of {self.evaluator} — {state.scenario.title} — {clock} ({status}) — "
                f"{rated}/{len(self.task_ids)} tasks rated {app.trouble}"
            )
        )
        if not full:
            return
        ev = app.evaluation()
        table = self.query_one("#eeg-tasks", DataTable)
        row = table.cursor_row
        table.clear()
        for tid in self.task_ids:
            t = ev.task(tid)
            mine = t.ratings.get(self.evaluator)
            table.add_row(
                plain(tid), plain(t.objective.id), plain(mine.rating if mine else "-"),
                plain(t.computed or "-"), plain(one_line(t.task.text, 80)),
            )  # fmt: skip
        if self.task_ids:
            table.move_cursor(row=max(0, min(row, len(self.task_ids) - 1)))
        feed = self.query_one("#eeg-feed", DataTable)
        for e in app.events[self.feed_seq :]:
            feed.add_row(
                plain(e.seq), plain(game_clock(state.scenario, e.game_ms)),
                plain(e.actor), plain(one_line(describe(e, state).summary, 100)), key=str(e.seq),
            )  # fmt: skip
        self.feed_seq = len(app.events)
        self.show_detail(ev)

    def show_detail(self, ev: Evaluation | None = None) -> None:
        tid = self.selected_task()
        detail = self.query_one("#eeg-detail", Static)
        if tid is None:
            detail.update(content("No critical task is assigned to you."))
            return
        ev = ev or self.eapp.evaluation()
        state = self.eapp.session.state
        events = {e.seq: e for e in self.eapp.events}
        detail.update(content(task_detail(ev.task(tid), self.evaluator, events, state)))

    @on(DataTable.RowHighlighted, "#eeg-tasks")
    def _highlighted(self) -> None:
        self.show_detail()

    def picked_events(self) -> str:
        feed = self.query_one("#eeg-feed", DataTable)
        if feed.row_count and feed.has_focus:
            return str(self.eapp.events[feed.cursor_row].seq)
        return ""

    def action_observe(self) -> None:
        self.app.push_screen(
            ObserveDialog(
                self.eapp.attempt,
                c.evaluator_actor(self.evaluator),
                self.selected_task(),
                self.picked_events(),
            )
        )

    def action_rate(self) -> None:
        tid = self.selected_task()
        if tid is None:
            self.notify("no critical task is assigned to you", severity="warning")
            return
        self.app.push_screen(RateDialog(self.eapp.attempt, c.evaluator_actor(self.evaluator), tid))


class EvaluatorApp(ConsoleApp):
    """An evaluator's console for one session."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["common.tcss", "evaluator.tcss"]

    def __init__(
        self,
        session: Session,
        name: str,
        code: str,
        *,
        connect: Callable[[], Journal] | None = None,
        tick: float | None = 1.0,
        wrong_code_delay: float = 2.0,
    ) -> None:
        super().__init__(session, connect)
        self.evaluator = name
        self.code = code
        self.tick_every = tick
        self.delay = wrong_code_delay
        self.sub_title = f"evaluator {name}"
        self.events: list[Event] = list(session.journal.read(limit=session.state.seq))
        self.scorer = Scorer(session.scenario).feed_all(self.events)
        self._drawn_seq = -1
        session.listeners.append(self._seen)

    def _seen(self, event: Event) -> None:
        self.events.append(event)
        self.scorer.feed(event)

    async def on_mount(self) -> None:
        refusal = await self.login()
        if refusal is not None:
            self.exit(return_code=1, message=Text(f"exercise: {refusal}"))
            return
        await self.push_screen(EEGScreen(self.evaluator))
        if self.connect is not None:
            self.follow_journal()
        if self.tick_every:
            self.set_interval(self.tick_every, self.sync)

    async def login(self) -> str | None:
        """Check the evaluator's code; record the join, or the refusal."""
        found = self.session.state.evaluators.get(self.evaluator)
        if (
            found is None
            or not found.code_hash
            or not joincodes.check_code(self.code, found.code_hash)
        ):
            with contextlib.suppress(DomainError, JournalError):
                self.session.execute(c.RefuseJoin("console", c.evaluator_actor(self.evaluator)))
            await asyncio.sleep(self.delay)
            if found is None:
                return f"there is no evaluator {self.evaluator!r} in this session"
            return "wrong join code for that evaluator"
        return self.attempt(c.JoinEvaluator(c.evaluator_actor(self.evaluator)))

    def evaluation(self) -> Evaluation:
        state = self.session.state
        if not self.scorer.ended:
            self.scorer.advance(self.session.game_ms())
        return evaluate(state.scenario, state, self.events, self.scorer.result())

    def sync(self) -> None:
        """Fold what others appended; rebuild the EEG only when the journal moved (the
        evaluation reads every event), else just the status line's clock."""
        self.refresh_session()
        moved = self.session.state.seq != self._drawn_seq
        self._drawn_seq = self.session.state.seq
        for screen in self.screen_stack:
            if isinstance(screen, EEGScreen):
                screen.redraw(full=moved)


__all__ = ["EEGScreen", "EvaluatorApp", "ObserveDialog", "RateDialog", "task_detail"]
