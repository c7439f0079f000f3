"""Evaluation of a long exercise: 50 critical tasks, 5 evaluators, about 100,000 events.

- ``evaluate()`` (the EEGs: each task's evidence, awards, ratings and observations, the
  agreement figures) against scoring the same session, measured in the same run: the
  evaluation reads the same journal the scorer does, and the EEG console and the lead
  evaluator's view recompute it whenever the journal moves, so it should cost no more
  than a fraction of scoring it;
- the agreement figures alone (Fleiss' kappa over the 5 evaluators and the weighted
  Cohen's kappa of each of the 10 pairs, each with exact and adjacent agreement) on the
  50 tasks, against one pair's figures as the baseline: the cost should grow with the
  number of rater pairs counted (10 inside the 5-rater group, 10 alone), not faster.
"""

from __future__ import annotations

import random
import time
from typing import Any

import attrs

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.evaluation import SCALE, agreement, evaluate
from exercise.journal.memory import MemoryJournal
from exercise.model import CriticalTask, Scenario
from exercise.scenario import load_scenario
from exercise.scoring import Scorer
from exercise.session import Session

from .bench_engine import ROOT, _Clock

TASKS = 50
EVALUATORS = ("ana", "ben", "cas", "dan", "eva")


def with_tasks(scenario: Scenario, n: int) -> Scenario:
    """The scenario with ``n`` critical tasks spread over its objectives, each on a cell,
    an inject of the MSEL (every other task) and one of the scoring rules."""
    cells = [x.id for x in scenario.player_cells]
    injects = [i.id for i in scenario.msel]
    rules = [r.id for r in scenario.ruleset.rules]
    objectives = list(scenario.objectives)
    tasks: dict[str, list[CriticalTask]] = {o.id: [] for o in objectives}
    for k in range(n):
        o = objectives[k % len(objectives)]
        tasks[o.id].append(
            CriticalTask(
                id=f"T-{k:02d}",
                text=f"critical task {k}",
                cells=(cells[k % len(cells)],),
                injects=(injects[k % len(injects)],) if k % 2 else (),
                rules=(rules[k % len(rules)],),
            )
        )
    return attrs.evolve(
        scenario,
        objectives=tuple(attrs.evolve(o, critical_tasks=tuple(tasks[o.id])) for o in objectives),
    )


def build(n: int) -> tuple[Scenario, Session]:
    """A session of about ``n`` events: the cells' traffic, and the evaluators observing
    and (re-)rating their tasks all along, in partial agreement."""
    scenario = with_tasks(load_scenario(ROOT / "scenarios" / "insurgent-incursion.yaml"), TASKS)
    session = Session(MemoryJournal(), scenario, _Clock())
    for name in EVALUATORS:
        session.execute(c.AddEvaluator(CONTROL, name))
        session.execute(c.AssignEvaluator(CONTROL, name, tuple(o.id for o in scenario.objectives)))
    session.execute(c.Start(CONTROL))
    cells = [x.id for x in scenario.player_cells]
    kinds = [k.id for k in scenario.move_kinds if not k.adjudicate]
    task_ids = [t.id for o in scenario.objectives for t in o.critical_tasks]
    rng = random.Random(17)
    truth = {t: rng.randrange(4) for t in task_ids}  # what the task "deserves"
    i = 0
    while session.state.seq < n:
        cell, other = cells[i % len(cells)], cells[(i + 3) % len(cells)]
        if i % 50 == 0:
            session.execute(c.ReleaseDue(CONTROL))
        step = i % 4
        if step == 0:
            session.execute(c.SubmitMove(cell, cell, kinds[i % len(kinds)], f"move {i}", (other,)))
        elif step == 1:
            (msg,) = session.execute(c.SendMessage(cell, cell, (other,), f"message {i}"))
            session.execute(c.Acknowledge(other, other, f"message:{msg.seq}"))
        else:
            who = c.evaluator_actor(EVALUATORS[i % len(EVALUATORS)])
            task = task_ids[(i // 4 // len(EVALUATORS)) % len(task_ids)]
            if step == 2:
                seen = session.state.seq
                session.execute(c.Observe(who, f"observed {i}", tasks=(task,), events=(seen,)))
            else:  # most ratings near the truth, some a step off: partial agreement
                r = min(3, max(0, truth[task] + rng.choice((0, 0, 0, 1, -1))))
                rating = SCALE[r]
                reason = "" if rating in ("P", "S") else f"reason {i}"
                session.execute(c.RateTask(who, task, rating, reason))
        i += 1
    return scenario, session


def _best(rounds: int, f: Any) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 20_000 if quick else 100_000
    scenario, session = build(n)
    events = session.journal.read()
    state = session.state
    rounds = 3
    scores = Scorer(scenario).feed_all(events).result()

    def score() -> None:
        Scorer(scenario).feed_all(events).result()

    def evaluation() -> None:
        evaluate(scenario, state, events, scores)

    t_score = _best(rounds, score)
    t_eval = _best(rounds, evaluation)
    ev = evaluate(scenario, state, events, scores)
    rated = sum(len(t.ratings) for t in ev.tasks)
    assert ev.among is not None and ev.among.tasks == TASKS, ev.among

    table = {
        name: {t: r.rating for (who, t), r in state.task_ratings.items() if who == name}
        for name in EVALUATORS
    }
    pair = {name: table[name] for name in EVALUATORS[:2]}
    repeat = 200

    def all_figures() -> None:
        for _ in range(repeat):
            agreement(table)
            for a in range(len(EVALUATORS)):
                for b in range(a + 1, len(EVALUATORS)):
                    x, y = EVALUATORS[a], EVALUATORS[b]
                    agreement({x: table[x], y: table[y]})

    def one_pair() -> None:
        for _ in range(repeat):
            agreement(pair)

    t_all = _best(rounds, all_figures) / repeat
    t_pair = _best(rounds, one_pair) / repeat
    return [
        {
            "name": f"evaluate {len(events):,} events ({TASKS} tasks x {len(EVALUATORS)})",
            "value": t_eval * 1000,
            "unit": "ms",
            "baseline": t_score * 1000,
            "ratio": t_eval / t_score,
            "target": "<= 0.5",
            "note": f"baseline: scoring the same session; {rated} task ratings, best of {rounds}",
        },
        {
            "name": f"agreement figures ({TASKS} tasks x {len(EVALUATORS)} evaluators)",
            "value": t_all * 1e6,
            "unit": "us",
            "baseline": t_pair * 1e6,
            "ratio": t_all / t_pair,
            "target": "<= 40",
            "note": "Fleiss over 5 raters + 10 pairs: 20 rater pairs; baseline: one pair",
        },
    ]
