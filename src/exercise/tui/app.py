"""The facilitator console application and the factory shared by the CLI and the tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar

import attrs
from textual import on, work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from exercise.engine import CONTROL, due, due_modules, release_times
from exercise.engine import commands as c
from exercise.engine import events as ev
from exercise.engine.describe import game_clock, next_minute
from exercise.engine.queries import (
    adjudication_queue,
    current_module,
    next_module,
    open_requests,
)
from exercise.engine.state import PENDING, RELEASED
from exercise.i18n import N_, _
from exercise.joincodes import load_plain
from exercise.journal import Journal, JournalError, open_journal
from exercise.journal.seal import SEALED, ControlKey
from exercise.model.event import Event
from exercise.scoring import Scorer, Scores
from exercise.session import Session
from exercise.tui.base import ConsoleApp
from exercise.tui.facilitator import Act, FacilitatorScreen, Open, Picture, Presence, award_key
from exercise.tui.hotwash import HotWashScreen
from exercise.tui.lazy import lazy_module
from exercise.tui.reach import CONTROL_CONSOLE, way_in
from exercise.tui.text import markup_safe, one_line

if TYPE_CHECKING:
    from exercise.tui import dialogs
else:  # imported at the first dialog: the first frame waits for none of them
    dialogs = lazy_module("exercise.tui.dialogs")

for _command, _action in (
    (c.Start, "toggle_clock"), (c.Pause, "toggle_clock"), (c.Resume, "toggle_clock"),
    (c.SetRatio, "ratio"), (c.Jump, "jump"), (c.Release, "act('release')"),
    (c.ReleaseDue, "toggle_approval"), (c.Hold, "act('hold')"), (c.Unhold, "act('hold')"),
    (c.Skip, "act('skip')"), (c.Retime, "act('retime')"), (c.AddInject, "add_inject"),
    (c.Publish, "act('publish')"), (c.End, "end"), (c.Adjudicate, "open"),
    (c.ResolveMatrix, "open"), (c.Observe, "observe"), (c.AnswerRfi, "act('answer')"),
    (c.SubmitMove, "act('hot_seat')"), (c.Argue, "act('argue')"),
    (c.OverrideRating, "override"), (c.PlanImprovement, "plan"),
    (c.OpenModule, "module"), (c.NoteModule, "module"),
):  # fmt: skip
    way_in(_command, CONTROL_CONSOLE, _action)


class Scored(Message):
    """The scoring thread has a new result."""


#: Seconds between two seals during play (only when something was recorded meanwhile).
SEAL_EVERY = 300.0
#: Seconds a notice from the starting command stays on screen.
NOTICE_SECONDS = 30.0
#: Events after which the console seals the record at once, and why.
MILESTONES = {ev.CLOCK_STARTED: N_("STARTEX"), ev.EXERCISE_ENDED: N_("ENDEX")}


#: The longest wait between two ticks of the facilitator's console (a slow clock, a wall
#: clock set back).
LONGEST_TICK = 60.0


class FacilitatorApp(ConsoleApp):
    """Exercise control's console for one session."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["common.tcss", "facilitator.tcss"]

    def __init__(
        self,
        session: Session,
        *,
        connect: Callable[[], Journal] | None = None,
        tick: float | None = 1.0,
        approve: bool = False,
        seed: Callable[[], int] | None = None,
        seal_key: ControlKey | None = None,
        seal_every: float = SEAL_EVERY,
        theme: str | None = None,
        notices: Sequence[str] = (),
    ) -> None:
        super().__init__(session, connect, theme=theme)
        #: What the command that started the console had to say (a resumed session whose
        #: scenario files changed): shown as warnings when the console opens, since what
        #: it printed before is hidden behind the console until it quits.
        self.notices = tuple(notices)
        #: Control's key: the console seals the record with it at STARTEX, every
        #: ``seal_every`` seconds of play when something happened, at ENDEX and after the
        #: hot wash (None: it does not seal).
        self.seal_key = seal_key
        self.seal_every = seal_every
        self._sealing = False
        self._sealed_at = -1
        self.presence: dict[str, Presence] = {}
        history = session.journal.read(limit=session.state.seq)
        for e in history:
            self._note_presence(e)
        self.scorer = Scorer(session.scenario)
        self.scorer.feed_all(history)
        self._scores = (self.scorer.version, self.scorer.result())
        # The scoring thread holds _score_lock while it scores; the UI thread only ever
        # takes _queue_lock (held for a list append), so it never waits for the scorer.
        self._score_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._to_score: list[Event] = []  # folded into the state, not yet scored
        self.tick_every = tick
        self.approve = approve
        self.seed = seed
        self.codes = load_plain(session.journal.address)
        self._unseen: list[Event] = []  # folded into the state, not yet drawn
        self._history = history
        self._shown: tuple[str, tuple[str, ...]] = ("", ())  # clock and due injects drawn
        self._ticking: Timer | None = None  # the next tick
        session.listeners.append(self._folded)

    def _folded(self, event: Event) -> None:
        self._unseen.append(event)
        self._note_presence(event)

    def _note_presence(self, e: Event) -> None:
        cells = self.session.scenario.cell_ids
        if isinstance(e.data, ev.ConsoleRefused):
            cell = e.data.cell
            seen = self.presence.get(cell, Presence())
            self.presence[cell] = attrs.evolve(seen, refused=seen.refused + 1)
        elif isinstance(e.data, ev.ConsoleLeft):
            seen = self.presence.get(e.data.cell, Presence())
            self.presence[e.data.cell] = attrs.evolve(
                seen, open=max(seen.open - 1, 0), left_ms=e.game_ms
            )
        elif e.actor in cells:
            seen = self.presence.get(e.actor, Presence())
            if e.type == ev.CONSOLE_JOINED:
                seen = attrs.evolve(seen, joined_ms=e.game_ms, open=seen.open + 1)
            self.presence[e.actor] = attrs.evolve(seen, active_ms=e.game_ms)

    # --------------------------------------------------------------- lifecycle

    async def on_mount(self) -> None:
        await self.push_screen(FacilitatorScreen())
        history, self._history = self._history, []
        self.redraw(history)
        if self.connect is not None:
            self.follow_journal()
        self._tick_later()
        if self.seal_key is not None and self.seal_every:
            self.set_interval(self.seal_every, lambda: self.seal("periodic"))
        for notice in self.notices:
            self.notify(
                notice, title=_("Session"), severity="warning", timeout=NOTICE_SECONDS,
                markup=False,
            )  # fmt: skip

    async def rebuild(self) -> None:
        """The main screen anew in the interface language, the feed drawn from the whole
        journal (dialogs over it are closed)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, FacilitatorScreen):
            await self.pop_screen()
        await self.switch_screen(FacilitatorScreen())
        # what was drawn comes back as history; what was not yet drawn follows as new
        upto = self._unseen[0].seq - 1 if self._unseen else self.session.state.seq
        self.redraw([e for e in self.session.journal.read() if e.seq <= upto])

    @property
    def main(self) -> FacilitatorScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, FacilitatorScreen):
                return screen
        return None

    def picture(self) -> Picture:
        version, scores = self._scores
        return Picture(
            state=self.session.state,
            scenario=self.session.scenario,
            now_ms=self.session.game_ms(),
            scores=scores,
            scores_version=version,
            approve=self.approve,
            trouble=self.trouble,
            codes=self.codes,
            presence=dict(self.presence),
            address=self.session.journal.address,
        )

    def sync(self) -> None:
        """Fold what the journal gained and redraw."""
        self.refresh_session()
        self.redraw()

    def redraw(self, history: list[Event] | None = None) -> None:
        new, self._unseen[:] = list(self._unseen), []
        milestone = next((MILESTONES[e.type] for e in new if e.type in MILESTONES), None)
        if milestone is not None and not self._sealing:
            self.seal(milestone)  # STARTEX and ENDEX are sealed at once
            new += self._unseen
            self._unseen.clear()
        if new or self.scorer_behind():
            self.score(new)
        if self.main is not None:
            self.main.draw(self.picture(), (history or []) + new)
        if new and isinstance(self.screen, HotWashScreen):
            self.screen.redraw()  # the observations and plan; the scores follow (Scored)
        if new:
            self._tick_later()  # a release, a retiming, a clock event... may move the next

    def scorer_behind(self) -> bool:
        """A scoring window has closed since the scorer last looked."""
        if self.scorer.ended or not self.session.state.started:
            return False
        deadline = self.scorer.next_deadline()
        return deadline is not None and deadline < self.session.game_ms()

    def score(self, new: list[Event]) -> None:
        """Feed the scorer off the UI thread; the panes show the last result meanwhile."""
        with self._queue_lock:
            self._to_score.extend(new)
        self._score_worker(self.session.game_ms())

    @work(thread=True, exclusive=False, group="score")
    def _score_worker(self, game_ms: int, always: bool = False) -> None:
        if self._score_now(game_ms) or always:
            self.post_message(Scored())  # thread-safe: the UI thread redraws the scores

    def _score_now(self, game_ms: int) -> bool:
        """Feed what waits to the scorer; True when the result changed (scoring thread)."""
        with self._score_lock:
            with self._queue_lock:
                new, self._to_score[:] = list(self._to_score), []
            for e in new:
                self.scorer.feed(e)
            if not self.scorer.ended:
                self.scorer.advance(max(game_ms, self.scorer.now_ms))
            if self.scorer.version == self._scores[0]:
                return False
            self._scores = (self.scorer.version, self.scorer.result())
        return True

    @on(Scored)
    def _scored(self) -> None:
        if self.main is not None:  # the panes that show scores (Cells, Scores) only
            self.main.draw_tab(self.picture(), only_scores=True)
        for screen in self.screen_stack:
            if isinstance(screen, HotWashScreen):
                screen.scored()

    def wait_for_scores(self) -> Scores:
        """The scores with everything folded so far (waits for the scoring thread: not
        for the UI thread, which draws :meth:`scores` and redraws on ``Scored``)."""
        with self._score_lock:
            with self._queue_lock:
                new, self._to_score[:] = list(self._to_score), []
            for e in new:
                self.scorer.feed(e)
            if self.scorer.version != self._scores[0]:
                self._scores = (self.scorer.version, self.scorer.result())
            return self._scores[1]

    def scores(self) -> Scores:
        return self._scores[1]

    def seal(self, why: str) -> None:
        """Seal the record with control's key when anything was added since the last seal
        (a problem is shown, never raised: the exercise goes on)."""
        state = self.session.state
        if self.seal_key is None or self._sealing or state.seq == 0:
            return
        if why == "periodic" and (not state.started or state.ended):
            return
        if state.seq == self._sealed_at:
            return
        last = self.session.journal.read(after=state.seq - 1)
        if last and last[-1].type == SEALED:
            self._sealed_at = state.seq
            return
        if self.background:  # written by the writer thread, like every command
            try:
                self.send_seal(self.seal_key)
            except JournalError as exc:
                self.notify(
                    _("Could not seal the record: {error}").format(error=exc),
                    severity="error",
                    markup=False,
                )
                return
            self._sealed_at = state.seq
            if why != "periodic":
                self.recorded(f"Record sealed ({why})")
            return
        self._sealing = True
        try:
            written = self.session.seal(self.seal_key)
        except JournalError as exc:
            self.notify(
                _("Could not seal the record: {error}").format(error=exc),
                severity="error",
                markup=False,
            )
            return
        finally:
            self._sealing = False
        self._sealed_at = written.seq
        if why != "periodic":
            self.notify(
                _("Record sealed ({why}) at event {seq}").format(why=_(why), seq=written.seq),
                markup=False,
            )

    def tick(self) -> None:
        """Once a second while the clock runs: due injects, modules whose start time came
        (their opening recorded, so that cells' roles on PostgreSQL read their words), the
        clock display, closing score windows; each only when it changed. A quiet exercise
        costs next to nothing: the next tick is timed on the soonest of these (see
        ``_next_tick``), not a second later."""
        self._ticking = None
        try:
            self._tick()
        finally:
            self._tick_later()

    def _tick_later(self) -> None:
        if not self.tick_every:
            return
        if self._ticking is not None:
            self._ticking.stop()
            self._ticking = None
        wait = self._next_tick()
        if wait is not None:
            self._ticking = self.set_timer(wait, self.tick, name="exercise clock")

    def _next_tick(self) -> float | None:
        """Seconds until something ``tick`` looks at may change: the minute of the game
        clock shown, the next scheduled inject or module start, an expectation's deadline
        passing unmet (for an inject it triggers), a scoring window closing; every
        ``tick_every`` seconds while something is due already (waiting for approval, say);
        none while the clock stands."""
        assert self.tick_every
        state = self.session.state
        if not (state.started and state.clock.running and not state.ended):
            return None
        wall = self.session.clock()
        now = state.clock.game_ms(wall)
        soon = [at for at, _, _ in release_times(state)]
        soon += [
            int(m.start.total_seconds() * 1000)
            for m in state.scenario.modules
            if m.id not in state.opened_modules
        ]
        deadline = self.scorer.next_deadline() if not self.scorer.ended else None
        if deadline is not None:
            soon.append(deadline + 1)
        wait = next_minute(self.session.scenario, state.clock, wall) or LONGEST_TICK
        if soon:
            first = min(soon)
            at = state.clock.wall_us_at(first) if first > now else wall
            if at is not None:
                wait = min(wait, (at - wall) / 1e6 + 0.001)
        return min(max(self.tick_every, wait), LONGEST_TICK)

    def _tick(self) -> None:
        state = self.session.state
        if not (state.started and state.clock.running and not state.ended):
            return
        now = self.session.game_ms()
        going = tuple(i for i, _ in due(state, now))
        if going and not self.approve and not self.writing:
            refusal = self.send(c.ReleaseDue(CONTROL))
            if refusal:
                self.notify(refusal, severity="error", markup=False)
        opening = due_modules(state, now)
        if opening and not self.writing:  # open by time: record it, with the module's words
            refusal = self.send(c.OpenModule(CONTROL, opening[0]))
            if refusal:
                self.notify(refusal, severity="error", markup=False)
        shown = (game_clock(self.session.scenario, now), going)
        behind = self.scorer_behind()
        if shown == self._shown and not self._unseen and not behind:
            return
        clock_only = shown[1] == self._shown[1] and not behind
        self._shown = shown
        if self.connect is None:
            self.refresh_session()
        main = self.main
        if clock_only and not self._unseen and main is not None:
            # only the minute turned (no event, the same injects due): the status line,
            # not every pane (a quiet exercise turns a minute every few seconds)
            main.draw_clock(self.picture())
            return
        self.redraw()

    # ----------------------------------------------------------------- commands

    def action_toggle_clock(self) -> None:
        state = self.session.state
        if not state.started:
            self.act(c.Start(CONTROL), _("STARTEX: the clock is running"))
        elif state.clock.running:
            self.act(c.Pause(CONTROL), _("Clock paused"))
        else:
            self.act(c.Resume(CONTROL), _("Clock running"))

    def release(self, inject: str) -> None:
        self.act(c.Release(CONTROL, inject), _("{inject} released").format(inject=inject))

    def hold(self, inject: str) -> None:
        status = self.session.state.injects[inject].status
        if status == PENDING:
            self.push_screen(
                dialogs.ReasonDialog(
                    self.attempt,
                    _("Hold {inject}").format(inject=inject),
                    lambda r: c.Hold(CONTROL, inject, r),
                    done=_("{inject} held").format(inject=inject),
                )
            )
        else:
            self.act(
                c.Unhold(CONTROL, inject), _("{inject} back in the MSEL").format(inject=inject)
            )

    def skip(self, inject: str) -> None:
        self.push_screen(
            dialogs.ReasonDialog(
                self.attempt,
                _("Skip {inject}").format(inject=inject),
                lambda r: c.Skip(CONTROL, inject, r),
                done=_("{inject} skipped").format(inject=inject),
            )
        )

    def retime(self, inject: str) -> None:
        self.push_screen(
            dialogs.RetimeDialog(
                self.attempt,
                self.session.scenario,
                inject,
                self.session.game_ms(),
                self.session.state.injects[inject].due_ms,
            )
        )

    def action_add_inject(self) -> None:
        self.push_screen(
            dialogs.AddInjectDialog(
                self.attempt, self.session.scenario, list(self.session.state.injects)
            )
        )

    def action_write_as(self) -> None:
        self.push_screen(
            dialogs.AddInjectDialog(
                self.attempt, self.session.scenario, list(self.session.state.injects),
                as_originator=True,
            )
        )  # fmt: skip

    def action_observe(self) -> None:
        main = self.main
        inject = main.selected_inject() or "" if main is not None and self.screen is main else ""
        self.push_screen(dialogs.ObservationDialog(self.attempt, self.session.scenario, inject))

    def action_jump(self) -> None:
        self.push_screen(dialogs.JumpDialog(self.attempt, self.session.scenario))

    def action_ratio(self) -> None:
        self.push_screen(dialogs.RatioDialog(self.attempt, self.session.state.clock.ratio))

    def action_toggle_approval(self) -> None:
        self.approve = not self.approve
        self.notify(
            _("Due injects wait for you: release them with r")
            if self.approve
            else _("Due injects are released automatically"),
            markup=False,
        )
        self.sync()

    def action_end(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.act(c.End(CONTROL, "ended from the console"), _("ENDEX"))

        self.push_screen(dialogs.ConfirmDialog(_("End the exercise (ENDEX)?")), confirmed)

    def action_help(self) -> None:
        if not isinstance(self.screen, dialogs.HelpScreen):
            self.push_screen(dialogs.HelpScreen(self.screen))

    def _tab(self, tab: str) -> None:
        if self.main is not None:
            self.call_later(self.main.action_tab, tab)

    def action_hot_wash(self) -> None:
        # The screen opens at once with the scores drawn so far, marked as being brought
        # up to date until the scoring thread has caught up (it redraws on ``Scored``).
        self.push_screen(
            HotWashScreen(self.session, self.attempt, self.scores, scoring=self._catch_up),
            lambda _result: self.seal(N_("after the hot wash")),
        )

    def _catch_up(self) -> None:
        """Score everything folded so far (off the UI thread), then tell the screens."""
        self._score_worker(self.session.game_ms(), always=True)

    def hot_seat(self, cell: str | None = None) -> None:
        self.push_screen(
            dialogs.MoveDialog(self.attempt, self.session.scenario, cell),
        )

    def adjudicate(self, move_seq: int) -> None:
        move = self.session.state.moves.get(move_seq)
        if move is not None:
            self.push_screen(
                dialogs.AdjudicationDialog(
                    self.attempt, move, lambda: self.session.state.moves[move_seq], self.seed
                )
            )

    def argue(self, move_seq: int) -> None:
        move = self.session.state.moves.get(move_seq)
        if move is None:
            return
        self.push_screen(dialogs.ArgueDialog(self.attempt, self.session.scenario, move, None))

    def answer(self, rfi_seq: int) -> None:
        rfi = self.session.state.rfis.get(rfi_seq)
        if rfi is None:
            return
        if rfi.answer is not None:
            self.notify(_("request {seq} was already answered").format(seq=rfi_seq), markup=False)
            return
        self.push_screen(dialogs.AnswerDialog(self.attempt, rfi))

    def publish(self, seq: int) -> None:
        event = self._event(seq)
        item = None
        if event is not None:
            if isinstance(event.data, ev.InjectReleased):
                item = f"inject:{event.data.inject}"
            elif event.type == ev.MESSAGE_SENT:
                item = f"message:{seq}"
            elif event.type == ev.MOVE_SUBMITTED:
                item = f"move:{seq}"
        if item is None:
            self.notify(_("only an inject, a message or a move can be made public"), markup=False)
            return
        self.act(
            c.Publish(CONTROL, item), _("{item} is now visible to every cell").format(item=item)
        )

    def drill_down(self, key: str) -> None:
        award = next((a for a in self.scores().awards if award_key(a) == key), None)
        if award is None:
            return
        events = {e.seq: e for e in self.session.journal.read()}
        shown = [events[s] for s in award.events if s in events]
        self.push_screen(dialogs.AwardDialog(award, self.session.state, shown))

    def action_module(self) -> None:
        """The module under discussion: answers, notes, and the way on to the next."""
        state = self.session.state
        now = self.session.game_ms()
        module = current_module(state, now)
        following = next_module(state, now)

        def chosen(choice: str | None) -> None:
            if choice == "next" and following is not None:
                self.act(
                    c.OpenModule(CONTROL, following.id),
                    _("module {module} opened").format(module=following.id),
                )
            elif choice == "note" and module is not None:
                self.push_screen(dialogs.ModuleNoteDialog(self.attempt, module.id, module.title))

        self.push_screen(dialogs.ModuleDialog(state, module, following), chosen)

    def show_inject(self, inject_id: str) -> None:
        state = self.session.state
        status = state.injects[inject_id].status
        self.push_screen(
            dialogs.InjectDialog(self.session.scenario, inject_id, state.inject(inject_id), status)
        )

    def _event(self, seq: int) -> Event | None:
        found = self.session.journal.read(after=seq - 1, limit=1)
        return found[0] if found and found[0].seq == seq else None

    def show_event(self, seq: int) -> None:
        event = self._event(seq)
        if event is None:
            return
        state = self.session.state
        move = _move_of(event)
        rfi = seq if event.type == ev.RFI_ASKED else None
        self.push_screen(
            dialogs.EventDialog(state, event, answerable=rfi is not None and
                                state.rfis[seq].answer is None,
                                arguable=move is not None and move in state.moves and
                                state.moves[move].status == "pending"),
            lambda choice: self._after_event(choice, move, rfi),
        )  # fmt: skip

    def _after_event(self, choice: str | None, move: int | None, rfi: int | None) -> None:
        if choice == "answer" and rfi is not None:
            self.answer(rfi)
        elif choice == "argue" and move is not None:
            self.argue(move)
        elif choice == "adjudicate" and move is not None:
            self.adjudicate(move)

    # --------------------------------------------------- messages from the panes

    @on(Open)
    def opened(self, message: Open) -> None:
        key = message.key
        if message.what == "inject":
            self.show_inject(key)
        elif message.what == "event":
            self.show_event(int(key))
        elif message.what == "cell":
            self.hot_seat(key)
        elif message.what == "move":
            self.adjudicate(int(key))
        elif message.what == "request":
            self.answer(int(key))
        elif message.what == "award":
            self.drill_down(key)

    @on(Act)
    def acted(self, message: Act) -> None:
        key, action = message.key, message.action
        if action == "hot_seat":
            self.hot_seat(key)
            return
        if key is None:
            wanted = {
                "argue": _("select a move in the queue or the feed first"),
                "answer": _("select a request in the queue or the feed first"),
                "publish": _("select an inject, message or move in the feed first"),
            }.get(action, _("select an inject in the MSEL first"))
            self.notify(wanted, severity="warning", markup=False)
            return
        if action in ("release", "hold", "skip", "retime"):
            getattr(self, action)(key)
        elif action == "publish":
            self.publish(int(key))
        elif action in ("argue", "answer"):
            self._queue_action(action, int(key))

    def _queue_action(self, action: str, seq: int) -> None:
        """Argue or answer: ``seq`` is the move or request, or a feed event about one."""
        state = self.session.state
        target: int | None = seq
        if action == "argue" and seq not in state.moves:
            event = self._event(seq)
            target = _move_of(event) if event is not None else None
        if action == "answer" and seq not in state.rfis:
            event = self._event(seq)
            target = None
            if event is not None and isinstance(event.data, ev.RfiAnswered):
                target = event.data.rfi
        if target is None:
            what = (
                _("the selected row is not a move")
                if action == "argue"
                else _("the selected row is not a request for information")
            )
            self.notify(what, severity="warning", markup=False)
        elif action == "argue":
            self.argue(target)
        else:
            self.answer(target)

    # ---------------------------------------------------------- command palette

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        state = self.session.state
        clock = (
            _("Start the exercise")
            if not state.started
            else (_("Pause the clock") if state.clock.running else _("Resume the clock"))
        )
        yield SystemCommand(clock, _("STARTEX / pause / resume"), self.action_toggle_clock)
        yield SystemCommand(_("Jump to a game time"), _("Set the game clock"), self.action_jump)
        yield SystemCommand(
            _("Change the clock ratio"), _("Game seconds per wall second"), self.action_ratio
        )
        yield SystemCommand(
            _("Add an ad-hoc inject"), _("Write and release a new inject"), self.action_add_inject
        )
        yield SystemCommand(
            _("Messages: write to a cell as an originator"),
            _("A message from someone in the scenario (a ministry, a commander, the press)"),
            self.action_write_as,
        )
        yield SystemCommand(
            _("Record an observation"),
            _("A note linked to injects, cells, objectives"),
            self.action_observe,
        )
        yield SystemCommand(
            _("Approve releases / auto release"),
            _("Toggle how due injects go out"),
            self.action_toggle_approval,
        )
        if self.session.scenario.modules:
            yield SystemCommand(
                _("Module: answers, notes, next module"),
                _("The discussion of the current module"),
                self.action_module,
            )
        yield SystemCommand(_("End the exercise (ENDEX)"), _("Stop the exercise"), self.action_end)
        yield SystemCommand(
            _("Hot wash"),
            _("Strengths, areas for improvement, improvement plan"),
            self.action_hot_wash,
        )
        yield SystemCommand(_("Keys"), _("Every key of this screen"), self.action_help)
        yield from self.look_commands()
        for tab, what, tip in (
            ("feed", _("Show the feed"), _("The feed tab")),
            ("cells", _("Show the cells"), _("The cells tab")),
            ("queue", _("Show the adjudication queue"), _("The adjudication queue tab")),
            ("scores", _("Show the scores"), _("The scores tab")),
        ):
            yield SystemCommand(what, tip, lambda t=tab: self._tab(t))
        for inject_id, st in state.injects.items():
            if st.status == RELEASED:
                continue
            title = state.inject(inject_id).title
            title = markup_safe(title)
            name = markup_safe(inject_id)
            yield SystemCommand(
                _("Release {inject}").format(inject=name),
                title,
                lambda i=inject_id: self.release(i),
            )
            yield SystemCommand(
                _("Hold {inject}").format(inject=name), title, lambda i=inject_id: self.hold(i)
            )
            yield SystemCommand(
                _("Skip {inject}").format(inject=name), title, lambda i=inject_id: self.skip(i)
            )
            yield SystemCommand(
                _("Retime {inject}").format(inject=name), title, lambda i=inject_id: self.retime(i)
            )
        for move in adjudication_queue(state):
            yield SystemCommand(
                markup_safe(
                    _("Adjudicate move {seq} ({cell} {kind})").format(
                        seq=move.seq, cell=move.cell, kind=move.kind
                    )
                ),
                markup_safe(one_line(move.text, 80)),
                lambda m=move.seq: self.adjudicate(m),
            )
            yield SystemCommand(
                _("Argue move {seq} for a cell").format(seq=move.seq),
                markup_safe(one_line(move.text, 80)),
                lambda m=move.seq: self.argue(m),
            )
        for rfi in open_requests(state):
            yield SystemCommand(
                markup_safe(_("Answer request {seq} ({cell})").format(seq=rfi.seq, cell=rfi.cell)),
                markup_safe(one_line(rfi.text, 80)),
                lambda r=rfi.seq: self.answer(r),
            )
        for cell in self.session.scenario.player_cells:
            yield SystemCommand(
                markup_safe(_("Open cell {cell}").format(cell=cell.id)),
                markup_safe(_("Enter a move for {name}").format(name=cell.name)),
                lambda x=cell.id: self.hot_seat(x),
            )


def _move_of(event: Event) -> int | None:
    """The move an event is about (a move, an argument or a ruling), if any."""
    if event.type == ev.MOVE_SUBMITTED:
        return event.seq
    if isinstance(event.data, ev.MoveArgued | ev.MoveAdjudicated):
        return event.data.move
    return None


def connector(session: Session) -> Callable[[], Journal]:
    """How a console opens its own connection to the session's journal, to follow it."""
    address = session.journal.address
    if address == ":memory:":
        return lambda: session.journal
    return lambda: open_journal(address)


def make_app(
    session: Session,
    role: str = CONTROL,
    cell: str | None = None,
    *,
    follow: bool = True,
    tick: float | None = 1.0,
    approve: bool = False,
    seed: Callable[[], int] | None = None,
    code: str | None = None,
    wrong_code_delay: float = 2.0,
    seal_key: ControlKey | None = None,
    lang: str | None = None,
    theme: str | None = None,
    notices: Sequence[str] = (),
) -> App[None]:
    """The console for ``session``: the facilitator's for ``role == "control"``, else a
    player's (``cell`` preselects the cell; ``code``, when given, joins at once).

    ``follow`` watches the journal for other processes' events (through a second
    connection to the same session); ``seal_key`` is control's key, with which the
    facilitator's console seals the record. ``lang`` is the language asked for (``--lang``,
    ``EXERCISE_LANG``): a player's console otherwise speaks its cell's language; ``theme``
    is ``default`` or ``high-contrast`` (else ``EXERCISE_THEME``). ``notices`` are shown
    in the facilitator's console as warnings when it opens."""
    connect = connector(session) if follow else None
    if role == CONTROL:
        return FacilitatorApp(
            session, connect=connect, tick=tick, approve=approve, seed=seed, seal_key=seal_key,
            theme=theme, notices=notices,
        )  # fmt: skip
    from exercise.tui.player import PlayerApp

    return PlayerApp(
        session, cell=cell, code=code, connect=connect, tick=tick,
        wrong_code_delay=wrong_code_delay, lang=lang, theme=theme,
    )  # fmt: skip


__all__ = ["FacilitatorApp", "connector", "make_app"]
