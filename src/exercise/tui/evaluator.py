"""The evaluator's console: its Exercise Evaluation Guide (EEG), and everything exercise
control sees, read-only: the MSEL, all traffic and the adjudication queue.

An evaluator writes only observations (``o``) and P/S/M/U ratings of its critical tasks
(``r``); the MSEL, feed and queue panes are the facilitator's own widgets, drawn from the
engine's queries, with no key that releases, answers, adjudicates or acts as a cell (the
engine refuses those commands from an evaluator anyway, and records the refusal).
Other evaluators' ratings and observations of a task are shown only once this evaluator
has rated it, so that nobody anchors on a colleague's judgement; for the same reason the
feed leaves out what other evaluators record.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable
from pathlib import PurePath
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static, TabbedContent, TabPane

from exercise import joincodes
from exercise.engine import DomainError
from exercise.engine import commands as c
from exercise.engine.describe import describe, game_clock
from exercise.engine.queries import msel_rows
from exercise.engine.state import State
from exercise.evaluation import Evaluation, TaskEEG, eeg_tasks, evaluate
from exercise.i18n import N_, Num, _, language
from exercise.journal import Journal, JournalError
from exercise.model.event import Event
from exercise.scenario.translations import localized
from exercise.scoring import Scorer
from exercise.session import Session
from exercise.tui.base import ConsoleApp
from exercise.tui.choice import Choice
from exercise.tui.dialogs import EventDialog, FormDialog, InjectDialog, Runner, _field
from exercise.tui.facilitator import FeedPane, MselBoard, Open, Picture, QueuePane
from exercise.tui.keybar import KeyBar
from exercise.tui.text import content, one_line, plain

KINDS = [(N_("note"), "note"), (N_("strength"), "strength"),
         (N_("area for improvement"), "improvement")]  # fmt: skip
RATINGS = [
    (N_("P — performed without challenges"), "P"),
    (N_("S — performed with some challenges"), "S"),
    (N_("M — performed with major challenges"), "M"),
    (N_("U — unable to be performed"), "U"),
]


def translate_bindings(node: DOMNode) -> None:
    """Show ``node``'s key descriptions (marked with ``N_``) in the interface language,
    chosen when the console starts rather than when the module was imported."""
    bindings = node._bindings.key_to_bindings
    for key, found in bindings.items():
        bindings[key] = [
            dataclasses.replace(b, description=_(b.description)) if b.description else b
            for b in found
        ]


def kinds() -> list[tuple[str, str]]:
    return [(_(words), value) for words, value in KINDS]


def ratings() -> list[tuple[str, str]]:
    return [(_(words), value) for words, value in RATINGS]


class ObserveDialog(FormDialog):
    """An evaluator's observation on a task, linked to events of the feed."""

    def __init__(self, run: Runner, actor: str, task: str | None, events: str) -> None:
        super().__init__(run)
        self.actor, self.task_id, self.linked = actor, task, events
        self.heading = _("Observation on {task}").format(task=task) if task else _("Observation")

    def fields(self) -> ComposeResult:
        yield from _field(_("Kind"), Choice(kinds(), value="note", allow_blank=False, id="kind"))
        yield from _field(_("Observation"), Input(id="text"))
        yield from _field(
            _("Linked events (numbers from the feed, e.g. 12, 14)"),
            Input(self.linked, id="events"),
        )

    def command(self) -> c.Command:
        raw = self.query_one("#events", Input).value.replace(",", " ").split()
        if not all(x.isdigit() for x in raw):
            raise ValueError(_("linked events are event numbers from the feed, e.g. 12, 14"))
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
        self.heading = _("Rate {task}").format(task=task)

    def fields(self) -> ComposeResult:
        yield from _field(_("Rating"), Choice(ratings(), id="rating"))
        yield from _field(_("Reason (required for M and U)"), Input(id="reason"))

    def command(self) -> c.Command:
        rating = self.query_one("#rating", Select).value
        if rating is Select.NULL:
            raise ValueError(_("choose a rating"))
        reason = self.query_one("#reason", Input).value.strip()
        if rating in ("M", "U") and not reason:
            raise ValueError(_("give the reason for an M or U rating"))
        return c.RateTask(self.actor, self.task_id, str(rating), reason)


def _rating(r: object) -> str:
    rating, reason = getattr(r, "rating", ""), getattr(r, "reason", "")
    return f"{rating} — {reason}" if reason else str(rating)


def task_detail(t: TaskEEG, me: str, events: dict[int, Event], app_state: State) -> str:
    """What the EEG shows of one task to evaluator ``me`` (plain text)."""
    scn = app_state.scenario
    lines = [f"{t.task.id} ({t.objective.id}): {t.task.text}"]
    if t.task.cells:
        lines.append(_("Cells: {cells}").format(cells=", ".join(t.task.cells)))
    if t.task.injects:
        lines.append(_("Injects: {injects}").format(injects=", ".join(t.task.injects)))
    mine = t.ratings.get(me)
    lines.append(
        _("My rating: {rating}").format(rating=_rating(mine))
        if mine
        else _("My rating: not rated yet (r)")
    )
    lines.append(
        _("Computed from its rules: {rating}").format(rating=t.computed or _("nothing scored"))
    )
    lines.append("")
    lines.append(_("Evidence: linked events"))
    for seq in t.events[-30:]:
        e = events.get(seq)
        if e is not None:
            summary = one_line(describe(e, app_state).summary, 100)
            lines.append(f"  {seq:>5} {game_clock(scn, e.game_ms)} {summary}")
    if not t.events:
        lines.append("  " + _("none yet"))
    lines.append(_("Evidence: awards of its rules"))
    for a in t.awards:
        why = one_line(a.explanation, 90)
        lines.append(f"  {a.rule}: {Num(a.points)}/{Num(a.max_points)} {why}")
    if not t.awards:
        lines.append("  " + _("none yet"))
    actor = c.evaluator_actor(me)
    lines.append(_("My observations"))
    for o in t.observations:
        if o.by == actor:
            linked = (
                " " + _("[events {numbers}]").format(numbers=", ".join(map(str, o.events)))
                if o.events
                else ""
            )
            lines.append(
                f"  {game_clock(scn, o.game_ms)} ({_(kind_words(o.kind))}) {o.text}{linked}"
            )
    lines.append("")
    if mine is None:
        lines.append(_("Other evaluators: shown once you have rated this task."))
    else:
        lines.append(_("Other evaluators"))
        for name, r in t.ratings.items():
            if name != me:
                lines.append(f"  {name}: {_rating(r)}")
        for o in t.observations:
            if o.by != actor:
                who = o.by.removeprefix("evaluator:")
                lines.append(
                    f"  {who} {game_clock(scn, o.game_ms)} ({_(kind_words(o.kind))}) {o.text}"
                )
    return "\n".join(lines)


def kind_words(kind: str) -> str:
    """The (untranslated, marked) words for an observation's kind."""
    return next((words for words, value in KINDS if value == kind), kind)


def event_detail(state: State, e: Event) -> str:
    """A feed event in full, as plain text: number, time, who, to whom, the whole text."""
    words = describe(e, state)
    lines = [
        _("Event {seq} · {when} · by {actor}").format(
            seq=e.seq, when=game_clock(state.scenario, e.game_ms), actor=e.actor
        ),
        words.summary,
    ]
    to = tuple(getattr(e.data, "to", ()))
    if to:
        lines.append(_("To: {cells}").format(cells=", ".join(map(str, to))))
    text = str(getattr(e.data, "text", "") or "")
    if text and text not in words.summary:
        lines += ["", text]
    return "\n".join(lines)


def inject_detail(state: State, inject_id: str, now_ms: int) -> str:
    """An MSEL row in full, as plain text: status, time, addressees, the body."""
    row = next((r for r in msel_rows(state, now_ms) if r.id == inject_id), None)
    inject = state.inject(inject_id)
    lines = [f"{inject.id} — {inject.title}"]
    if row is not None:
        lines.append(_("Status: {status}").format(status=row.status))
        if row.time_ms is not None:
            lines.append(_("Time: {when}").format(when=game_clock(state.scenario, row.time_ms)))
    lines.append(_("To: {cells}").format(cells=", ".join(inject.to) or "-"))
    if inject.body:
        lines += ["", inject.body]
    return "\n".join(lines)


def queue_detail(state: State, key: str) -> str:
    """A queue row in full: the move with its arguments, or the request."""
    what, _sep, ref = key.partition(":")
    scn = state.scenario
    if what == "move" and int(ref) in state.moves:
        m = state.moves[int(ref)]
        lines = [
            _("Move {seq} · {when} · {cell} ({kind})").format(
                seq=m.seq, when=game_clock(scn, m.game_ms), cell=m.cell, kind=m.kind
            ),
            "",
            m.text,
        ]
        for a in m.arguments:
            strength = _("strong") if a.strong else _("weak")
            lines.append(f"  {a.stance} ({strength}) — {a.cell}: {a.text}")
        return "\n".join(lines)
    if what == "request" and int(ref) in state.rfis:
        r = state.rfis[int(ref)]
        return "\n".join(
            [
                _("Request {seq} · {when} · {cell}").format(
                    seq=r.seq, when=game_clock(scn, r.game_ms), cell=r.cell
                ),
                "",
                r.text,
            ]
        )
    return ""


class EEGScreen(Screen[None]):
    """The EEG (the evaluator's critical tasks) and the read-only panes of control."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "observe", N_("Observe")),
        Binding("r", "rate", N_("Rate task")),
        # the tabs carry their keys' numbers ("1 EEG", "2 MSEL" ...)
        Binding("1", "tab('eeg')", N_("EEG"), show=False),
        Binding("2", "tab('msel')", N_("MSEL"), show=False),
        Binding("3", "tab('feed')", N_("Feed"), show=False),
        Binding("4", "tab('queue')", N_("Queue"), show=False),
        Binding("f", "filter", N_("Filter"), show=False),
        Binding("enter", "open", N_("Open"), show=False),
        Binding("tab", "app.focus_next", N_("Next pane"), show=False),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.evaluator = name
        self.task_ids: list[str] = []
        self.picture: Picture | None = None

    @property
    def eapp(self) -> EvaluatingApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("", id="status")
        with Horizontal(id="main"):
            with TabbedContent(id="eeg-tabs", initial="tab-eeg"):
                with TabPane("1 " + _("EEG"), id="tab-eeg"):
                    yield DataTable(id="eeg-tasks", cursor_type="row")
                with TabPane("2 " + _("MSEL"), id="tab-msel"):
                    yield MselBoard(id="msel-pane")
                with TabPane("3 " + _("Feed"), id="tab-feed"):
                    yield FeedPane(id="feed-pane")
                with TabPane("4 " + _("Queue"), id="tab-queue"):
                    yield QueuePane(id="queue-pane")
            with VerticalScroll(id="eeg-detail-pane"):
                yield Static(id="eeg-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.on_resize()
        tasks = self.query_one("#eeg-tasks", DataTable)
        columns = ((N_("Task"), 10), (N_("Obj."), 7), (N_("Mine"), 5), (N_("Rules"), 6),
                   (N_("Critical task"), None))  # fmt: skip
        for label, width in columns:
            tasks.add_column(_(label), width=width)
        self.redraw()
        tasks.focus()

    def on_resize(self, event: object = None) -> None:
        narrow = self.app.size.width < 100  # the detail goes under the tabs
        if self.has_class("narrow") != narrow:
            self.set_class(narrow, "narrow")

    @property
    def tab(self) -> str:
        return str(self.query_one("#eeg-tabs", TabbedContent).active).removeprefix("tab-")

    def selected_task(self) -> str | None:
        table = self.query_one("#eeg-tasks", DataTable)
        if not self.task_ids or table.cursor_row < 0:
            return None
        return self.task_ids[min(table.cursor_row, len(self.task_ids) - 1)]

    def redraw(self, *, full: bool = True) -> None:
        app = self.eapp
        state = app.session.state
        now = app.session.game_ms()
        clock = game_clock(state.scenario, now)
        status = (
            _("ENDEX") if state.ended
            else _("not started") if not state.started
            else _("running") if state.clock.running
            else _("paused")
        )  # fmt: skip
        self.task_ids = eeg_tasks(state.scenario, state, self.evaluator)
        rated = sum(1 for t in self.task_ids if (self.evaluator, t) in state.task_ratings)
        self.query_one("#status", Static).update(
            content(
                _("EEG of {name} — {rated}/{total} tasks rated — {clock} ({status}) — {title}")
                .format(name=self.evaluator, title=state.scenario.title, clock=clock,
                        status=status, rated=rated, total=len(self.task_ids))
                + (f" {app.trouble}" if app.trouble else "")
            )
        )  # fmt: skip
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
        picture = Picture(
            state=state, scenario=state.scenario, now_ms=now, scores=app.scorer.result(),
            scores_version=state.seq, approve=False, trouble=app.trouble, codes={},
            presence={}, address="",
        )  # fmt: skip
        self.picture = picture
        self.query_one(MselBoard).draw(picture)
        self.query_one(FeedPane).add(state, app.take_feed())
        waiting = self.query_one(QueuePane).draw(picture)
        tab = self.query_one("#eeg-tabs", TabbedContent).get_tab("tab-queue")
        label = "4 " + _("Queue ({count})").format(count=waiting)
        if str(tab.label) != label:
            tab.label = label
        self.show_detail(ev)

    def show_detail(self, ev: Evaluation | None = None) -> None:
        """The right pane: the selected task, inject, event or queue item in full."""
        detail = self.query_one("#eeg-detail", Static)
        state = self.eapp.session.state
        tab = self.tab
        if tab == "msel":
            inject = self.query_one(MselBoard).selected()
            now = self.eapp.session.game_ms()
            text = inject_detail(state, inject, now) if inject else _("The MSEL is empty.")
        elif tab == "feed":
            seq = self.query_one(FeedPane).selected_event()
            found = self.eapp.event(seq) if seq is not None else None
            text = event_detail(state, found) if found else _("Nothing in the feed yet.")
        elif tab == "queue":
            key = self.query_one(QueuePane).selected()
            text = queue_detail(state, key) if key else _("Nothing awaits control.")
        else:
            tid = self.selected_task()
            if tid is None:
                text = _("No critical task is assigned to you.")
            else:
                ev = ev or self.eapp.evaluation()
                events = {e.seq: e for e in self.eapp.events}
                text = task_detail(ev.task(tid), self.evaluator, events, state)
        detail.update(content(text))

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.show_detail()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self.show_detail()

    def action_tab(self, tab: str) -> None:
        self.query_one("#eeg-tabs", TabbedContent).active = f"tab-{tab}"
        if tab == "eeg":
            self.query_one("#eeg-tasks", DataTable).focus()
        else:
            pane = {"msel": MselBoard, "feed": FeedPane, "queue": QueuePane}[tab]
            self.query_one(pane).focus_table()
        self.show_detail()

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable):
            focused.action_select_cursor()

    def action_filter(self) -> None:
        self.action_tab("feed")
        self.query_one("#feed-filter", Input).focus()

    @on(Input.Submitted, "#feed-filter")
    def _filter_done(self) -> None:
        self.query_one(FeedPane).focus_table()

    @on(Input.Changed, "#feed-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.query_one(FeedPane).set_filter(self.eapp.session.state, event.value.strip())

    def picked_events(self) -> str:
        """The feed's selected event, when the feed is shown: linked to an observation."""
        if self.tab != "feed":
            return ""
        seq = self.query_one(FeedPane).selected_event()
        return "" if seq is None else str(seq)

    def action_observe(self) -> None:
        """An observation on the EEG's selected task (from the EEG, or from the feed with
        the feed's selected event linked); from the MSEL or the queue, on no task."""
        task = self.selected_task() if self.tab in ("eeg", "feed") else None
        self.app.push_screen(
            ObserveDialog(
                self.eapp.attempt,
                c.evaluator_actor(self.evaluator),
                task,
                self.picked_events(),
            )
        )

    def action_rate(self) -> None:
        tid = self.selected_task()
        if tid is None:
            self.notify(_("no critical task is assigned to you"), severity="warning")
            return
        self.app.push_screen(RateDialog(self.eapp.attempt, c.evaluator_actor(self.evaluator), tid))


class EvaluatingApp(ConsoleApp):
    """A console that can become an evaluator's: the evaluator's own (``exercise join
    --evaluator``) and the player console, whose lobby also takes an evaluator's code (the
    browser's single way in). Once evaluating, it shows the EEG and writes only what the
    engine lets an evaluator write."""

    evaluator: str | None = None
    delay: float = 2.0

    def start_evaluating(self, name: str) -> None:
        """Read the record so far and follow it as evaluator ``name``."""
        session = self.session
        self.evaluator = name
        self.sub_title = _("evaluator {name}").format(name=name)
        # the critical tasks in the interface language when the scenario has that translation
        self.words = localized(session.scenario, language())
        self.events: list[Event] = list(session.journal.read(limit=session.state.seq))
        self.scorer = Scorer(session.scenario).feed_all(self.events)
        self._drawn_seq = -1
        self._fed = 0  # events already handed to the feed pane
        session.listeners.append(self._seen)

    def _seen(self, event: Event) -> None:
        self.events.append(event)
        self.scorer.feed(event)

    async def rebuild_eeg(self) -> None:
        """The EEG anew in the interface language (after F2): the critical tasks in the
        scenario's words of that language, the feed drawn again from the start (dialogs
        over the EEG are closed)."""
        assert self.evaluator is not None
        while len(self.screen_stack) > 1 and not isinstance(self.screen, EEGScreen):
            await self.pop_screen()
        self.sub_title = _("evaluator {name}").format(name=self.evaluator)
        self.words = localized(self.session.scenario, language())
        self._drawn_seq = -1
        self._fed = 0
        if isinstance(self.screen, EEGScreen):
            await self.switch_screen(EEGScreen(self.evaluator))

    def event(self, seq: int) -> Event | None:
        """The journal event ``seq`` (as read by this console)."""
        if 0 < seq <= len(self.events) and self.events[seq - 1].seq == seq:
            return self.events[seq - 1]
        return next((e for e in self.events if e.seq == seq), None)

    def take_feed(self) -> list[Event]:
        """The events not yet in the feed, less what other evaluators record (anchoring)."""
        mine = c.evaluator_actor(self.evaluator or "")
        new = self.events[self._fed :]
        self._fed = len(self.events)
        return [e for e in new if not e.actor.startswith("evaluator:") or e.actor == mine]

    def evaluator_refusal(self, name: str, code: str) -> str | None:
        """Why ``code`` does not open evaluator ``name``'s console (slow: run it off the UI
        thread); None when it does."""
        found = self.session.state.evaluators.get(name)
        if found is None:
            return _("there is no evaluator {name} in this session").format(name=repr(name))
        if not found.code_hash or not joincodes.check_code(code, found.code_hash):
            return _("wrong join code for that evaluator")
        return None

    async def evaluator_login(self, name: str, code: str) -> str | None:
        """Check the evaluator's code; record the join, or the refusal (and slow down)."""
        refusal = await asyncio.to_thread(self.evaluator_refusal, name, code)
        if refusal is not None:
            with contextlib.suppress(DomainError, JournalError):
                self.session.execute(c.RefuseJoin("console", c.evaluator_actor(name)))
            await asyncio.sleep(self.delay)
            return refusal
        return self.attempt(c.JoinEvaluator(c.evaluator_actor(name)))

    async def open_eeg(self, tick: float | None) -> None:
        """Show the EEG and keep it up to date."""
        assert self.evaluator is not None
        await self.push_screen(EEGScreen(self.evaluator))
        if self.connect is not None:
            self.follow_journal()
        if tick:
            self.set_interval(tick, self.sync_evaluation)

    def evaluation(self) -> Evaluation:
        state = self.session.state
        if not self.scorer.ended:
            self.scorer.advance(self.session.game_ms())
        return evaluate(self.words, state, self.events, self.scorer.result())

    def sync_evaluation(self) -> None:
        """Fold what others appended; rebuild the EEG only when the journal moved (the
        evaluation reads every event), else just the status line's clock."""
        self.refresh_session()
        moved = self.session.state.seq != self._drawn_seq
        self._drawn_seq = self.session.state.seq
        for screen in self.screen_stack:
            if isinstance(screen, EEGScreen):
                screen.redraw(full=moved)

    @on(Open)
    def opened(self, message: Open) -> None:
        """Enter on a row of the read-only panes: the facilitator's read-only views."""
        message.stop()
        state = self.session.state
        key = message.key
        if message.what == "inject":
            status = next((r.status for r in msel_rows(state, self.session.game_ms())
                           if r.id == key), "")  # fmt: skip
            self.push_screen(InjectDialog(state.scenario, key, state.inject(key), status))
            return
        seq = int(key) if key.isdigit() else None
        found = self.event(seq) if seq is not None else None
        if found is not None:  # an event of the feed, or the move or request of the queue
            self.push_screen(EventDialog(state, found))


class EvaluatorApp(EvaluatingApp):
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
        self.code = code
        self.tick_every = tick
        self.delay = wrong_code_delay
        self.start_evaluating(name)

    async def on_mount(self) -> None:
        refusal = await self.login()
        if refusal is not None:
            self.exit(return_code=1, message=Text(f"exercise: {refusal}"))
            return
        await self.open_eeg(self.tick_every)

    async def login(self) -> str | None:
        """Check the evaluator's code; record the join, or the refusal."""
        assert self.evaluator is not None
        return await self.evaluator_login(self.evaluator, self.code)

    async def rebuild(self) -> None:
        await self.rebuild_eeg()

    def sync(self) -> None:
        self.sync_evaluation()


__all__ = [
    "EEGScreen",
    "EvaluatingApp",
    "EvaluatorApp",
    "ObserveDialog",
    "RateDialog",
    "task_detail",
]
