"""Score a 100,000-event journal: events per second, and whether the cost of an event
grows with the log (time for the last 10,000 events against the first 10,000)."""

from __future__ import annotations

import time
from typing import Any

from exercise.scoring import Scorer

from .bench_engine import build


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
    ]
