"""Exercise Evaluation Guides: per critical task, the evidence, the evaluators' ratings
and observations, the rating the linked rules compute; per objective, the final rating
and who set it; the agreement figures.

Built from the scenario, the folded state, the journal's events and the scores; nothing
here changes anything.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from exercise.engine.state import Observation, State, TaskRating, assigned_tasks
from exercise.evaluation.agreement import Agreement, agreement
from exercise.model import CriticalTask, Objective, Scenario
from exercise.model import events as ev
from exercise.model.event import Event
from exercise.scoring import Award, Scores


@attrs.frozen
class TaskEEG:
    """One critical task: what happened, what the rules and the evaluators say."""

    objective: Objective
    task: CriticalTask
    events: tuple[int, ...]  # journal events that concern the task (linked injects' traffic)
    awards: tuple[Award, ...]  # awards of the task's rules
    computed: str | None  # P/S/M/U from the awards of its rules; None without any
    ratings: dict[str, TaskRating]  # by evaluator
    observations: tuple[Observation, ...]  # observations linked to the task


@attrs.frozen
class ObjectiveEEG:
    objective: Objective
    tasks: tuple[TaskEEG, ...]
    computed: str | None
    final: str | None
    final_reason: str
    final_by: str  # the actor who set the final rating ("" when none was set)


@attrs.frozen
class Evaluation:
    objectives: tuple[ObjectiveEEG, ...]
    evaluators: tuple[str, ...]
    among: Agreement | None  # among the evaluators, over the tasks all of them rated
    pairs: tuple[Agreement, ...]  # each pair of evaluators
    vs_computed: tuple[Agreement, ...]  # each evaluator against the computed task ratings

    @property
    def tasks(self) -> tuple[TaskEEG, ...]:
        return tuple(t for o in self.objectives for t in o.tasks)

    def objective(self, objective_id: str) -> ObjectiveEEG | None:
        return next((o for o in self.objectives if o.objective.id == objective_id), None)

    def task(self, task_id: str) -> TaskEEG:
        for t in self.tasks:
            if t.task.id == task_id:
                return t
        raise KeyError(task_id)


def _share_rating(scenario: Scenario, awards: Sequence[Award]) -> str | None:
    maximum = sum(a.max_points for a in awards)
    if maximum <= 0:
        return None
    share = max(0.0, sum(a.points for a in awards) / maximum)
    r = scenario.ruleset.ratings
    return "P" if share >= r.P else "S" if share >= r.S else "M" if share >= r.M else "U"


def task_events(task: CriticalTask, events: Sequence[Event]) -> tuple[int, ...]:
    """Events that concern a task: releases of its injects, and the moves, messages,
    requests and acknowledgements of its cells that answer or are about those injects
    (with no injects: every move, message and request of its cells)."""
    return tuple(events_by_task((task,), events)[task.id])


def events_by_task(
    tasks: Sequence[CriticalTask], events: Sequence[Event]
) -> dict[str, tuple[int, ...]]:
    """:func:`task_events` of every task in one pass over the journal: each event is
    checked only against the tasks its inject or its cell could concern (a long session
    has tens of thousands of events and an EEG tens of tasks)."""
    by_inject: dict[str, list[CriticalTask]] = {}
    by_cell: dict[str, list[CriticalTask]] = {}  # the tasks with no injects
    for t in tasks:
        for inject in t.injects:
            by_inject.setdefault(inject, []).append(t)
        if not t.injects:
            for cell in t.cells:
                by_cell.setdefault(cell, []).append(t)
    found: dict[str, list[int]] = {t.id: [] for t in tasks}
    none: list[CriticalTask] = []
    for e in events:
        d = e.data
        if isinstance(d, ev.InjectReleased):
            candidates = by_inject.get(d.inject, none)
        elif isinstance(d, ev.MoveSubmitted):
            candidates = by_inject.get(d.answers or "", none) + by_cell.get(d.cell, none)
        elif isinstance(d, ev.MessageSent | ev.RfiAsked):
            candidates = by_inject.get(d.about or "", none) + by_cell.get(d.cell, none)
        elif isinstance(d, ev.ItemAcknowledged):
            candidates = by_inject.get(d.item.removeprefix("inject:"), none)
        else:
            continue
        for t in candidates:
            seqs = found[t.id]
            if (not seqs or seqs[-1] != e.seq) and _concerns(t, d):
                seqs.append(e.seq)
    return {task_id: tuple(seqs) for task_id, seqs in found.items()}


def _concerns(task: CriticalTask, d: ev.EventData) -> bool:
    injects, cells = task.injects, task.cells
    if isinstance(d, ev.InjectReleased):
        return d.inject in injects
    if isinstance(d, ev.MoveSubmitted):
        return d.answers in injects or (not injects and d.cell in cells)
    if isinstance(d, ev.MessageSent | ev.RfiAsked):
        return d.about in injects or (not injects and d.cell in cells)
    if isinstance(d, ev.ItemAcknowledged):
        return d.item.removeprefix("inject:") in injects and (not cells or d.cell in cells)
    return False


def evaluate(
    scenario: Scenario, state: State, events: Sequence[Event], scores: Scores
) -> Evaluation:
    """The evaluation of an exercise as of ``state`` (folded from ``events``)."""
    final_awards = scores.final
    by_objective = {o.id: o for o in scores.objectives}
    actors = {e.seq: e.actor for e in events}
    evidence = events_by_task([t for o in scenario.objectives for t in o.critical_tasks], events)
    ratings: dict[str, dict[str, TaskRating]] = {}
    for (name, task_id), r in sorted(state.task_ratings.items()):
        ratings.setdefault(task_id, {})[name] = r
    observed: dict[str, list[Observation]] = {}
    for o in state.observations:
        for task_id in dict.fromkeys(o.tasks):
            observed.setdefault(task_id, []).append(o)
    objectives = []
    for objective in scenario.objectives:
        tasks = []
        for task in objective.critical_tasks:
            awards = tuple(a for a in final_awards if a.rule in task.rules)
            tasks.append(
                TaskEEG(
                    objective=objective,
                    task=task,
                    events=evidence[task.id],
                    awards=awards,
                    computed=_share_rating(scenario, awards),
                    ratings=ratings.get(task.id, {}),
                    observations=tuple(observed.get(task.id, ())),
                )
            )
        score = by_objective.get(objective.id)
        override = state.rating_overrides.get(objective.id)
        objectives.append(
            ObjectiveEEG(
                objective=objective,
                tasks=tuple(tasks),
                computed=score.computed if score else None,
                final=override[0] if override else (score.computed if score else None),
                final_reason=override[1] if override else "",
                final_by=actors.get(override[2], "") if override else "",
            )
        )
    names = tuple(sorted(state.evaluators))
    table = {
        name: {t: r.rating for (n, t), r in state.task_ratings.items() if n == name}
        for name in names
    }
    pairs = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            found = agreement({a: table[a], b: table[b]})
            if found is not None and found.tasks:
                pairs.append(found)
    computed = {t.task.id: t.computed for o in objectives for t in o.tasks if t.computed}
    vs = []
    for name in names:
        found = agreement({name: table[name], "computed": computed})
        if found is not None and found.tasks:
            vs.append(attrs.evolve(found, raters=(name, "computed")))  # symmetric figures
    return Evaluation(
        objectives=tuple(objectives),
        evaluators=names,
        among=agreement(table),
        pairs=tuple(pairs),
        vs_computed=tuple(vs),
    )


def eeg_tasks(scenario: Scenario, state: State, evaluator: str) -> list[str]:
    """The critical tasks on ``evaluator``'s EEG."""
    found = state.evaluators.get(evaluator)
    return assigned_tasks(scenario, found) if found is not None else []
