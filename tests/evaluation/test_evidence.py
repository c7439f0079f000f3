"""The evidence of a critical task: indexing the journal once for every task finds exactly
the events that checking each task against every event finds."""

from __future__ import annotations

import functools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.engine import CONTROL, DomainError
from exercise.engine import commands as c
from exercise.evaluation.eeg import _concerns, events_by_task, task_events
from exercise.journal.memory import MemoryJournal
from exercise.model import CriticalTask, Scenario
from exercise.model.event import Event
from exercise.scenario import load_scenario
from exercise.session import Session
from tests.conftest import ROOT, FakeClock


@functools.cache
def played() -> tuple[Scenario, tuple[Event, ...]]:
    """The incursion scenario played at random for a few hundred events: releases, and
    moves, messages, requests and acknowledgements about the injects or about nothing."""
    scenario = load_scenario(ROOT / "scenarios" / "insurgent-incursion.yaml")
    session = Session(MemoryJournal(), scenario, FakeClock())
    session.execute(c.Start(CONTROL))
    rng = random.Random(5)
    cells = [x.id for x in scenario.player_cells]
    injects = [i.id for i in scenario.msel]
    kinds = [k.id for k in scenario.move_kinds if not k.adjudicate]
    for i in range(400):
        cell = rng.choice(cells)
        other = cells[(cells.index(cell) + 1) % len(cells)]
        about = rng.choice([None, *injects])
        step = i % 5
        try:
            if step == 0:
                session.execute(c.Release(CONTROL, rng.choice(injects)))
            elif step == 1:
                session.execute(c.SubmitMove(cell, cell, rng.choice(kinds), f"m{i}", (other,),
                                             about))  # fmt: skip
            elif step == 2:
                session.execute(c.SendMessage(cell, cell, (other,), f"x{i}", about=about))
            elif step == 3:
                session.execute(c.AskRfi(cell, cell, f"q{i}", about))
            else:
                session.execute(c.Acknowledge(cell, cell, f"inject:{rng.choice(injects)}"))
        except DomainError:
            pass  # not released yet, not addressed to that cell ...: nothing recorded
    return scenario, tuple(session.journal.read())


def tasks_strategy() -> st.SearchStrategy[list[CriticalTask]]:
    scenario, _ = played()
    cells = [x.id for x in scenario.player_cells]
    injects = [i.id for i in scenario.msel]
    task = st.builds(
        lambda n, cs, js: CriticalTask(f"T-{n}", "a task", tuple(cs), tuple(js)),
        st.integers(0, 10_000),
        st.lists(st.sampled_from(cells), max_size=3, unique=True),
        st.lists(st.sampled_from(injects), max_size=3, unique=True),
    )
    return st.lists(task, max_size=8, unique_by=lambda t: t.id)


@settings(max_examples=60, deadline=None)
@given(tasks_strategy())
def test_one_pass_finds_what_checking_every_event_finds(tasks: list[CriticalTask]) -> None:
    _, events = played()
    found = events_by_task(tasks, events)
    for t in tasks:
        expected = tuple(e.seq for e in events if _concerns(t, e.data))
        assert found[t.id] == expected
        assert task_events(t, events) == expected


def test_the_played_journal_has_evidence_of_every_kind() -> None:
    """The property above is not vacuous: the journal holds each kind of evidence."""
    scenario, events = played()
    types = {e.type for e in events}
    assert {"inject.released", "move.submitted", "message.sent", "rfi.asked",
            "item.acknowledged"} <= types  # fmt: skip
    everything = CriticalTask("T-all", "all", tuple(x.id for x in scenario.player_cells),
                              tuple(i.id for i in scenario.msel))  # fmt: skip
    assert len(task_events(everything, events)) > 50
