"""Score a 100,000-event journal: events per second, and whether the cost of an event
grows with the log (time for the last 10,000 events against the first 10,000) — under
the shipped rules, and under version-2 rules (consultation, consent, required parties,
loops) on a journal full of intents, consultations, answers and consent decisions."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import attrs

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
    Scenario,
)
from exercise.scoring import Scorer
from exercise.session import Session

from .bench_engine import _Clock, build


def version_2(scenario: Scenario) -> Scenario:
    """The scenario's rules with every version-2 option switched on."""
    rules: list[Any] = []
    for r in scenario.ruleset.rules:
        if isinstance(r, DeconflictRule):
            lead = timedelta(minutes=5)
            r = attrs.evolve(r, lead=lead, answered=True, consent=r.consult[:1])
        elif isinstance(r, NotifyRule) and r.move is not None:
            r = attrs.evolve(r, after="move", weights={r.notify[0]: 2.0})
        elif isinstance(r, JointRule):
            others = r.cells[1:]
            r = attrs.evolve(r, required=r.cells[:1], cells=others,
                             quorum=min(r.quorum - 1, len(others)),
                             unilateral=r.cells[:1], penalty=5)  # fmt: skip
        elif isinstance(r, NetworkRule):
            r = attrs.evolve(r, both_ways=True, exchanges=3)
        elif isinstance(r, AcknowledgeRule):
            r = attrs.evolve(r, exclude_channels=("media",), cap=0.3)
        rules.append(r)
    ruleset = RuleSet(ratings=scenario.ruleset.ratings, rules=tuple(rules), version=2)
    return attrs.evolve(scenario, ruleset=ruleset)


def build_v2(n: int) -> tuple[Scenario, list[Any]]:
    """About ``n`` events of the incursion scenario: each round a cell states an intent,
    consults two cells on it, they answer and give or refuse consent, the cell acts on
    it, and messages and acknowledgements go on around it."""
    scenario, _, _ = build(10)
    scenario = version_2(scenario)
    session = Session(MemoryJournal(), scenario, _Clock())
    session.execute(c.Start(CONTROL))
    cells = [x.id for x in scenario.player_cells]
    kinds = [k.id for k in scenario.move_kinds]
    i = 0
    while session.state.seq < n:
        cell = cells[i % len(cells)]
        a, b = cells[(i + 2) % len(cells)], cells[(i + 5) % len(cells)]
        kind = kinds[i % len(kinds)]
        if i % 50 == 0:
            session.execute(c.ReleaseDue(CONTROL))
        try:
            (intent,) = session.execute(c.StateIntent(cell, cell, kind, f"intent {i}",
                                                      concerns=(a, b)))  # fmt: skip
            (asked,) = session.execute(c.Consult(cell, cell, (a, b), f"q {i}", intent=intent.seq))
            session.execute(c.AnswerConsultation(a, a, asked.seq, f"a {i}"))
            decide = c.GiveConsent if i % 4 else c.RefuseConsent
            session.execute(decide(b, b, cell, f"c {i}", intent=intent.seq))
            session.execute(c.SubmitMove(cell, cell, kind, f"move {i}", (a,), None, intent.seq))
            (msg,) = session.execute(c.SendMessage(a, a, (cell,), f"message {i}"))
            session.execute(c.Acknowledge(cell, cell, f"message:{msg.seq}"))
        except DomainError:
            pass
        i += 1
    return scenario, session.journal.read()


def _timed(scenario: Scenario, events: list[Any], rounds: int) -> tuple[float, float, float]:
    """Best total, first-block and last-block times of scoring ``events``."""
    block = len(events) // 10
    total, first, last = [], [], []
    for _ in range(rounds):
        scorer = Scorer(scenario)
        t0 = time.perf_counter()
        for e in events[:block]:
            scorer.feed(e)
        t1 = time.perf_counter()
        for e in events[block:-block]:
            scorer.feed(e)
        t2 = time.perf_counter()
        for e in events[-block:]:
            scorer.feed(e)
        t3 = time.perf_counter()
        scorer.result()
        total.append(time.perf_counter() - t0)
        first.append(t1 - t0)
        last.append(t3 - t2)
    return min(total), min(first), min(last)


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 20_000 if quick else 100_000
    scenario, events, _ = build(n)
    block = n // 10
    rounds = 3
    total, first, last = [], [], []
    for _ in range(rounds):
        scorer = Scorer(scenario)
        t0 = time.perf_counter()
        for e in events[:block]:
            scorer.feed(e)
        t1 = time.perf_counter()
        for e in events[block:-block]:
            scorer.feed(e)
        t2 = time.perf_counter()
        for e in events[-block:]:
            scorer.feed(e)
        t3 = time.perf_counter()
        scorer.result()
        total.append(time.perf_counter() - t0)
        first.append(t1 - t0)
        last.append(t3 - t2)
    t_total, t_first, t_last = min(total), min(first), min(last)
    rules = len(scenario.ruleset.rules)
    return [
        {
            "name": f"score {len(events):,} events ({rules} rules)",
            "value": len(events) / t_total,
            "unit": "events/s",
            "baseline": None,
            "ratio": None,
            "target": "-",
            "note": f"{t_total:.2f} s in all, best of {rounds}",
        },
        {
            "name": f"last {block:,} events vs first {block:,}",
            "value": t_last * 1000,
            "unit": "ms",
            "baseline": t_first * 1000,
            "ratio": t_last / t_first,
            "target": "<= 1.3",
            "note": "cost of an event must not grow with the log",
        },
        *_run_v2(n, rounds),
    ]


def _run_v2(n: int, rounds: int) -> list[dict[str, Any]]:
    scenario, events = build_v2(n)
    block = len(events) // 10
    t_total, t_first, t_last = _timed(scenario, events, rounds)
    return [
        {
            "name": f"score {len(events):,} events, version-2 rules",
            "value": len(events) / t_total,
            "unit": "events/s",
            "baseline": None,
            "ratio": None,
            "target": "-",
            "note": f"{t_total:.2f} s in all, best of {rounds}; intents, consultations, consent",
        },
        {
            "name": f"version 2: last {block:,} events vs first {block:,}",
            "value": t_last * 1000,
            "unit": "ms",
            "baseline": t_first * 1000,
            "ratio": t_last / t_first,
            "target": "<= 1.3",
            "note": "cost of an event must not grow with the log",
        },
    ]
