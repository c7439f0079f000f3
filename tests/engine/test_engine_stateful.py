"""Random command sequences against the engine (hypothesis stateful testing).

Invariants: replaying the journal rebuilds the same state; no view ever holds another
cell's private traffic; game time only moves backwards on an explicit jump; released
injects are never lost or duplicated."""

from __future__ import annotations

from collections import Counter

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from exercise.engine import CONTROL, DomainError, fold, view
from exercise.engine import commands as c
from exercise.engine.view import concerns
from exercise.journal.memory import MemoryJournal
from exercise.scenario import load_scenario
from exercise.session import Session

from ..conftest import FIXTURES
from .conftest import FakeClock

SCENARIO = load_scenario(FIXTURES / "mini" / "scenarios" / "mini.yaml")
CELLS = sorted(SCENARIO.cell_ids)
PLAYERS = [x.id for x in SCENARIO.player_cells]
ACTORS = [CONTROL, *CELLS]
INJECTS = [i.id for i in SCENARIO.msel]
KINDS = [k.id for k in SCENARIO.move_kinds]
texts = st.sampled_from(["ok", "[bold]x[/]", "<script>alert(1)</script>", "Зардалы", "a\nb"])


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.session = Session(MemoryJournal(), SCENARIO, self.clock)
        self.last_game = 0
        self.jumped = False
        self.refused = 0
        self.views: dict[str, object] = {}
        self.seen = 0

    def run(self, cmd: c.Command) -> None:
        before = self.session.game_ms()
        try:
            self.session.execute(cmd)
        except DomainError:
            self.refused += 1
        self.jumped = isinstance(cmd, c.Jump) and self.session.game_ms() < before

    @rule()
    def start(self) -> None:
        self.run(c.Start(CONTROL))

    @rule(actor=st.sampled_from(ACTORS))
    def pause(self, actor: str) -> None:
        self.run(c.Pause(actor))

    @rule()
    def resume(self) -> None:
        self.run(c.Resume(CONTROL))

    @rule(ratio=st.sampled_from([0.5, 1, 4, 60]))
    def ratio(self, ratio: float) -> None:
        self.run(c.SetRatio(CONTROL, ratio))

    @rule(minutes=st.integers(0, 48 * 60))
    def jump(self, minutes: int) -> None:
        self.run(c.Jump(CONTROL, minutes * 60_000))

    @rule(seconds=st.integers(0, 3 * 3600))
    def wait(self, seconds: int) -> None:
        self.clock.advance(seconds=seconds)
        self.run(c.ReleaseDue(CONTROL))

    @rule(actor=st.sampled_from(ACTORS), inject=st.sampled_from(INJECTS))
    def release(self, actor: str, inject: str) -> None:
        self.run(c.Release(actor, inject))

    @rule(inject=st.sampled_from(INJECTS), how=st.sampled_from(["hold", "skip", "unhold"]))
    def hold_or_skip(self, inject: str, how: str) -> None:
        cls = {"hold": c.Hold, "skip": c.Skip, "unhold": c.Unhold}[how]
        self.run(cls(CONTROL, inject))

    @rule(
        actor=st.sampled_from(ACTORS),
        cell=st.sampled_from(CELLS),
        kind=st.sampled_from(KINDS),
        to=st.lists(st.sampled_from(CELLS), max_size=3),
        text=texts,
    )
    def move(self, actor: str, cell: str, kind: str, to: list[str], text: str) -> None:
        self.run(c.SubmitMove(actor, cell, kind, text, tuple(to)))

    @rule(
        actor=st.sampled_from(ACTORS),
        cell=st.sampled_from(CELLS),
        to=st.lists(st.sampled_from(CELLS), min_size=1, max_size=3),
        text=texts,
    )
    def message(self, actor: str, cell: str, to: list[str], text: str) -> None:
        self.run(c.SendMessage(actor, cell, tuple(to), text))

    @rule(actor=st.sampled_from(ACTORS), cell=st.sampled_from(CELLS), n=st.integers(0, 60))
    def acknowledge(self, actor: str, cell: str, n: int) -> None:
        items = sorted({item for item, _ in self.session.state.deliveries})
        if items:
            self.run(c.Acknowledge(actor, cell, items[n % len(items)]))

    @rule(n=st.integers(0, 60), outcome=st.sampled_from(["accepted", "rejected", "modified"]))
    def adjudicate(self, n: int, outcome: str) -> None:
        moves = sorted(self.session.state.moves)
        if moves:
            self.run(c.Adjudicate(CONTROL, moves[n % len(moves)], outcome, "because"))

    @rule(n=st.integers(0, 60))
    def publish(self, n: int) -> None:
        items = sorted({item for item, _ in self.session.state.deliveries})
        if items:
            self.run(c.Publish(CONTROL, items[n % len(items)]))

    @rule(actor=st.sampled_from(ACTORS), cell=st.sampled_from(CELLS), text=texts)
    def ask(self, actor: str, cell: str, text: str) -> None:
        self.run(c.AskRfi(actor, cell, text))

    @rule(n=st.integers(0, 60), public=st.booleans())
    def answer(self, n: int, public: bool) -> None:
        rfis = sorted(self.session.state.rfis)
        if rfis:
            self.run(c.AnswerRfi(CONTROL, rfis[n % len(rfis)], "the answer", public))

    @rule(
        cell=st.sampled_from(CELLS),
        n=st.integers(0, 60),
        stance=st.sampled_from(["for", "against"]),
    )
    def argue(self, cell: str, n: int, stance: str) -> None:
        moves = sorted(self.session.state.moves)
        if moves:
            self.run(c.Argue(cell, cell, moves[n % len(moves)], stance, "because", True))

    @rule(cell=st.sampled_from(CELLS), n=st.integers(0, 60))
    def read(self, cell: str, n: int) -> None:
        items = sorted({item for item, _ in self.session.state.deliveries})
        if items:
            self.run(c.MarkRead(cell, cell, items[n % len(items)]))

    @rule(cell=st.sampled_from(PLAYERS))
    def join_and_leave(self, cell: str) -> None:
        self.run(c.Join(cell, cell))
        self.run(c.Leave(cell, cell))

    @rule()
    def end(self) -> None:
        self.run(c.End(CONTROL))

    # ------------------------------------------------------------- invariants

    @invariant()
    def replay_rebuilds_the_state(self) -> None:
        assert fold(SCENARIO, self.session.journal.read()) == self.session.state

    @invariant()
    def views_hold_no_foreign_private_traffic(self) -> None:
        state = self.session.state
        for cell in CELLS:
            v = view(state, cell)
            for inject in v.injects:
                assert (f"inject:{inject.id}", cell) in state.deliveries or inject.public
            for t in v.traffic:
                assert t.cell == cell or cell in t.to or t.public

    @invariant()
    def an_event_that_does_not_concern_a_cell_leaves_its_view_alone(self) -> None:
        state = self.session.state
        new = self.session.journal.read(after=self.seen)
        for cell in PLAYERS:
            now = attrs.evolve(view(state, cell), seq=0)
            if cell in self.views and not any(concerns(state, cell, e) for e in new):
                assert now == self.views[cell], [e.type for e in new]
            self.views[cell] = now
        self.seen = state.seq

    @invariant()
    def game_time_goes_back_only_on_a_jump(self) -> None:
        now = self.session.game_ms()
        if not self.jumped:
            assert now >= self.last_game
        self.last_game = now

    @invariant()
    def released_injects_are_never_lost_or_duplicated(self) -> None:
        events = self.session.journal.read()
        counts = Counter(e.payload["inject"] for e in events if e.type == "inject.released")
        assert all(n == 1 for n in counts.values())
        released = {i for i, s in self.session.state.injects.items() if s.status == "released"}
        assert released == set(counts)


EngineMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestEngine = EngineMachine.TestCase


def test_the_machine_reaches_interesting_states() -> None:
    """Guard against a vacuous run: a fixed sequence through the machine's rules."""
    m = EngineMachine()
    m.start()
    m.wait(seconds=900)
    m.move(actor="kgz-mod", cell="kgz-mod", kind="warn", to=["uzb-mod", "liaison"], text="ok")
    m.message(actor="uzb-mod", cell="uzb-mod", to=["kgz-mod"], text="<script>alert(1)</script>")
    m.acknowledge(actor="kgz-mod", cell="kgz-mod", n=0)
    m.jump(minutes=1440)
    m.wait(seconds=1)
    m.end()
    types = [e.type for e in m.session.journal.read()]
    assert types.count("inject.released") == 2 and "item.acknowledged" in types
    assert m.refused == 0
    m.replay_rebuilds_the_state()
    m.views_hold_no_foreign_private_traffic()
    m.released_injects_are_never_lost_or_duplicated()
