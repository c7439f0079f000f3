"""The report as plain data: the documented JSON object (docs/report-json.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exercise import __version__
from exercise.engine.describe import game_clock
from exercise.model import Scenario
from exercise.model.event import Event
from exercise.scoring import Scores

SCHEMA = "exercise-report/1"


def _num(x: float) -> float:
    return round(x, 2)


def report_data(scenario: Scenario, events: Sequence[Event], scores: Scores) -> dict[str, Any]:
    """Everything the report says, as JSON-ready data."""
    head = events[-1].hash if events else None
    return {
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
                "computed_rating": o.computed,
                "override_reason": o.override_reason,
                "points": _num(o.points),
                "max_points": _num(o.max_points),
                "share": None if o.share is None else round(o.share, 4),
            }
            for o in scores.objectives
        ],
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
    }
