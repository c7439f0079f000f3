"""The after-action report as a pure data model (HSEEP AAR/IP).

:func:`build_report` folds the journal into the engine's state, takes (or computes) the
scores, and gathers what the report says: the exercise overview, the analysis of each
objective with its rating and evidence, strengths and areas for improvement, the
improvement plan, the participants, a timeline and the figures behind the charts.
Nothing here renders anything; :mod:`exercise.report.render` and
:mod:`exercise.report.data` turn a :class:`Report` into Markdown, HTML, JSON and CSV.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from exercise.engine import State, fold
from exercise.engine import events as ev
from exercise.engine.describe import describe, game_clock, game_dtg
from exercise.engine.state import RELEASED, Delivery, Expectation, Observation
from exercise.evaluation import Evaluation, evaluate
from exercise.i18n import N_, Num, _, msg, ngettext, nmsg
from exercise.model import Scenario
from exercise.model.event import Event
from exercise.report.series import ScoreSeries, replay
from exercise.scoring import FINAL, PENDING, Award, Scores
from exercise.scoring.awards import minutes, pts

SIDE_NAMES = {
    "blue": "friendly",
    "red": "adversary",
    "white": "exercise control",
    "gray": "neutral",
    "green": "host nation",
}


def wall_iso(wall_us: int) -> str:
    """A journal wall time as ISO 8601 in UTC: ``2026-11-27T23:01:45.123456+00:00``."""
    return datetime.fromtimestamp(wall_us / 1e6, UTC).isoformat()


def wall_text(wall_us: int) -> str:
    return datetime.fromtimestamp(wall_us / 1e6, UTC).strftime("%Y-%m-%d %H:%M UTC")


def to_minutes(ms: int | None) -> float | None:
    return None if ms is None else round(ms / 60_000, 1)


# --------------------------------------------------------------------------- model


@attrs.frozen
class ObjectiveRef:
    id: str
    title: str
    capability: str
    targets: tuple[str, ...]


@attrs.frozen
class ModuleRef:
    id: str
    title: str
    start: str  # D+N HH:MM
    summary: str


@attrs.frozen
class Overview:
    """Exercise overview: name, dates in game and wall time, scope, objectives, cells."""

    scenario_id: str
    title: str
    summary: str
    scope: str
    timezone: str
    game_start: str  # ISO local time of STARTEX in the scenario's time zone
    game_end_planned: str
    game_reached: str  # ISO local game time the report is made at
    game_clock: str  # D+N HH:MM reached
    duration_planned_min: int
    duration_played_min: int
    wall_start_us: int | None  # STARTEX (wall)
    wall_end_us: int | None  # ENDEX, or the last event of a running exercise
    wall_duration_min: float | None
    ended: bool
    events: int
    journal_head: str | None
    injects_planned: int
    injects_released: int
    modules: tuple[ModuleRef, ...]
    objectives: tuple[ObjectiveRef, ...]
    cells: tuple[str, ...]  # participating cells (every cell of the scenario)


@attrs.frozen
class Participant:
    id: str
    name: str
    side: str
    role: str
    members: tuple[str, ...]
    moves: int
    messages_sent: int
    messages_received: int
    acknowledgements: int


@attrs.frozen
class Finding:
    """A strength or an area for improvement: from an observation or from the scores."""

    source: str  # observation | scoring
    text: str
    seq: int | None = None  # the observation's event
    game_ms: int | None = None
    by: str = ""
    cells: tuple[str, ...] = ()
    injects: tuple[str, ...] = ()
    rule: str = ""
    events: tuple[int, ...] = ()
    points: float | None = None
    max_points: float | None = None


@attrs.frozen
class RuleSummary:
    rule: str
    kind: str
    description: str
    awards: int
    full: int  # final awards earned in full
    points: float
    max_points: float
    pending: int


@attrs.frozen
class ObjectiveAnalysis:
    id: str
    title: str
    capability: str
    targets: tuple[str, ...]
    rating: str | None
    computed_rating: str | None
    override_rating: str | None
    override_reason: str
    override_seq: int | None
    points: float
    max_points: float
    share: float | None
    evidence: tuple[Award, ...]  # final and pending awards of the objective's rules
    rules: tuple[RuleSummary, ...]
    strengths: tuple[Finding, ...]
    improvements: tuple[Finding, ...]
    notes: tuple[Finding, ...]
    #: the points' rating against the evaluators' observations (docs/scoring.md)
    conflict: str = ""
    capped: tuple[str, ...] = ()


@attrs.frozen
class PlanItem:
    item: str
    issue: str
    corrective_action: str
    capability: str
    cell: str
    cell_name: str
    start: str
    end: str
    objective: str
    seq: int


@attrs.frozen
class TimelineEntry:
    """One line of the exercise timeline. ``text`` is player or facilitator text (to be
    escaped by whoever renders it); ``headline`` and ``detail`` are built from ids."""

    seq: int
    game_ms: int
    wall_us: int
    #: clock, inject, move, argument, adjudication, message, rfi, observation or control
    kind: str
    type: str
    actor: str
    cell: str
    to: tuple[str, ...]
    ref: str
    headline: str
    text: str
    detail: str


@attrs.frozen
class ExpectationResult:
    cell: str
    action: str
    to: tuple[str, ...]
    status: str  # met | missed | open
    window_ms: int
    latency_ms: int | None


@attrs.frozen
class InjectResponse:
    """Release to first read, first acknowledgement and first expected action met."""

    inject: str
    title: str
    to: tuple[str, ...]
    reason: str
    released_seq: int
    released_ms: int
    released_wall_us: int
    first_read_ms: int | None  # latency after the release, game ms
    first_ack_ms: int | None
    first_action_ms: int | None
    acknowledged_by: tuple[str, ...]
    expectations: tuple[ExpectationResult, ...]


@attrs.frozen
class PairLatency:
    """The notifications one cell owed another, over every occurrence of its rules."""

    from_: str
    to: str
    rules: tuple[str, ...]
    occurrences: int
    notified: int
    never: int  # final and never notified
    pending: int
    median_min: float | None
    max_min: float | None
    points: float
    max_points: float


@attrs.frozen
class CellAnswer:
    cell: str
    cell_name: str
    text: str
    shared: bool
    seq: int
    game_ms: int
    revisions: int


@attrs.frozen
class QuestionRecord:
    number: int
    text: str
    answers: tuple[CellAnswer, ...]  # in the scenario's cell order


@attrs.frozen
class ModuleNoteRecord:
    seq: int
    game_ms: int
    text: str


@attrs.frozen
class ModuleRecord:
    """One module of a discussion-based exercise: its questions, each cell's answers and
    the facilitator's notes."""

    id: str
    title: str
    summary: str
    opened_ms: int | None  # when it opened (by control or by its start time); None: never
    questions: tuple[QuestionRecord, ...]
    notes: tuple[ModuleNoteRecord, ...]


@attrs.frozen
class Report:
    scenario: Scenario
    events: Sequence[Event]
    state: State
    scores: Scores
    overview: Overview
    participants: tuple[Participant, ...]
    analysis: tuple[ObjectiveAnalysis, ...]
    general_strengths: tuple[Finding, ...]  # observations linked to no objective
    general_improvements: tuple[Finding, ...]
    improvement_plan: tuple[PlanItem, ...]
    timeline: tuple[TimelineEntry, ...]
    injects: tuple[InjectResponse, ...]
    pair_latency: tuple[PairLatency, ...]
    series: ScoreSeries
    evaluation: Evaluation
    discussion: tuple[ModuleRecord, ...] = ()
    #: (file, sha-256) of a rules file the play was re-scored under (``--rules``)
    rules_source: tuple[str, str] | None = None

    @property
    def conflicts(self) -> tuple[ObjectiveAnalysis, ...]:
        return tuple(a for a in self.analysis if a.conflict)

    def clock(self, game_ms: int) -> str:
        """``D+N HH:MM`` of a game time."""
        return game_clock(self.scenario, game_ms)

    def dtg(self, game_ms: int) -> str:
        """The date-time group of a game time, with its zone letter."""
        return game_dtg(self.scenario, game_ms)

    @property
    def marking(self) -> str:
        return self.scenario.marking

    def cell_name(self, cell_id: str) -> str:
        try:
            return self.scenario.cell(cell_id).name
        except KeyError:
            return cell_id


# ------------------------------------------------------------------------ building


def build_report(
    scenario: Scenario,
    events: Sequence[Event],
    scores: Scores | None = None,
    *,
    until_ms: int | None = None,
    samples: int = 121,
    state: State | None = None,
    rules_source: tuple[str, str] | None = None,
) -> Report:
    """The report of a session: ``events`` are its whole journal. ``scores`` are computed
    by replaying the scorer when not given (``until_ms``: the game time to score a
    running exercise at); the per-cell series always comes from that replay. ``state``
    may be the state already folded from exactly these events (a session's), to save
    folding them again; it is not modified."""
    last = events[-1].seq if events else 0
    if state is None or state.seq != last or state.scenario is not scenario:
        state = fold(scenario, events)
    if until_ms is None and scores is not None and not scores.ended:
        until_ms = scores.game_ms  # the series ends where the given scores were taken
    replayed, series = replay(scenario, events, until_ms=until_ms, samples=samples)
    if scores is None:
        scores = replayed
    now_ms = scores.game_ms
    return Report(
        scenario=scenario,
        events=events,
        state=state,
        scores=scores,
        overview=_overview(scenario, events, state, scores),
        participants=_participants(scenario, state),
        analysis=tuple(_analysis(scenario, state, scores)),
        general_strengths=_loose_findings(scenario, state, "strength"),
        general_improvements=_loose_findings(scenario, state, "improvement"),
        improvement_plan=_plan(scenario, state),
        timeline=tuple(_timeline(state, events)),
        injects=tuple(_responses(state, now_ms)),
        pair_latency=_pair_latency(scores),
        series=series,
        discussion=_discussion(scenario, state, now_ms),
        rules_source=rules_source,
        evaluation=evaluate(scenario, state, events, scores),
    )


def _discussion(scenario: Scenario, state: State, now_ms: int) -> tuple[ModuleRecord, ...]:
    """A record per module, for discussion-based exercises (modules with questions,
    answers or notes); empty when no module has any."""
    if not any(m.questions for m in scenario.modules) and not state.module_notes:
        return ()
    order = {c.id: n for n, c in enumerate(scenario.cells)}
    out = []
    for m in scenario.modules:
        questions = []
        for n, text in enumerate(m.questions, start=1):
            answers = sorted(
                (a for (mod, q, _), a in state.answers.items() if mod == m.id and q == n),
                key=lambda a: order.get(a.cell, 1 << 30),
            )
            questions.append(
                QuestionRecord(
                    n,
                    text,
                    tuple(
                        CellAnswer(
                            a.cell,
                            _name(scenario, a.cell),
                            a.text,
                            f"answer:{a.seq}" in state.published,
                            a.seq,
                            a.game_ms,
                            a.revisions,
                        )
                        for a in answers
                    ),
                )
            )
        notes = tuple(
            ModuleNoteRecord(x.seq, x.game_ms, x.text)
            for x in state.module_notes
            if x.module == m.id
        )
        opened = state.module_opened_ms(m.id, now_ms) if state.started else None
        out.append(ModuleRecord(m.id, m.title, m.summary, opened, tuple(questions), notes))
    return tuple(out)


def _name(scenario: Scenario, cell: str) -> str:
    try:
        return scenario.cell(cell).name
    except KeyError:
        return cell


def _overview(
    scenario: Scenario, events: Sequence[Event], state: State, scores: Scores
) -> Overview:
    start = next((e for e in events if e.type == ev.CLOCK_STARTED), None)
    end = next((e for e in events if e.type == ev.EXERCISE_ENDED), None)
    last = events[-1] if events else None
    wall_end = end or last
    wall_start_us = start.wall_us if start else None
    wall_end_us = wall_end.wall_us if wall_end else None
    wall_minutes = (
        round((wall_end_us - wall_start_us) / 60e6, 1)
        if wall_start_us is not None and wall_end_us is not None
        else None
    )
    played = scores.game_ms
    released = sum(1 for s in state.injects.values() if s.status == RELEASED)
    hours = scenario.duration.total_seconds() / 3600
    kinds = ", ".join(_(side) for side in sorted({c.side.value for c in scenario.player_cells}))
    controls, modules = len(scenario.control_cells), len(scenario.modules)
    scope = msg(
        N_(
            "{players} ({kinds}) {control} over {hours} at a clock ratio of {ratio}; "
            "{injects} {modules}, {rules}"
        ),
        players=nmsg("{n} player cell", "{n} player cells", len(scenario.player_cells)),
        kinds=kinds,
        control=nmsg("and {n} control cell", "and {n} control cells", controls)
        if controls
        else msg(N_("and no control cells")),
        # a fractional count of hours takes the form of 2 in both languages
        hours=nmsg(
            "{n} game hour",
            "{n} game hours",
            int(hours) if hours.is_integer() else 2,
            n=Num(hours),
        ),
        ratio=Num(scenario.clock_ratio),
        injects=nmsg("{n} MSEL inject", "{n} MSEL injects", len(scenario.msel)),
        modules=nmsg("in {n} module", "in {n} modules", modules)
        if modules
        else msg(N_("in no modules")),
        rules=nmsg("{n} coordination rule", "{n} coordination rules", len(scenario.ruleset.rules)),
    ).render()
    return Overview(
        scenario_id=scenario.id,
        title=scenario.title,
        summary=scenario.summary,
        scope=scope,
        timezone=scenario.timezone,
        game_start=scenario.start.isoformat(),
        game_end_planned=scenario.end.isoformat(),
        game_reached=(scenario.start + timedelta(milliseconds=played)).isoformat(),
        game_clock=game_clock(scenario, played),
        duration_planned_min=int(scenario.duration.total_seconds() // 60),
        duration_played_min=played // 60_000,
        wall_start_us=wall_start_us,
        wall_end_us=wall_end_us,
        wall_duration_min=wall_minutes,
        ended=state.ended,
        events=len(events),
        journal_head=last.hash if last else None,
        injects_planned=len(scenario.msel),
        injects_released=released,
        modules=tuple(
            ModuleRef(
                m.id,
                m.title,
                game_clock(scenario, int(m.start.total_seconds() * 1000)),
                m.summary,
            )
            for m in scenario.modules
        ),
        objectives=tuple(
            ObjectiveRef(o.id, o.title, o.capability, o.targets) for o in scenario.objectives
        ),
        cells=tuple(c.id for c in scenario.cells),
    )


def _participants(scenario: Scenario, state: State) -> tuple[Participant, ...]:
    moves: Counter[str] = Counter(m.cell for m in state.moves.values())
    sent: Counter[str] = Counter(m.cell for m in state.messages.values())
    received: Counter[str] = Counter(c for m in state.messages.values() for c in m.to)
    acks: Counter[str] = Counter(d.cell for d in state.deliveries.values() if d.ack_ms is not None)
    return tuple(
        Participant(
            id=c.id,
            name=c.name,
            side=c.side.value,
            role=c.role,
            members=c.members,
            moves=moves[c.id],
            messages_sent=sent[c.id],
            messages_received=received[c.id],
            acknowledgements=acks[c.id],
        )
        for c in scenario.cells
    )


def _observation(o: Observation) -> Finding:
    return Finding(
        source="observation",
        text=o.text,
        seq=o.seq,
        game_ms=o.game_ms,
        by=o.by,
        cells=o.cells,
        injects=o.injects,
    )


def _analysis(scenario: Scenario, state: State, scores: Scores) -> Iterable[ObjectiveAnalysis]:
    by_objective: dict[str, list[Award]] = defaultdict(list)
    for a in scores.awards:
        by_objective[a.objective].append(a)
    observed: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for o in state.observations:
        for objective_id in o.objectives:
            observed[(objective_id, o.kind)].append(_observation(o))
    rules = {r.id: r for r in scenario.ruleset.rules}
    defined = {o.id: o for o in scenario.objectives}
    for score in scores.objectives:
        objective = defined[score.id]
        awards = by_objective.get(score.id, [])
        summaries: list[RuleSummary] = []
        strengths = list(observed.get((score.id, "strength"), []))
        improvements = list(observed.get((score.id, "improvement"), []))
        order = [r.id for r in scenario.ruleset.rules if r.objective == score.id]
        for rule_id in order:
            mine = [a for a in awards if a.rule == rule_id]
            final = [a for a in mine if a.status == FINAL]
            rule = rules[rule_id]
            summary = RuleSummary(
                rule=rule_id,
                kind=rule.kind,
                description=rule.description,
                awards=len(final),
                full=sum(1 for a in final if a.max_points > 0 and a.points >= a.max_points),
                points=sum(a.points for a in final),
                max_points=sum(a.max_points for a in final),
                pending=len(mine) - len(final),
            )
            summaries.append(summary)
            if summary.max_points > 0 and summary.points >= summary.max_points:
                n = summary.full  # every scored occurrence (a 0/0 "not scored" is not one)
                text = ngettext(
                    "Rule {rule} ({kind}) met in full: {n} occurrence, {points}/{max} points.",
                    "Rule {rule} ({kind}) met in full: {n} occurrences, {points}/{max} points.",
                    n,
                ).format(
                    rule=rule_id,
                    kind=rule.kind,
                    n=n,
                    points=str(pts(summary.points)),
                    max=str(pts(summary.max_points)),
                )
                if rule.description:
                    text += f" {rule.description}"
                strengths.append(
                    Finding(
                        source="scoring",
                        text=text,
                        rule=rule_id,
                        events=tuple(sorted({s for a in final for s in a.events})),
                        points=summary.points,
                        max_points=summary.max_points,
                    )
                )
            for a in final:
                if a.points < a.max_points or a.points < 0:
                    improvements.append(
                        Finding(
                            source="scoring",
                            text=a.explanation,
                            rule=a.rule,
                            cells=a.cells,
                            events=a.events,
                            points=a.points,
                            max_points=a.max_points,
                        )
                    )
        override = state.rating_overrides.get(score.id)
        yield ObjectiveAnalysis(
            id=score.id,
            title=score.title,
            capability=objective.capability,
            targets=objective.targets,
            rating=override[0] if override else score.computed,
            computed_rating=score.computed,
            override_rating=override[0] if override else None,
            override_reason=override[1] if override else "",
            override_seq=override[2] if override else None,
            points=score.points,
            max_points=score.max_points,
            share=score.share,
            evidence=tuple(awards),
            rules=tuple(summaries),
            strengths=tuple(strengths),
            improvements=tuple(improvements),
            notes=tuple(observed.get((score.id, "note"), [])),
            conflict=score.conflict,
            capped=score.capped,
        )


def _loose_findings(scenario: Scenario, state: State, kind: str) -> tuple[Finding, ...]:
    known = {o.id for o in scenario.objectives}
    return tuple(
        _observation(o)
        for o in state.observations
        if o.kind == kind and not any(x in known for x in o.objectives)
    )


def _plan(scenario: Scenario, state: State) -> tuple[PlanItem, ...]:
    items = []
    for item_id, p in state.improvements.items():
        if p.removed:
            continue
        try:
            cell_name = scenario.cell(p.cell).name if p.cell else ""
        except KeyError:
            cell_name = p.cell
        items.append(
            PlanItem(
                item=item_id,
                issue=p.issue,
                corrective_action=p.corrective_action,
                capability=p.capability,
                cell=p.cell,
                cell_name=cell_name,
                start=p.start,
                end=p.end,
                objective=p.objective,
                seq=p.seq,
            )
        )
    return tuple(sorted(items, key=lambda i: _item_order(i.item)))


def _item_order(item: str) -> tuple[int, str]:
    digits = "".join(ch for ch in item if ch.isdigit())
    return (int(digits) if digits else 1 << 30, item)


def _timeline(state: State, events: Sequence[Event]) -> Iterable[TimelineEntry]:
    for e in events:
        words = describe(e, state)
        if not words.timeline:
            continue  # reads, acknowledgements, publications: in the CSV, not the timeline
        yield TimelineEntry(
            seq=e.seq,
            game_ms=e.game_ms,
            wall_us=e.wall_us,
            kind=words.kind,
            type=e.type,
            actor=e.actor,
            cell=words.cell,
            to=words.addressees,
            ref=words.ref,
            headline=words.headline,
            text=words.text,
            detail=words.detail,
        )


def _responses(state: State, now_ms: int) -> Iterable[InjectResponse]:
    per_item: dict[str, list[Delivery]] = defaultdict(list)
    for (item, _cell), d in state.deliveries.items():
        if item.startswith("inject:"):
            per_item[item[7:]].append(d)
    expectations: dict[str, list[Expectation]] = defaultdict(list)
    for x in state.expectations:
        expectations[x.inject].append(x)
    released = [
        s for s in state.injects.values() if s.status == RELEASED and s.released_seq is not None
    ]
    released.sort(key=lambda s: s.released_seq or 0)
    for st in released:
        at = st.released_ms or 0
        deliveries = per_item.get(st.id, [])
        reads = [d.read_ms - at for d in deliveries if d.read_ms is not None]
        acks = [d.ack_ms - at for d in deliveries if d.ack_ms is not None]
        results = []
        for x in expectations.get(st.id, []):
            status = "met" if x.met_ms is not None else "missed" if x.missed(now_ms) else "open"
            results.append(
                ExpectationResult(
                    cell=x.cell,
                    action=x.action,
                    to=x.to,
                    status=status,
                    window_ms=x.deadline_ms - x.released_ms,
                    latency_ms=None if x.met_ms is None else x.met_ms - x.released_ms,
                )
            )
        met = [r.latency_ms for r in results if r.latency_ms is not None]
        try:
            inject = state.inject(st.id)
            title, planned_to = inject.title, inject.to
        except KeyError:
            title, planned_to = "", ()
        yield InjectResponse(
            inject=st.id,
            title=title,
            to=tuple(d.cell for d in deliveries if d.delivered_seq == st.released_seq)
            or planned_to,
            reason=st.reason,
            released_seq=st.released_seq or 0,
            released_ms=at,
            released_wall_us=st.released_wall_us or 0,
            first_read_ms=max(0, min(reads)) if reads else None,
            first_ack_ms=max(0, min(acks)) if acks else None,
            first_action_ms=min(met) if met else None,
            acknowledged_by=tuple(sorted(d.cell for d in deliveries if d.ack_ms is not None)),
            expectations=tuple(results),
        )


def _pair_latency(scores: Scores) -> tuple[PairLatency, ...]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for p in scores.pairs:
        groups[(p["from"], p["to"])].append(p)
    out = []
    for (a, b), rows in groups.items():
        lat = [
            float(r["latency_min"])
            for r in rows
            if r["latency_min"] is not None and r["status"] == FINAL
        ]
        out.append(
            PairLatency(
                from_=a,
                to=b,
                rules=tuple(dict.fromkeys(r["rule"] for r in rows)),
                occurrences=len(rows),
                notified=sum(1 for r in rows if r["notified"]),
                never=sum(1 for r in rows if r["status"] == FINAL and not r["notified"]),
                pending=sum(1 for r in rows if r["status"] == PENDING),
                median_min=round(statistics.median(lat), 1) if lat else None,
                max_min=max(lat) if lat else None,
                points=sum(r["points"] for r in rows if r["status"] == FINAL),
                max_points=sum(r["max_points"] for r in rows if r["status"] == FINAL),
            )
        )
    return tuple(out)


__all__ = [
    "CellAnswer",
    "ExpectationResult",
    "Finding",
    "InjectResponse",
    "ModuleNoteRecord",
    "ModuleRecord",
    "ObjectiveAnalysis",
    "Overview",
    "PairLatency",
    "Participant",
    "PlanItem",
    "QuestionRecord",
    "Report",
    "RuleSummary",
    "ScoreSeries",
    "TimelineEntry",
    "build_report",
    "minutes",
    "to_minutes",
    "wall_iso",
    "wall_text",
]
