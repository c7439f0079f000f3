"""Fold (replay) 100,000 events into exercise state; decide throughput."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from exercise.engine import CONTROL, fold
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.scenario import load_scenario
from exercise.session import Session

ROOT = Path(__file__).resolve().parent.parent


class _Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000_000_000

    def __call__(self) -> int:
        self.now += 700_000  # 0.7 s of wall time per command: the MSEL plays out over 100k events
        return self.now


def build(n: int) -> tuple[Any, list[Any], float]:
    """A session of the insurgent-incursion scenario with about ``n`` events."""
    scenario = load_scenario(ROOT / "scenarios" / "insurgent-incursion.yaml")
    session = Session(MemoryJournal(), scenario, _Clock())
    session.execute(c.Start(CONTROL))
    cells = [x.id for x in scenario.player_cells]
    kinds = [k.id for k in scenario.move_kinds if not k.adjudicate]
    i = 0
    t0 = time.perf_counter()
    commands = 0
    while session.state.seq < n:
        cell = cells[i % len(cells)]
        other = cells[(i + 3) % len(cells)]
        if i % 50 == 0:
            session.execute(c.ReleaseDue(CONTROL))
        if i % 3 == 0:
            session.execute(c.SubmitMove(cell, cell, kinds[i % len(kinds)], f"move {i}", (other,)))
        elif i % 3 == 1:
            (msg,) = session.execute(c.SendMessage(cell, cell, (other,), f"message {i}"))
            session.execute(c.Acknowledge(other, other, f"message:{msg.seq}"))
            commands += 1
        else:
            session.execute(c.Observe(CONTROL, f"note {i}", cells=(cell,)))
        commands += 1
        i += 1
    elapsed = time.perf_counter() - t0
    return scenario, session.journal.read(), commands / elapsed


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 10_000 if quick else 100_000
    scenario, events, decide_rate = build(n)
    t0 = time.perf_counter()
    state = fold(scenario, events)
    t_fold = time.perf_counter() - t0
    assert state.seq == len(events)
    return [
        {
            "name": f"fold {len(events):,} events",
            "value": t_fold,
            "unit": "s",
            "baseline": None,
            "ratio": None,
            "target": "< 2 s",
            "note": f"{len(events) / t_fold:,.0f} events/s",
        },
        {
            "name": "execute commands (decide + append, in memory)",
            "value": decide_rate,
            "unit": "cmd/s",
            "baseline": None,
            "ratio": None,
            "target": "-",
            "note": f"while building the {len(events):,}-event journal",
        },
    ]
