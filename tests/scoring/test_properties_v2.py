"""Properties of the version-2 semantics on random plays of the mini scenario with
intents, consultations, answers, consent and adjudications: incremental scoring equals
batch; a message unrelated to an action never changes that action's deconflict award;
a refusal never raises a deconflict award; a required party's commitment never lowers a
joint award."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.engine import CONTROL, DomainError
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.model import (
    AcknowledgeRule,
    DeconflictRule,
    JointRule,
    NetworkRule,
    NotifyRule,
    RuleSet,
)
from exercise.model.event import Event
from exercise.scenario import load_scenario
from exercise.scoring import Scorer, Scores, score
from exercise.session import Session

from ..conftest import FIXTURES, FakeClock
from .test_properties import assert_explained_in_russian

H = timedelta(hours=1)
MINI = load_scenario(FIXTURES / "mini" / "scenarios" / "mini.yaml")
RULES = (
    DeconflictRule(id="strike", objective="OBJ-1", points=10, penalty=5, cell="uzb-mod",
                   action="strike", consult=("kgz-mod",), consent=("liaison",),
                   within=4 * H, lead=timedelta(minutes=10), answered=True),
    DeconflictRule(id="consent", objective="OBJ-1", points=5, penalty=2, cell="uzb-mod",
                   action="strike", consent=("liaison",)),
    DeconflictRule(id="closure", objective="OBJ-1", points=6, penalty=2, cell="kgz-mod",
                   action="close-border", consult=("uzb-mod", "liaison")),
    NotifyRule(id="report", objective="OBJ-1", points=6, cell="uzb-mod", move="strike",
               notify=("kgz-mod", "liaison"), weights={"kgz-mod": 2.0}, within=H,
               after="adjudication"),
    NotifyRule(id="tell", objective="OBJ-1", points=4, cell="kgz-mod", move="close-border",
               notify=("uzb-mod",), within=H),
    JointRule(id="joint", objective="OBJ-1", points=10, action="close-border",
              cells=("kgz-mod", "liaison"), quorum=1, within=2 * H, required=("uzb-mod",),
              unilateral=("uzb-mod",), penalty=3),
    JointRule(id="joint-anchored", objective="OBJ-1", points=8, action="close-border",
              cells=("liaison",), quorum=0, within=3 * H, required=("kgz-mod",),
              anchor="INJ-001"),
    JointRule(id="joint-startex", objective="OBJ-1", points=4, action="warn",
              cells=("kgz-mod", "uzb-mod", "liaison"), quorum=2, within=5 * H,
              anchor="startex"),
    NetworkRule(id="links", objective="OBJ-1", points=6,
                required=(("kgz-mod", "uzb-mod"), ("liaison", "kgz-mod")), both_ways=True,
                exchanges=3),
    AcknowledgeRule(id="ack", objective="OBJ-1", points=2, cell="kgz-mod", within=H,
                    exclude_channels=("phone",), cap=0.2),
)  # fmt: skip
SCENARIO = attrs.evolve(MINI, ruleset=RuleSet(rules=RULES, version=2))
PLAYERS = [x.id for x in SCENARIO.player_cells]
KINDS = [k.id for k in SCENARIO.move_kinds]
cells = st.lists(st.sampled_from(PLAYERS), min_size=1, max_size=2, unique=True)

step = st.one_of(
    st.tuples(st.just("wait"), st.integers(0, 90)),  # game minutes
    st.tuples(st.just("intent"), st.sampled_from(PLAYERS), st.sampled_from(KINDS), cells),
    st.tuples(st.just("consult"), st.integers(0, 9), cells, st.booleans()),
    st.tuples(st.just("reply"), st.integers(0, 9), st.integers(0, 1)),
    st.tuples(st.just("consent"), st.sampled_from(PLAYERS), st.booleans(), st.integers(0, 9)),
    st.tuples(
        st.just("move"),
        st.sampled_from(PLAYERS),
        st.sampled_from(KINDS),
        cells,
        st.one_of(st.none(), st.integers(0, 9)),
        st.booleans(),
    ),
    st.tuples(st.just("adjudicate"), st.integers(0, 9)),
    st.tuples(st.just("message"), st.sampled_from(PLAYERS), cells),
    st.tuples(st.just("ack"), st.sampled_from(PLAYERS), st.integers(0, 50)),
    st.tuples(st.just("release"), st.sampled_from([i.id for i in SCENARIO.msel])),
    # the steps the rules are about, more often than chance would give them
    st.tuples(st.just("intent"), st.just("uzb-mod"), st.just("strike"), cells),
    st.tuples(
        st.just("move"),
        st.just("uzb-mod"),
        st.just("strike"),
        cells,
        st.integers(0, 9),
        st.just(False),
    ),
    st.tuples(
        st.just("move"),
        st.sampled_from(PLAYERS),
        st.just("close-border"),
        cells,
        st.none(),
        st.just(False),
    ),
    st.tuples(st.just("consent"), st.just("liaison"), st.booleans(), st.integers(0, 9)),
    st.tuples(st.just("consult"), st.integers(0, 9), cells, st.just(False)),
    st.tuples(st.just("reply"), st.integers(0, 9), st.integers(0, 1)),
)


def _do(s: Session, clock: FakeClock, x: tuple[Any, ...]) -> None:
    state = s.state
    intents = list(state.intents.values())
    kind = x[0]
    if kind == "wait":
        clock.advance(minutes=x[1] / SCENARIO.clock_ratio)
        s.execute(c.ReleaseDue(CONTROL))
    elif kind == "intent":
        _, cell, k, to = x
        s.execute(c.StateIntent(cell, cell, k, "i", concerns=tuple(t for t in to if t != cell)))
    elif kind == "consult":
        _, i, to, by_inject = x
        if not intents:
            return
        intent = intents[i % len(intents)]
        to = tuple(t for t in to if t != intent.cell)
        if not to:
            return
        if by_inject and intent.cell == "kgz-mod" and state.injects["INJ-001"].status == "released":
            s.execute(c.Consult(intent.cell, intent.cell, to, "?", inject="INJ-001"))
        else:
            s.execute(c.Consult(intent.cell, intent.cell, to, "?", intent=intent.seq))
    elif kind == "reply":
        _, i, j = x
        asked = list(state.consultations.values())
        if asked:
            q = asked[i % len(asked)]
            cell = q.to[j % len(q.to)]
            s.execute(c.AnswerConsultation(cell, cell, q.seq, "a"))
    elif kind == "consent":
        _, giver, given, i = x
        if intents:
            intent = intents[i % len(intents)]
            if giver != intent.cell:
                cls = c.GiveConsent if given else c.RefuseConsent
                s.execute(cls(giver, giver, intent.cell, "r", intent=intent.seq))
    elif kind == "move":
        _, cell, k, to, i, answers = x
        intent_seq = None
        if i is not None and intents:
            intent = intents[i % len(intents)]
            cell, k, intent_seq = intent.cell, intent.kind, intent.seq
        answer = "INJ-001" if answers and cell == "kgz-mod" else None
        to = tuple(t for t in to if t != cell)
        s.execute(c.SubmitMove(cell, cell, k, "m", to, answer, intent_seq))
    elif kind == "adjudicate":
        strikes = [m for m in state.moves.values() if m.kind == "strike"]
        if strikes:
            s.execute(c.Adjudicate(CONTROL, strikes[x[1] % len(strikes)].seq, "accepted"))
    elif kind == "message":
        _, cell, to = x
        to = tuple(t for t in to if t != cell)
        if to:
            s.execute(c.SendMessage(cell, cell, to, "msg"))
    elif kind == "ack":
        _, cell, n = x
        items = sorted(i for i, who in state.deliveries if who == cell)
        if items:
            s.execute(c.Acknowledge(cell, cell, items[n % len(items)]))
    elif kind == "release":
        s.execute(c.Release(CONTROL, x[1]))
    elif kind == "raw":  # a command given as is (the properties insert these)
        s.execute(x[1])


def play(steps: list[tuple[Any, ...]], *, end: bool = True) -> list[Event]:
    clock = FakeClock()
    s = Session(MemoryJournal(), SCENARIO, clock)
    s.execute(c.Start(CONTROL))
    for x in steps:
        with contextlib.suppress(DomainError):  # a step the engine refuses is skipped
            _do(s, clock, x)
    if end:
        s.execute(c.End(CONTROL))
    return s.journal.read()


def points(scores: Scores, rule: str, prefix: str = "") -> list[float]:
    """The points of one rule's final awards, in the order they were decided."""
    return [
        a.points
        for a in scores.awards
        if a.rule == rule and a.status == "final" and a.key.startswith(prefix)
    ]


SETTINGS = settings(max_examples=100, deadline=None)


@SETTINGS
@given(st.lists(step, max_size=40), st.data(), st.booleans())
def test_incremental_equals_batch(
    steps: list[tuple[Any, ...]], data: st.DataObject, end: bool
) -> None:
    events = play(steps, end=end)
    final_ms = events[-1].game_ms + 10 * 3_600_000
    batch = score(SCENARIO, events, until_ms=final_ms)
    scorer = Scorer(SCENARIO)
    previous = 0
    for event in events:
        if event.game_ms > previous and data.draw(st.booleans()):
            scorer.advance(data.draw(st.integers(previous, event.game_ms)))
        scorer.feed(event)
        previous = max(previous, event.game_ms)
    scorer.advance(final_ms)
    incremental = scorer.result()
    assert incremental.awards == batch.awards
    for a in batch.awards:
        assert_explained_in_russian(a)
    assert incremental.objectives == batch.objectives
    assert incremental.cells == batch.cells


@SETTINGS
@given(st.lists(step, max_size=40), st.data())
def test_an_unrelated_message_never_changes_a_deconflict_award(
    steps: list[tuple[Any, ...]], data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(steps)))
    sender = data.draw(st.sampled_from(["uzb-mod", "kgz-mod"]))
    to = ("kgz-mod",) if sender == "uzb-mod" else ("uzb-mod", "liaison")
    noise = ("raw", c.SendMessage(sender, sender, to, "Crossings near Sokh are closed"))
    without = score(SCENARIO, play(steps))
    with_it = score(SCENARIO, play([*steps[:at], noise, *steps[at:]]))
    for rule in ("strike", "consent", "closure"):
        assert points(with_it, rule) == points(without, rule)


@SETTINGS
@given(st.lists(step, max_size=40), st.data())
def test_a_refusal_never_raises_a_deconflict_award(
    steps: list[tuple[Any, ...]], data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(steps)))
    refusal = ("consent", "liaison", False, data.draw(st.integers(0, 9)))
    without = score(SCENARIO, play(steps))
    with_it = score(SCENARIO, play([*steps[:at], refusal, *steps[at:]]))
    for rule in ("strike", "consent"):
        before, after = points(without, rule), points(with_it, rule)
        assert len(before) == len(after)
        assert all(b >= a for b, a in zip(before, after, strict=True))


joint_step = st.one_of(
    st.tuples(st.just("wait"), st.integers(0, 150)),
    st.tuples(
        st.just("move"),
        st.sampled_from(PLAYERS),
        st.just("close-border"),
        cells,
        st.none(),
        st.just(False),
    ),
    st.tuples(st.just("release"), st.just("INJ-001")),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(joint_step, max_size=16), st.data())
def test_a_required_partys_commitment_never_lowers_a_joint_award(
    steps: list[tuple[Any, ...]], data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(steps)))
    cell = data.draw(st.sampled_from(["uzb-mod", "kgz-mod"]))  # required by one rule each
    commit = ("raw", c.SubmitMove(cell, cell, "close-border", "Closing our side"))
    without = score(SCENARIO, play(steps))
    with_it = score(SCENARIO, play([*steps[:at], commit, *steps[at:]]))
    for rule in ("joint", "joint-anchored"):
        assert sum(points(with_it, rule, "joint")) >= sum(points(without, rule, "joint"))
