"""Latency from a player's submit to the facilitator's screen, with 1, 4 and 16 player
processes appending to one SQLite session (target p95 <= 500 ms at 16), and with 4 movers
while 64 headless player consoles follow the session (target p95 <= 500 ms). The 64
consoles are measured following, once all have joined and finished drawing their screens
(the time that took is in the note), not while they start."""

from __future__ import annotations

import asyncio
import json
import os
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


CONSOLE = """
import sys
from exercise.session import Session
from exercise.tui.app import make_app
path, cell, code = sys.argv[1], sys.argv[2], sys.argv[3]
with Session.open(path) as s:
    make_app(s, role="player", cell=cell, code=code).run(headless=True, size=(120, 40))
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_consoles(path: str, count: int) -> list[subprocess.Popen[str]]:
    """``count`` headless player consoles (real Textual apps) following ``path``."""
    codes = json.loads(Path(path + ".codes").read_text())
    cells = sorted(codes)
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                CONSOLE,
                path,
                cells[i % len(cells)],
                codes[cells[i % len(cells)]],
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            # each console is a player at a machine of its own (as in a room through serve):
            # the join throttle spaces attempts per client address
            env={**os.environ, "EXERCISE_CLIENT": f"192.0.2.{i + 1}"},
        )
        for i in range(count)
    ]


def wait_joined(path: str, count: int, timeout: float = 600) -> None:
    """Until ``count`` consoles have joined (each join is a journal event)."""
    deadline = time.monotonic() + timeout
    with Session.open(path) as s:
        while time.monotonic() < deadline:
            s.refresh()
            joined = sum(1 for e in s.journal.read() if e.type == "console.joined")
            if joined >= count:
                return
            time.sleep(0.5)
    raise RuntimeError(f"only some of {count} consoles joined in {timeout:.0f} s")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_started(procs: list[subprocess.Popen[str]], timeout: float = 600) -> float:
    """Seconds until the consoles, all joined, have drawn their screens and are quiet:
    together under a tenth of a core over a second (64 idle consoles use about a
    twentieth). A console records its join before it builds its screen: on two cores, 64
    screens take a minute or more to build, and a measurement begun meanwhile would
    measure the start of the consoles, not their following a session."""
    start = time.monotonic()
    used = sum(cpu_seconds(p.pid) for p in procs if p.poll() is None)
    while time.monotonic() - start < timeout:
        time.sleep(1)
        now = sum(cpu_seconds(p.pid) for p in procs if p.poll() is None)
        if now - used < 0.1:
            break
        used = now
    return time.monotonic() - start


async def _measure(path: str, players: int, moves: int) -> list[float]:
    from exercise.tui import facilitator
    from exercise.tui.app import make_app

    latencies: list[float] = []
    original = facilitator.FeedPane.add

    def timed(self: Any, state: Any, events: list[Any], *, keep: bool = True) -> None:
        now = time.time()
        original(self, state, events, keep=keep)
        for e in events:
            if isinstance(e.data, MoveSubmitted):
                latencies.append(now - float(e.data.text))

    facilitator.FeedPane.add = timed  # type: ignore[method-assign]
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
        facilitator.FeedPane.add = original  # type: ignore[method-assign]
    return latencies


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _many_consoles(consoles: int, movers: int, moves: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "s.db")
        scenario = ROOT / "scenarios" / "insurgent-incursion.yaml"
        with Session.create(scenario, path, join_codes=True) as s:
            s.execute(c.Start(CONTROL))
        procs = start_consoles(path, consoles)
        try:
            wait_joined(path, consoles)
            settled = wait_started(procs)
            rss = [rss_mb(p.pid) for p in procs if p.poll() is None]
            lat = asyncio.run(_measure(path, movers, moves))
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=30)
    p95 = _pct(lat, 0.95) * 1000
    return {
        "name": f"{consoles} player consoles following, submit to facilitator",
        "value": p95,
        "unit": "ms p95",
        "baseline": None,
        "ratio": None,
        "target": "<= 500",
        "note": (
            f"RSS per console median {statistics.median(rss):.0f} MB (max {max(rss):.0f}); "
            f"{len(lat)} moves from {movers} movers; p50 {statistics.median(lat) * 1000:.0f} ms; "
            f"consoles quiet {settled:.0f} s after the last join"
        ),
    }


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
    results.append(_many_consoles(8 if quick else 64, 4, 5 if quick else 10))
    return results
