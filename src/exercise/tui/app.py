"""The facilitator console application and the factory shared by the CLI and the tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.screen import Screen

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.engine import events as ev
from exercise.engine.queries import adjudication_queue, current_module, next_module
from exercise.engine.state import PENDING, RELEASED
from exercise.joincodes import load_plain
from exercise.journal import Journal, JournalError, open_journal
from exercise.journal.seal import SEALED, ControlKey
from exercise.model.event import Event
from exercise.scoring import Award, Scorer, Scores
from exercise.session import Session
from exercise.tui import dialogs
from exercise.tui.base import ConsoleApp
from exercise.tui.facilitator import FacilitatorScreen

#: Seconds between two seals during play (only when something was recorded meanwhile).
SEAL_EVERY = 300.0
#: Events after which the console seals the record at once, and why.
MILESTONES = {ev.CLOCK_STARTED: "STARTEX", ev.EXERCISE_ENDED: "ENDEX"}


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
    ) -> None:
        super().__init__(session, connect)
        #: Control's key: the console seals the record with it at STARTEX, every
        #: ``seal_every`` seconds of play when something happened, at ENDEX and after the
        #: hot wash (None: it does not seal).
        self.seal_key = seal_key
        self.seal_every = seal_every
        self.scorer = Scorer(session.scenario)
        self.scorer.feed_all(session.journal.read(limit=session.state.seq))
        self.tick_every = tick
        self.approve = approve
        self.seed = seed
        self.codes = load_plain(session.journal.address)
        self.award_rows: list[Award] = []
        self._unseen: list[Event] = []  # folded into the state, not yet drawn or scored
        self._scores: tuple[int, Scores] | None = None
        session.listeners.append(self._unseen.append)
        self._sealing = False
        self._sealed_at = -1

    # --------------------------------------------------------------- lifecycle

    def on_mount(self) -> None:
        self.push_screen(FacilitatorScreen())
        if self.connect is not None:
            self.follow_journal()
        if self.tick_every:
            self.set_interval(self.tick_every, self.tick)
        if self.seal_key is not None and self.seal_every:
            self.set_interval(self.seal_every, lambda: self.seal("periodic"))

    @property
    def main(self) -> FacilitatorScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, FacilitatorScreen):
                return screen
        return None

    def sync(self) -> None:
        """Fold what the journal gained and redraw."""
        self.refresh_session()
        new, self._unseen[:] = list(self._unseen), []
        for e in new:
            self.scorer.feed(e)
        milestone = next((MILESTONES[e.type] for e in new if e.type in MILESTONES), None)
        if milestone is not None and not self._sealing:
            self.seal(milestone)
            new += self._unseen
            self._unseen.clear()
        if self.main is not None:
            self.main.refresh_all(new)

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
        self._sealing = True
        try:
            written = self.session.seal(self.seal_key)
        except JournalError as exc:
            self.notify(f"Could not seal the record: {exc}", severity="error", markup=False)
            return
        finally:
            self._sealing = False
        self._sealed_at = written.seq
        if why != "periodic":
            self.notify(f"Record sealed ({why}) at event {written.seq}", markup=False)

    def tick(self) -> None:
        """Once a second: the clock display, due injects, closing score windows."""
        state = self.session.state
        if state.started and state.clock.running and not state.ended and not self.approve:
            due = self.run_quietly(c.ReleaseDue(CONTROL))
            if due:
                self.notify(due, severity="error", markup=False)
        if not self.scorer.ended:
            self.scorer.advance(self.session.game_ms())
        self.sync()

    def scores(self) -> Scores:
        """The scores, recomputed only when an award changed."""
        if self._scores is None or self._scores[0] != self.scorer.version:
            self._scores = (self.scorer.version, self.scorer.result())
        return self._scores[1]

    # ----------------------------------------------------------------- commands

    def action_toggle_clock(self) -> None:
        state = self.session.state
        if not state.started:
            self.act(c.Start(CONTROL), "STARTEX: the clock is running")
        elif state.clock.running:
            self.act(c.Pause(CONTROL), "Clock paused")
        else:
            self.act(c.Resume(CONTROL), "Clock running")

    def release(self, inject: str) -> None:
        self.act(c.Release(CONTROL, inject), f"{inject} released")

    def hold(self, inject: str) -> None:
        status = self.session.state.injects[inject].status
        if status == PENDING:
            self.push_screen(
                dialogs.ReasonDialog(
                    self.attempt, f"Hold {inject}", lambda r: c.Hold(CONTROL, inject, r)
                )
            )
        else:
            self.act(c.Unhold(CONTROL, inject), f"{inject} back in the MSEL")

    def skip(self, inject: str) -> None:
        self.push_screen(
            dialogs.ReasonDialog(
                self.attempt, f"Skip {inject}", lambda r: c.Skip(CONTROL, inject, r)
            )
        )

    def retime(self, inject: str) -> None:
        self.push_screen(dialogs.RetimeDialog(self.attempt, self.session.scenario, inject))

    def action_add_inject(self) -> None:
        self.push_screen(
            dialogs.AddInjectDialog(
                self.attempt, self.session.scenario, list(self.session.state.injects)
            )
        )

    def action_observe(self) -> None:
        inject, cell = "", ""
        main = self.main
        if main is not None and self.screen is main:
            inject = main.selected_inject() or ""
        self.push_screen(
            dialogs.ObservationDialog(self.attempt, self.session.scenario, inject, cell)
        )

    def action_jump(self) -> None:
        self.push_screen(dialogs.JumpDialog(self.attempt, self.session.scenario))

    def action_ratio(self) -> None:
        self.push_screen(dialogs.RatioDialog(self.attempt, self.session.state.clock.ratio))

    def action_toggle_approval(self) -> None:
        self.approve = not self.approve
        self.notify(
            "Due injects wait for you: release them with r"
            if self.approve
            else "Due injects are released automatically",
            markup=False,
        )
        self.sync()

    def action_end(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.act(c.End(CONTROL, "ended from the console"), "ENDEX")

        self.push_screen(dialogs.ConfirmDialog("End the exercise (ENDEX)?"), confirmed)

    def _tab(self, tab: str) -> None:
        if self.main is not None:
            self.main.action_tab(tab)

    def action_hot_wash(self) -> None:
        from exercise.tui.hotwash import HotWashScreen

        self.push_screen(HotWashScreen(), lambda _: self.seal("after the hot wash"))

    def hot_seat(self, cell: str | None = None) -> None:
        self.push_screen(dialogs.MoveDialog(self.attempt, self.session.scenario, cell))

    def adjudicate(self, move_seq: int) -> None:
        move = self.session.state.moves.get(move_seq)
        if move is not None:
            self.push_screen(dialogs.AdjudicationDialog(self.attempt, move, self.seed))

    def drill_down(self, index: int) -> None:
        award = self.award_rows[index]
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
                self.act(c.OpenModule(CONTROL, following.id), f"module {following.id} opened")
            elif choice == "note" and module is not None:
                self.push_screen(dialogs.ModuleNoteDialog(self.attempt, module.id, module.title))

        self.push_screen(dialogs.ModuleDialog(state, module, following), chosen)

    def show_inject(self, inject_id: str) -> None:
        state = self.session.state
        status = state.injects[inject_id].status
        self.push_screen(
            dialogs.InjectDialog(self.session.scenario, inject_id, state.inject(inject_id), status)
        )

    # ---------------------------------------------------------- command palette

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        state = self.session.state
        clock = (
            "Start the exercise"
            if not state.started
            else ("Pause the clock" if state.clock.running else "Resume the clock")
        )
        yield SystemCommand(clock, "STARTEX / pause / resume", self.action_toggle_clock)
        yield SystemCommand("Jump to a game time", "Set the game clock", self.action_jump)
        yield SystemCommand(
            "Change the clock ratio", "Game seconds per wall second", self.action_ratio
        )
        yield SystemCommand(
            "Add an ad-hoc inject", "Write and release a new inject", self.action_add_inject
        )
        yield SystemCommand(
            "Record an observation",
            "A note linked to injects, cells, objectives",
            self.action_observe,
        )
        yield SystemCommand(
            "Approve releases / auto release",
            "Toggle how due injects go out",
            self.action_toggle_approval,
        )
        if self.session.scenario.modules:
            yield SystemCommand(
                "Module: answers, notes, next module",
                "The discussion of the current module",
                self.action_module,
            )
        yield SystemCommand("End the exercise (ENDEX)", "Stop the exercise", self.action_end)
        yield SystemCommand(
            "Hot wash", "Strengths, areas for improvement, improvement plan", self.action_hot_wash
        )
        for tab, what in (("feed", "Feed"), ("cells", "Cells"), ("queue", "Adjudication queue"),
                          ("scores", "Scores")):  # fmt: skip
            yield SystemCommand(
                f"Show {what}", f"The {what.lower()} tab", lambda t=tab: self._tab(t)
            )
        for inject_id, st in state.injects.items():
            if st.status == RELEASED:
                continue
            title = state.inject(inject_id).title
            yield SystemCommand(f"Release {inject_id}", title, lambda i=inject_id: self.release(i))
            yield SystemCommand(f"Hold {inject_id}", title, lambda i=inject_id: self.hold(i))
            yield SystemCommand(f"Skip {inject_id}", title, lambda i=inject_id: self.skip(i))
            yield SystemCommand(f"Retime {inject_id}", title, lambda i=inject_id: self.retime(i))
        for move in adjudication_queue(state):
            yield SystemCommand(
                f"Adjudicate move {move.seq} ({move.cell} {move.kind})",
                move.text[:80],
                lambda m=move.seq: self.adjudicate(m),
            )
        for cell in self.session.scenario.player_cells:
            yield SystemCommand(
                f"Open cell {cell.id}",
                f"Enter a move for {cell.name}",
                lambda x=cell.id: self.hot_seat(x),
            )


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
) -> App[None]:
    """The console for ``session``: the facilitator's for ``role == "control"``, else a
    player's (``cell`` preselects the cell; ``code``, when given, joins at once).

    ``follow`` watches the journal for other processes' events (through a second
    connection to the same session); ``seal_key`` is control's key, with which the
    facilitator's console seals the record."""
    connect = None
    if follow:
        address = session.journal.address
        connect = (
            (lambda: open_journal(address)) if address != ":memory:" else (lambda: session.journal)
        )
    if role == CONTROL:
        return FacilitatorApp(
            session, connect=connect, tick=tick, approve=approve, seed=seed, seal_key=seal_key
        )
    from exercise.tui.player import PlayerApp

    return PlayerApp(
        session, cell=cell, code=code, connect=connect, tick=tick, wrong_code_delay=wrong_code_delay
    )


__all__ = ["FacilitatorApp", "make_app"]
