"""Scoring properties: incremental equals batch, points never exceed the maximum,
unrelated events change nothing."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.engine import CONTROL, DomainError
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.model.event import Event
from exercise.scenario import load_scenario
from exercise.scoring import Award, Scorer, Scores, score
from exercise.session import Session

from ..conftest import FIXTURES, FakeClock

SCENARIO = load_scenario(FIXTURES / "mini" / "scenarios" / "mini.yaml")
PLAYERS = [x.id for x in SCENARIO.player_cells]
KINDS = [k.id for k in SCENARIO.move_kinds]

step = st.one_of(
    st.tuples(st.just("wait"), st.integers(0, 90)),  # game minutes
    st.tuples(
        st.just("move"),
        st.sampled_from(PLAYERS),
        st.sampled_from(KINDS),
        st.lists(st.sampled_from(PLAYERS), max_size=2, unique=True),
    ),
    st.tuples(
        st.just("message"),
        st.sampled_from(PLAYERS),
        st.lists(st.sampled_from(PLAYERS), min_size=1, max_size=2, unique=True),
    ),
    st.tuples(st.just("ack"), st.sampled_from(PLAYERS), st.integers(0, 50)),
    st.tuples(st.just("release"), st.sampled_from([i.id for i in SCENARIO.msel])),
    st.tuples(st.just("noise"), st.sampled_from(PLAYERS)),
)


def play(steps: list[tuple[Any, ...]], *, noise: bool = True, end: bool = True) -> list[Event]:
    clock = FakeClock()
    s = Session(MemoryJournal(), SCENARIO, clock)
    s.execute(c.Start(CONTROL))
    for st_ in steps:
        kind = st_[0]
        try:
            if kind == "wait":
                clock.advance(minutes=st_[1] / SCENARIO.clock_ratio)
                s.execute(c.ReleaseDue(CONTROL))
            elif kind == "move":
                _, cell, k, to = st_
                s.execute(c.SubmitMove(cell, cell, k, "m", tuple(x for x in to if x != cell)))
            elif kind == "message":
                _, cell, to = st_
                to = tuple(x for x in to if x != cell)
                if to:
                    s.execute(c.SendMessage(cell, cell, to, "msg"))
            elif kind == "ack":
                _, cell, n = st_
                items = sorted(i for i, x in s.state.deliveries if x == cell)
                if items:
                    s.execute(c.Acknowledge(cell, cell, items[n % len(items)]))
            elif kind == "release":
                s.execute(c.Release(CONTROL, st_[1]))
            elif kind == "noise" and noise:
                # events no rule looks at
                s.execute(c.Observe(CONTROL, "note", cells=(st_[1],)))
                s.execute(c.AskRfi(st_[1], st_[1], "question?"))
        except DomainError:
            pass
    if end:
        s.execute(c.End(CONTROL))
    return s.journal.read()


def essence(scores: Scores) -> list[tuple[Any, ...]]:
    """Awards without journal positions (which shift when events are inserted)."""
    return sorted(
        (a.rule, a.cells, round(a.points, 9), round(a.max_points, 9), a.status, a.latency_ms)
        for a in scores.awards
    )


SETTINGS = settings(max_examples=120, deadline=None)


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
        # a console advances to "now" between events: never past the next event's time
        if event.game_ms > previous and data.draw(st.booleans()):
            scorer.advance(data.draw(st.integers(previous, event.game_ms)))
        scorer.feed(event)
        previous = max(previous, event.game_ms)
    scorer.advance(final_ms)
    incremental = scorer.result()
    assert incremental.awards == batch.awards
    assert incremental.objectives == batch.objectives
    assert incremental.cells == batch.cells


@SETTINGS
@given(st.lists(step, max_size=40))
def test_points_never_exceed_the_maximum(steps: list[tuple[Any, ...]]) -> None:
    result = score(SCENARIO, play(steps))
    for a in result.awards:
        assert a.points <= a.max_points + 1e-9
        assert a.explanation
        assert_explained_in_russian(a)
    for o in result.objectives:
        assert o.points <= o.max_points + 1e-9
        assert o.share is None or 0 <= o.share <= 1
    for row in result.cells.values():
        assert row["points"] <= row["max_points"] + 1e-9


@SETTINGS
@given(st.lists(step, max_size=40))
def test_unrelated_events_change_nothing(steps: list[tuple[Any, ...]]) -> None:
    with_noise = score(SCENARIO, play(steps, noise=True))
    without = score(SCENARIO, play(steps, noise=False))
    assert essence(with_noise) == essence(without)
    assert [(o.points, o.max_points, o.rating) for o in with_noise.objectives] == [
        (o.points, o.max_points, o.rating) for o in without.objectives
    ]


def assert_explained_in_russian(a: Award) -> None:
    """The explanation renders in Russian (no placeholder left without its value) with
    the same figures as in English, whatever the words' order."""
    english, russian = a.explain("en"), a.explain("ru")
    assert re.search("[а-яё]", russian), russian
    assert sorted(re.findall(r"\d+", english)) == sorted(re.findall(r"\d+", russian)), (
        english,
        russian,
    )
