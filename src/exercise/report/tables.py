"""CSV for analysts: one row per journal event, and one row per award.

Both are RFC 4180 CSV (``csv`` module, excel dialect, UTF-8, CRLF line ends, a header
row). A spreadsheet reads a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one, or a full-width form such as ``＝``) as a formula, so every
text field that starts with one of those characters is written with a leading ``'``
(:func:`neutralise`), which spreadsheets hide and take as "this is text". The ``payload``
column (JSON, always starting with ``{``) keeps every text exactly as recorded, and so does
the JSON report.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from exercise.engine.describe import game_clock
from exercise.model import Scenario
from exercise.model.event import Event
from exercise.report.build import wall_iso
from exercise.scoring import Award
from exercise.text import FORMULA_STARTS

EVENT_COLUMNS = (
    "seq", "type", "actor", "game_time", "game_ms", "wall_time", "cell", "to",
    "inject", "item", "move", "text", "payload",
)  # fmt: skip
AWARD_COLUMNS = (
    "rule", "kind", "objective", "status", "cells", "points", "max_points", "events",
    "pair_from", "pair_to", "latency_min", "key", "explanation",
)  # fmt: skip

#: The field holding an event's main text, by event type (default: ``text``).
_TEXT_FIELDS = {
    "exercise.ended": "reason",
    "inject.held": "reason",
    "inject.skipped": "reason",
    "inject.added": "title",
    "improvement.planned": "issue",
    "rating.overridden": "reason",
}


#: What makes a spreadsheet read a cell as a formula (``FORMULA_STARTS``, from
#: exercise.text: OWASP's list and the full-width forms of its signs).
__all__ = ["FORMULA_STARTS", "neutralise"]


def neutralise(value: object) -> object:
    """A CSV field a spreadsheet cannot take for a formula: text starting with one of
    :data:`FORMULA_STARTS` gets a leading ``'``; numbers and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _join(values: object) -> str:
    if isinstance(values, list | tuple):
        return ";".join(str(v) for v in values)
    return "" if values is None else str(values)


def event_row(scenario: Scenario, e: Event) -> list[Any]:
    """One event as a CSV row: the fields most types share (those an event's class lacks
    are empty), then the payload exactly as the journal stores it."""
    d = e.data
    return [
        e.seq,
        e.type,
        e.actor,
        game_clock(scenario, e.game_ms),
        e.game_ms,
        wall_iso(e.wall_us),
        _join(getattr(d, "cell", None)),
        _join(getattr(d, "to", None)),
        _join(getattr(d, "inject", None)),
        _join(getattr(d, "item", None)),
        _join(getattr(d, "move", None)),
        _join(getattr(d, _TEXT_FIELDS.get(e.type, "text"), None)),
        json.dumps(e.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
    ]


def write_events_csv(out: Any, scenario: Scenario, events: Iterable[Event]) -> None:
    """Write the events CSV to a text stream (opened with ``newline=""``)."""
    w = csv.writer(out)
    w.writerow(EVENT_COLUMNS)
    w.writerows([neutralise(v) for v in event_row(scenario, e)] for e in events)


def award_row(a: Award) -> list[Any]:
    return [
        a.rule,
        a.kind,
        a.objective,
        a.status,
        ";".join(a.cells),
        round(float(a.points), 2),
        round(float(a.max_points), 2),
        ";".join(str(s) for s in a.events),
        a.pair[0] if a.pair else "",
        a.pair[1] if a.pair else "",
        "" if a.latency_ms is None else round(a.latency_ms / 60_000, 1),
        a.key,
        a.explanation,
    ]


def write_scores_csv(out: Any, awards: Iterable[Award]) -> None:
    w = csv.writer(out)
    w.writerow(AWARD_COLUMNS)
    w.writerows([neutralise(v) for v in award_row(a)] for a in awards)


def events_csv(scenario: Scenario, events: Sequence[Event]) -> str:
    buf = io.StringIO(newline="")
    write_events_csv(buf, scenario, events)
    return buf.getvalue()


def scores_csv(awards: Iterable[Award]) -> str:
    buf = io.StringIO(newline="")
    write_scores_csv(buf, awards)
    return buf.getvalue()
