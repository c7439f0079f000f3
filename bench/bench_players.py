"""Latency from a player's submit to the facilitator's screen, with 1, 4 and 16 player
processes appending to one SQLite session (target p95 <= 500 ms at 16)."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.model.events import MoveSubmitted
from exercise.session import Session

ROOT = Path(__file__).resolve().parent.parent

PLAYER = """
import random, sys, time
from exercise.engine import commands as c
from exercise.session import Session
path, cell, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(cell)
with Session.open(path) as s:
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(count):
        time.sleep(rng.uniform(0.05, 0.3))
        s.execute(c.SubmitMove(cell, cell, "warn", f"{time.time():.6f}", ()))
"""


async def _measure(path: str, players: int, moves: int) -> list[float]:
    from exercise.tui import facilitator
    from exercise.tui.app import make_app

    latencies: list[float] = []
    original = facilitator.FacilitatorScreen.add_feed

    def timed(self: Any, events: list[Any]) -> None:
        now = time.time()
        original(self, events)
        for e in events:
            if isinstance(e.data, MoveSubmitted):
                latencies.append(now - float(e.data.text))

    facilitator.FacilitatorScreen.add_feed = timed  # type: ignore[method-assign]
    try:
        session = Session.open(path)
        cells = [x.id for x in session.scenario.player_cells]
        app = make_app(session, follow=True, tick=None)
        async with app.run_test(size=(160, 48)) as pilot:
            procs = [
                subprocess.Popen(
                    [sys.executable, "-c", PLAYER, path, cells[i % len(cells)], str(moves)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for i in range(players)
            ]
            for p in procs:
                assert p.stdout is not None
                p.stdout.readline()
            for p in procs:
                assert p.stdin is not None
                p.stdin.write("go\n")
                p.stdin.flush()
            deadline = time.monotonic() + 120
            while len(latencies) < players * moves and time.monotonic() < deadline:
                await pilot.pause(0.05)
            for p in procs:
                p.wait(timeout=60)
        session.close()
    finally:
        facilitator.FacilitatorScreen.add_feed = original  # type: ignore[method-assign]
    return latencies


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(quick: bool = False) -> list[dict[str, Any]]:
    results = []
    for players in (1, 4) if quick else (1, 4, 16):
        moves = 5 if quick else 20
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "s.db")
            with Session.create(ROOT / "scenarios" / "insurgent-incursion.yaml", path) as s:
                s.execute(c.Start(CONTROL))
            lat = asyncio.run(_measure(path, players, moves))
        p50, p95 = statistics.median(lat) * 1000, _pct(lat, 0.95) * 1000
        results.append(
            {
                "name": f"submit to facilitator screen, {players} player process(es)",
                "value": p95,
                "unit": "ms p95",
                "baseline": None,
                "ratio": None,
                "target": "<= 500" if players == 16 else "-",
                "note": f"p50 {p50:.0f} ms, {len(lat)} moves of {players * moves}",
            }
        )
    return results
