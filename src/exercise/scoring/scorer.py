"""The incremental scorer: ``feed(event)``, ``advance(game_ms)``, ``result()``.

Each event goes only to the trackers of the rules that care about its type; deadlines
wait in a heap and are settled by ``advance``. Feeding a journal event by event (with
``advance`` calls in between, each at most the next event's game time) gives the same
result as feeding it all at once.
"""

from __future__ import annotations

import functools
import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from exercise.i18n import N_, Msg, Num, msg, nmsg
from exercise.model import AcknowledgeRule, NetworkRule, Scenario
from exercise.model import events as ev
from exercise.model.event import Event
from exercise.model.events import EventData
from exercise.scoring.awards import FINAL, PENDING, Award
from exercise.scoring.network import network_metrics
from exercise.scoring.rules import TRACKERS, Tracker, Traffic

RATINGS = ("P", "S", "M", "U")


@attrs.frozen
class ObjectiveScore:
    id: str
    title: str
    points: float
    max_points: float
    share: float | None
    computed: str | None  # P/S/M/U from the thresholds; None when nothing was scored
    rating: str | None  # the override when there is one, else the computed rating
    override_reason: str = ""
    awards: int = 0
    #: journal seqs of the evaluators' observations against this objective
    strengths: tuple[int, ...] = ()
    improvements: tuple[int, ...] = ()
    #: the points' rating contradicts an observation: for the lead evaluator to settle
    conflict_why: Msg | None = None
    #: rules whose share of this objective was capped, as ``rule ×factor``
    capped_why: tuple[Msg, ...] = ()

    @property
    def conflict(self) -> str:
        """The conflict in the interface language in use ("" when there is none)."""
        return self.conflict_why.render() if self.conflict_why is not None else ""

    @property
    def capped(self) -> tuple[str, ...]:
        """The capped rules in the interface language in use."""
        return tuple(m.render() for m in self.capped_why)


@attrs.frozen
class Scores:
    awards: tuple[Award, ...]
    cells: dict[str, dict[str, float]]
    pairs: tuple[dict[str, Any], ...]
    objectives: tuple[ObjectiveScore, ...]
    game_ms: int
    ended: bool
    #: rating thresholds the rules file sets below the defaults, e.g. ``P 0.85 (default 0.9)``
    lowered: tuple[str, ...] = ()
    #: the rules semantics version the play was scored under
    semantics: int = 1
    graph: tuple[tuple[str, ...], dict[tuple[str, str], int], tuple[tuple[str, str], ...]] = (
        (),
        {},
        (),
    )

    @functools.cached_property
    def network(self) -> dict[str, Any]:
        """Network measures over the message graph (computed when first asked for)."""
        cells, edges, required = self.graph
        return network_metrics(list(cells), edges, required)

    @property
    def final(self) -> tuple[Award, ...]:
        return tuple(a for a in self.awards if a.status == FINAL)

    @property
    def pending(self) -> tuple[Award, ...]:
        return tuple(a for a in self.awards if a.status == PENDING)


class Scorer:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        #: the rules' semantics version (docs/scoring.md); 1 for rules that do not say
        self.semantics = scenario.ruleset.version
        #: objective -> [(seq, kind)] of the observations recorded against it
        self.observations: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.now_ms = 0
        self.ended = False
        #: Bumped whenever an award changes: results can be cached per version.
        self.version = 0
        self.awards: dict[tuple[str, str], Award] = {}
        self.edges: Counter[tuple[str, str]] = Counter()
        self.overrides: dict[str, tuple[str, str]] = {}
        self._heap: list[tuple[int, int, Callable[[], None]]] = []
        self._tick = itertools.count()
        self._by_type: dict[type[EventData], list[Tracker]] = defaultdict(list)
        self.trackers: list[Tracker] = []
        for rule in scenario.ruleset.rules:
            tracker = TRACKERS[type(rule)](rule, self)
            self.trackers.append(tracker)
            for t in tracker.handles:
                self._by_type[t].append(tracker)

    # ----------------------------------------------------------------- feeding

    def post(self, award: Award) -> None:
        self.awards[(award.rule, award.key)] = award
        self.version += 1

    def at(self, deadline_ms: int, settle: Callable[[], None]) -> None:
        """Call ``settle`` once game time has passed ``deadline_ms``."""
        heapq.heappush(self._heap, (deadline_ms, next(self._tick), settle))

    def next_deadline(self) -> int | None:
        """The game time of the next window to close (None when none is open)."""
        heap = self._heap
        return heap[0][0] if heap else None

    def advance(self, game_ms: int) -> None:
        """Settle every deadline before ``game_ms`` (a window closes once time passes it)."""
        self.now_ms = max(self.now_ms, game_ms)
        heap = self._heap
        while heap and heap[0][0] < self.now_ms:
            _, _, settle = heapq.heappop(heap)
            settle()

    def feed(self, event: Event) -> None:
        d = event.data
        if isinstance(d, ev.RatingOverridden):
            # control's judgement, usually given in the hot wash after ENDEX: it counts then too
            if d.rating is None:
                self.overrides.pop(d.objective, None)
            else:
                self.overrides[d.objective] = (d.rating, d.reason)
            self.version += 1
        if isinstance(d, ev.ObservationRecorded) and d.kind in ("strength", "improvement"):
            # the evaluators' evidence: it counts after ENDEX too
            for o in d.objectives:
                self.observations[o].append((event.seq, d.kind))
            self.version += 1
        if self.ended:
            return  # no other event after ENDEX counts
        self.advance(event.game_ms)
        if isinstance(d, Traffic):
            for c in d.to:
                self.edges[(d.cell, c)] += 1
        for tracker in self._by_type.get(type(d), ()):
            tracker.feed(event)
        if isinstance(d, ev.ExerciseEnded):
            self.finish()

    def feed_all(self, events: Iterable[Event]) -> Scorer:
        for event in events:
            self.feed(event)
        return self

    def finish(self) -> None:
        """ENDEX: windows that closed have been settled; those still open are not scored."""
        self._heap.clear()
        for tracker in self.trackers:
            tracker.finish()
        self.ended = True

    # ------------------------------------------------------------------ results

    def result(self) -> Scores:
        awards, capped = _capped(
            tuple(sorted(self.awards.values(), key=_award_order)), self.scenario
        )
        final = [a for a in awards if a.status == FINAL]
        cells: dict[str, dict[str, float]] = {
            c.id: {"points": 0.0, "max_points": 0.0} for c in self.scenario.player_cells
        }
        for a in final:
            if not a.cells:
                continue
            for c in a.cells:
                row = cells.setdefault(c, {"points": 0.0, "max_points": 0.0})
                row["points"] += a.points / len(a.cells)
                row["max_points"] += a.max_points / len(a.cells)
        objectives = []
        thresholds = self.scenario.ruleset.ratings
        for o in self.scenario.objectives:
            mine = [a for a in final if a.objective == o.id]
            points = sum(a.points for a in mine)
            maximum = sum(a.max_points for a in mine)
            share = max(0.0, points / maximum) if maximum > 0 else None
            computed = None
            if share is not None:
                computed = (
                    "P" if share >= thresholds.P
                    else "S" if share >= thresholds.S
                    else "M" if share >= thresholds.M
                    else "U"
                )  # fmt: skip
            override = self.overrides.get(o.id)
            notes = self.observations.get(o.id, [])
            strengths = tuple(q for q, k in notes if k == "strength")
            improvements = tuple(q for q, k in notes if k == "improvement")
            objectives.append(
                ObjectiveScore(
                    id=o.id,
                    title=o.title,
                    points=points,
                    max_points=maximum,
                    share=share,
                    computed=computed,
                    rating=override[0] if override else computed,
                    override_reason=override[1] if override else "",
                    awards=len(mine),
                    strengths=strengths,
                    improvements=improvements,
                    conflict_why=conflict_message(computed, strengths, improvements),
                    capped_why=tuple(capped.get(o.id, ())),
                )
            )
        pairs = []
        for a in awards:
            if a.kind == "notify" and a.pair is not None:
                pairs.append(
                    {
                        "from": a.pair[0],
                        "to": a.pair[1],
                        "rule": a.rule,
                        "status": a.status,
                        "notified": a.latency_ms is not None,
                        "latency_min": None
                        if a.latency_ms is None
                        else round(a.latency_ms / 60_000, 1),
                        "points": a.points,
                        "max_points": a.max_points,
                        "messages": self.edges.get(a.pair, 0),
                    }
                )
        required = [
            pair
            for r in self.scenario.ruleset.rules
            if isinstance(r, NetworkRule)
            for pair in r.required
        ]
        return Scores(
            awards=awards,
            cells=cells,
            pairs=tuple(pairs),
            objectives=tuple(objectives),
            graph=(
                tuple(c.id for c in self.scenario.player_cells),
                dict(self.edges),
                tuple(required),
            ),
            game_ms=self.now_ms,
            ended=self.ended,
            lowered=tuple(self.scenario.ruleset.ratings.lowered()),
            semantics=self.semantics,
        )


def conflict(
    computed: str | None, strengths: tuple[int, ...], improvements: tuple[int, ...]
) -> str:
    """:func:`conflict_message` in the interface language ("" when there is none)."""
    found = conflict_message(computed, strengths, improvements)
    return found.render() if found is not None else ""


def conflict_message(
    computed: str | None, strengths: tuple[int, ...], improvements: tuple[int, ...]
) -> Msg | None:
    """Where the points' rating and the evaluators' observations disagree, for the lead
    evaluator to settle. An area for improvement is compatible with S, M and U (S means
    performed with some shortcomings) but not with P, performed without challenges; a
    strength is compatible with P and S, and with M or U when areas for improvement
    were recorded too. So there are two conflicts: areas for improvement against a
    computed P, and strengths alone against a computed M or U."""
    if computed == "P" and improvements:
        events = ", ".join(map(str, improvements))
        return nmsg(
            "the points rate P (no shortcomings) but evaluators recorded an area for "
            "improvement (event {events}): for the lead evaluator to settle",
            "the points rate P (no shortcomings) but evaluators recorded areas for "
            "improvement (event {events}): for the lead evaluator to settle",
            len(improvements), events=events,
        )  # fmt: skip
    if computed in ("M", "U") and strengths and not improvements:
        events = ", ".join(map(str, strengths))
        return nmsg(
            "the points rate {rating} but evaluators recorded only a strength (event "
            "{events}) and no area for improvement: for the lead evaluator to settle",
            "the points rate {rating} but evaluators recorded only strengths (event "
            "{events}) and no area for improvement: for the lead evaluator to settle",
            len(strengths), rating=computed, events=events,
        )  # fmt: skip
    return None


def _capped(
    awards: tuple[Award, ...], scenario: Scenario
) -> tuple[tuple[Award, ...], dict[str, list[Msg]]]:
    """Scale the final awards of capped acknowledge rules so that each rule holds at
    most its ``cap`` share of its objective's maximum points."""
    caps = {
        r.id: (r.objective, r.cap)
        for r in scenario.ruleset.rules
        if isinstance(r, AcknowledgeRule) and r.cap is not None
    }
    if not caps:
        return awards, {}
    maxima: dict[str, float] = defaultdict(float)  # rule -> its final max points
    totals: dict[str, float] = defaultdict(float)  # objective -> final max points
    for a in awards:
        if a.status == FINAL:
            maxima[a.rule] += a.max_points
            totals[a.objective] += a.max_points
    factors: dict[str, float] = {}
    by_objective: dict[str, list[str]] = defaultdict(list)
    for r, (o, _) in caps.items():
        by_objective[o].append(r)
    notes: dict[str, list[Msg]] = defaultdict(list)
    for o, rules in by_objective.items():
        binding = [r for r in rules if maxima[r] > 0]
        while binding:
            rest = totals[o] - sum(maxima[r] for r in binding)  # the uncapped points
            share = sum(caps[r][1] or 0 for r in binding)
            total = rest / (1 - share) if share < 1 else 0.0
            loose = [r for r in binding if maxima[r] <= (caps[r][1] or 0) * total]
            if not loose:
                for r in binding:
                    cap = caps[r][1] or 0
                    factors[r] = cap * total / maxima[r]
                    notes[o].append(
                        msg(N_("{rule} × {factor} (its {points} points capped at {cap} of the "
                               "objective)"),
                            rule=r, factor=Num(factors[r], ".3g"), points=Num(maxima[r]),
                            cap=Num(cap, ".0%"))
                    )  # fmt: skip
                break
            binding = [r for r in binding if r not in loose]
    if not factors:
        return awards, {}
    out = []
    for a in awards:
        f = factors.get(a.rule)
        if f is not None and a.status == FINAL:
            a = attrs.evolve(
                a,
                points=a.points * f,
                max_points=a.max_points * f,
                why=msg(N_("{why} [capped: × {factor}]"), why=a.why, factor=Num(f, ".3g")),
            )
        out.append(a)
    return tuple(out), notes


def _award_order(a: Award) -> tuple[int, str, str]:
    """Awards in the order they were decided: by the last event they rest on."""
    return (max(a.events) if a.events else 1 << 62, a.rule, a.key)


def score(scenario: Scenario, events: Iterable[Event], *, until_ms: int | None = None) -> Scores:
    """Score a whole journal at once (``until_ms``: settle deadlines up to that game time)."""
    scorer = Scorer(scenario).feed_all(events)
    if until_ms is not None:
        scorer.advance(until_ms)
    return scorer.result()
