"""The report as plain data: the JSON object documented in docs/scoring.md (the keys it
lists, unchanged) and docs/report.md (the keys the after-action report adds)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from exercise import __version__
from exercise.engine.describe import game_clock
from exercise.evaluation import Agreement
from exercise.model import Scenario
from exercise.model.event import Event
from exercise.report.build import Finding, Report, build_report, to_minutes, wall_iso
from exercise.scoring import Scores

SCHEMA = "exercise-report/1"


def _num(x: float) -> float:
    return round(x, 2)


def _opt_num(x: float | None) -> float | None:
    return None if x is None else _num(x)


def _agreement(g: Agreement) -> dict[str, Any]:
    return {
        "raters": list(g.raters),
        "tasks": g.tasks,
        "exact": None if g.exact is None else round(g.exact, 4),
        "adjacent": None if g.adjacent is None else round(g.adjacent, 4),
        "kappa": None if g.kappa is None else round(g.kappa, 4),
        "method": g.method,
    }


def evaluation_data(report: Report) -> dict[str, Any]:
    """The EEGs: per objective its tasks, ratings and final rating; the agreement figures."""
    ev = report.evaluation
    return {
        "evaluators": list(ev.evaluators),
        "objectives": [
            {
                "objective": o.objective.id,
                "computed_rating": o.computed,
                "final_rating": o.final,
                "final_reason": o.final_reason,
                "final_by": o.final_by or None,
                "tasks": [
                    {
                        "task": t.task.id,
                        "text": t.task.text,
                        "computed_rating": t.computed,
                        "events": list(t.events),
                        "ratings": {
                            n: {"rating": r.rating, "reason": r.reason, "event": r.seq}
                            for n, r in t.ratings.items()
                        },
                        "observations": [o.seq for o in t.observations],
                    }
                    for t in o.tasks
                ],
            }
            for o in ev.objectives
        ],
        "agreement": {
            "among": None if ev.among is None else _agreement(ev.among),
            "pairs": [_agreement(g) for g in ev.pairs],
            "vs_computed": [_agreement(g) for g in ev.vs_computed],
        },
    }


def report_data(
    scenario: Scenario,
    events: Sequence[Event],
    scores: Scores,
    report: Report | None = None,
) -> dict[str, Any]:
    """Everything the report says, as JSON-ready data (``report``: one already built
    from the same scenario, events and scores)."""
    if report is None:
        report = build_report(scenario, events, scores)
    head = events[-1].hash if events else None
    clock = report.clock
    observed = {o.id: o for o in scores.objectives}
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "generator": f"exercise {__version__}",
        "scenario": {
            "id": scenario.id,
            "title": scenario.title,
            "start": scenario.start.isoformat(),
            "timezone": scenario.timezone,
            "duration_min": int(scenario.duration.total_seconds() // 60),
        },
        "events": len(events),
        "journal_head": head,
        "game_time": game_clock(scenario, scores.game_ms),
        "ended": scores.ended,
        "cells": {
            cell: {"points": _num(row["points"]), "max_points": _num(row["max_points"])}
            for cell, row in scores.cells.items()
        },
        "pairs": [
            {**p, "points": _num(p["points"]), "max_points": _num(p["max_points"])}
            for p in scores.pairs
        ],
        "objectives": [
            {
                "id": o.id,
                "title": o.title,
                "rating": o.rating,
                "computed_rating": o.computed_rating,
                "override_reason": o.override_reason,
                "points": _num(o.points),
                "max_points": _num(o.max_points),
                "share": None if o.share is None else round(o.share, 4),
                "strengths": len(observed[o.id].strengths),  # the evaluators' observations
                "improvements": len(observed[o.id].improvements),
                "conflict": o.conflict,
            }
            for o in report.analysis
        ],
        "rules": {
            "semantics": scores.semantics,
            "thresholds": attrs.asdict(scenario.ruleset.ratings),
            "lowered": list(scores.lowered),
            "file": report.rules_source[0] if report.rules_source else None,
            "sha256": report.rules_source[1] if report.rules_source else None,
        },
        "awards": [
            {
                "rule": a.rule,
                "kind": a.kind,
                "objective": a.objective,
                "cells": list(a.cells),
                "points": _num(a.points),
                "max_points": _num(a.max_points),
                "status": a.status,
                "events": list(a.events),
                "explanation": a.explanation,
            }
            for a in scores.awards
        ],
        "network": scores.network,
        # ------------------------------------------------ after-action report additions
        "overview": _overview(report),
        "participants": [
            {
                "id": p.id,
                "name": p.name,
                "side": p.side,
                "role": p.role,
                "members": list(p.members),
                "moves": p.moves,
                "messages_sent": p.messages_sent,
                "messages_received": p.messages_received,
                "acknowledgements": p.acknowledgements,
            }
            for p in report.participants
        ],
        "analysis": [
            {
                "objective": o.id,
                "capability": o.capability,
                "targets": list(o.targets),
                "rating": o.rating,
                "computed_rating": o.computed_rating,
                "override": None
                if o.override_rating is None
                else {
                    "rating": o.override_rating,
                    "reason": o.override_reason,
                    "event": o.override_seq,
                },
                "rules": [
                    {
                        "rule": r.rule,
                        "kind": r.kind,
                        "description": r.description,
                        "awards": r.awards,
                        "full": r.full,
                        "pending": r.pending,
                        "points": _num(r.points),
                        "max_points": _num(r.max_points),
                    }
                    for r in o.rules
                ],
                "strengths": [_finding(report, f) for f in o.strengths],
                "improvements": [_finding(report, f) for f in o.improvements],
                "notes": [_finding(report, f) for f in o.notes],
            }
            for o in report.analysis
        ],
        "general_findings": {
            "strengths": [_finding(report, f) for f in report.general_strengths],
            "improvements": [_finding(report, f) for f in report.general_improvements],
        },
        "observations": [
            {
                "event": o.seq,
                "game_time": clock(o.game_ms),
                "game_ms": o.game_ms,
                "by": o.by,
                "kind": o.kind,
                "text": o.text,
                "objectives": list(o.objectives),
                "injects": list(o.injects),
                "cells": list(o.cells),
            }
            for o in report.state.observations
        ],
        "improvement_plan": [
            {
                "item": i.item,
                "issue": i.issue,
                "corrective_action": i.corrective_action,
                "capability": i.capability,
                "cell": i.cell,
                "start": i.start,
                "end": i.end,
                "objective": i.objective,
                "event": i.seq,
            }
            for i in report.improvement_plan
        ],
        "injects": [
            {
                "inject": r.inject,
                "title": r.title,
                "to": list(r.to),
                "reason": r.reason,
                "released_event": r.released_seq,
                "released_game_time": clock(r.released_ms),
                "released_ms": r.released_ms,
                "first_read_min": to_minutes(r.first_read_ms),
                "first_ack_min": to_minutes(r.first_ack_ms),
                "first_action_min": to_minutes(r.first_action_ms),
                "acknowledged_by": list(r.acknowledged_by),
                "expectations": [
                    {
                        "cell": x.cell,
                        "action": x.action,
                        "to": list(x.to),
                        "status": x.status,
                        "window_min": to_minutes(x.window_ms),
                        "latency_min": to_minutes(x.latency_ms),
                    }
                    for x in r.expectations
                ],
            }
            for r in report.injects
        ],
        "pair_latency": [
            {
                "from": p.from_,
                "to": p.to,
                "rules": list(p.rules),
                "occurrences": p.occurrences,
                "notified": p.notified,
                "never": p.never,
                "pending": p.pending,
                "median_min": p.median_min,
                "max_min": p.max_min,
                "points": _num(p.points),
                "max_points": _num(p.max_points),
            }
            for p in report.pair_latency
        ],
        "score_series": {
            "game_ms": list(report.series.game_ms),
            "points": {c: list(v) for c, v in report.series.points.items()},
        },
        "timeline": [
            {
                "event": t.seq,
                "game_time": clock(t.game_ms),
                "game_ms": t.game_ms,
                "wall_time": wall_iso(t.wall_us),
                "kind": t.kind,
                "type": t.type,
                "actor": t.actor,
                "cell": t.cell,
                "to": list(t.to),
                "ref": t.ref,
                "headline": t.headline,
                "text": t.text,
                "detail": t.detail,
            }
            for t in report.timeline
        ],
        "marking": report.marking,
        "discussion": [
            {
                "module": m.id,
                "title": m.title,
                "opened": None if m.opened_ms is None else clock(m.opened_ms),
                "questions": [
                    {
                        "number": q.number,
                        "text": q.text,
                        "answers": [
                            {
                                "cell": a.cell,
                                "text": a.text,
                                "shared": a.shared,
                                "event": a.seq,
                                "revisions": a.revisions,
                            }
                            for a in q.answers
                        ],
                    }
                    for q in m.questions
                ],
                "notes": [
                    {"event": n.seq, "game_time": clock(n.game_ms), "text": n.text} for n in m.notes
                ],
            }
            for m in report.discussion
        ],
    }
    if report.evaluation.evaluators or report.scenario.tasks_by_id:
        data["evaluation"] = evaluation_data(report)
    return data


def _overview(report: Report) -> dict[str, Any]:
    o = report.overview
    return {
        "title": o.title,
        "summary": o.summary,
        "scope": o.scope,
        "game": {
            "start": o.game_start,
            "end_planned": o.game_end_planned,
            "reached": o.game_reached,
            "clock": o.game_clock,
            "timezone": o.timezone,
            "duration_planned_min": o.duration_planned_min,
            "duration_played_min": o.duration_played_min,
        },
        "wall": {
            "start": None if o.wall_start_us is None else wall_iso(o.wall_start_us),
            "end": None if o.wall_end_us is None else wall_iso(o.wall_end_us),
            "duration_min": o.wall_duration_min,
        },
        "status": "ended" if o.ended else "running",
        "injects_planned": o.injects_planned,
        "injects_released": o.injects_released,
        "modules": [
            {"id": m.id, "title": m.title, "start": m.start, "summary": m.summary}
            for m in o.modules
        ],
        "objectives": [
            {"id": x.id, "title": x.title, "capability": x.capability, "targets": list(x.targets)}
            for x in o.objectives
        ],
        "cells": list(o.cells),
    }


def _finding(report: Report, f: Finding) -> dict[str, Any]:
    return {
        "source": f.source,
        "text": f.text,
        "event": f.seq,
        "game_time": None if f.game_ms is None else report.clock(f.game_ms),
        "by": f.by,
        "cells": list(f.cells),
        "injects": list(f.injects),
        "rule": f.rule,
        "events": list(f.events),
        "points": _opt_num(f.points),
        "max_points": _opt_num(f.max_points),
    }
