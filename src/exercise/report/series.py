"""Scores per cell over game time: the scorer replayed over the journal, sampled.

The replay feeds the events in journal order, and before feeding an event it records the
per-cell totals at every sample time earlier than the event's game time (settling the
deadlines that closed by then). The totals are kept up to date as awards are posted, so a
sample costs one copy of a small dict, however many awards there are. The last sample is
taken at the game time the scores are computed for, so it equals ``Scores.cells``.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from exercise.model import Scenario
from exercise.model.event import Event
from exercise.scoring import FINAL, Award, Scorer, Scores


@attrs.frozen
class ScoreSeries:
    """``points[cell][i]`` is the cell's total of final awards at game time ``game_ms[i]``."""

    cells: tuple[str, ...]
    game_ms: tuple[int, ...]
    points: dict[str, tuple[float, ...]]


class _TotallingScorer(Scorer):
    """A scorer that keeps each cell's total of final points as awards are posted."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__(scenario)
        self.totals: dict[str, float] = {c.id: 0.0 for c in scenario.player_cells}

    def _add(self, award: Award, sign: float) -> None:
        if award.status != FINAL or not award.cells:
            return
        share = sign * award.points / len(award.cells)
        for cell in award.cells:
            self.totals[cell] = self.totals.get(cell, 0.0) + share

    def post(self, award: Award) -> None:
        old = self.awards.get((award.rule, award.key))
        if old is not None:
            self._add(old, -1.0)
        self._add(award, 1.0)
        super().post(award)


def sample_times(end_ms: int, samples: int) -> list[int]:
    """``samples`` game times spread evenly from STARTEX to ``end_ms`` (both included)."""
    if end_ms <= 0 or samples < 2:
        return [max(end_ms, 0)]
    return sorted({end_ms * i // (samples - 1) for i in range(samples)})


def replay(
    scenario: Scenario,
    events: Sequence[Event],
    *,
    until_ms: int | None = None,
    samples: int = 121,
) -> tuple[Scores, ScoreSeries]:
    """Score the journal and sample each cell's points over game time.

    ``until_ms`` is the game time to score a running exercise at (as ``exercise score``
    does: the session's current game time); an ended exercise is scored at ENDEX."""
    scorer = _TotallingScorer(scenario)
    cells = tuple(c.id for c in scenario.player_cells)
    last_ms = max((e.game_ms for e in events), default=0)
    end_guess = max(last_ms, until_ms or 0)
    times = sample_times(end_guess, samples)
    taken_ms: list[int] = []
    taken: list[dict[str, float]] = []
    k = 0
    for event in events:
        while k < len(times) and times[k] < event.game_ms and not scorer.ended:
            scorer.advance(times[k])
            taken_ms.append(times[k])
            taken.append(dict(scorer.totals))
            k += 1
        scorer.feed(event)
    if not scorer.ended and until_ms is not None:
        while k < len(times) and times[k] < until_ms:
            scorer.advance(times[k])
            taken_ms.append(times[k])
            taken.append(dict(scorer.totals))
            k += 1
        scorer.advance(until_ms)
    scores = scorer.result()
    # the last sample: the figures the report states
    end_ms = scores.game_ms
    while taken_ms and taken_ms[-1] >= end_ms:
        taken_ms.pop()
        taken.pop()
    taken_ms.append(end_ms)
    taken.append({c: row["points"] for c, row in scores.cells.items()})
    points = {c: tuple(round(t.get(c, 0.0), 2) for t in taken) for c in cells}
    return scores, ScoreSeries(cells=cells, game_ms=tuple(taken_ms), points=points)
