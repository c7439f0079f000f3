"""Facilitator console speed.

1. Process start to the first complete frame, against an empty Textual app in the same run
   (target ratio <= 2.5).
2. Key press to repaint (pilot ``press`` then ``pause``) with a 2,000-inject MSEL and a
   20,000-event journal, against the same on a minimal app with one small table
   (target ratio <= 1.2).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.scenario import load_scenario
from exercise.session import Session

from .bench_loader import RULES, SCENARIO, msel

ROOT = Path(__file__).resolve().parent.parent

FIRST_FRAME = """
import sys
from textual.app import App
async def first_frame(pilot):
    await pilot.pause()
    pilot.app.exit()
if sys.argv[1] == "empty":
    App().run(headless=True, size=(120, 40), auto_pilot=first_frame)
else:
    from exercise.session import Session
    from exercise.tui.app import make_app
    with Session.open(sys.argv[2]) as session:
        make_app(session, tick=None).run(headless=True, size=(120, 40), auto_pilot=first_frame)
"""


IDLE = """
import sys
from textual.app import App
if sys.argv[1] == "empty":
    App().run(headless=True, size=(120, 40))
else:
    from exercise.session import Session
    from exercise.tui.app import make_app
    with Session.open(sys.argv[2]) as session:
        role = sys.argv[1]
        cell = sys.argv[3] if role == "player" else None
        code = sys.argv[4] if role == "player" else None
        make_app(session, role=role, cell=cell, code=code).run(headless=True, size=(120, 40))
"""


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _idle_share(args: list[str], warm: float, span: float) -> float:
    """Share of one core a console process uses while nothing happens in the session."""
    proc = subprocess.Popen([sys.executable, "-c", IDLE, *args], stdout=subprocess.DEVNULL)
    try:
        time.sleep(warm)
        t0, c0 = time.monotonic(), _cpu_seconds(proc.pid)
        time.sleep(span)
        return (_cpu_seconds(proc.pid) - c0) / (time.monotonic() - t0)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _idle(folder: Path, span: float) -> list[dict[str, Any]]:
    import json

    path = str(folder / "idle.db")
    with Session.create(
        ROOT / "scenarios" / "insurgent-incursion.yaml", path, join_codes=True
    ) as s:
        s.execute(c.Start(CONTROL))  # the clock runs: the status line ticks every second
    cell, code = next(iter(json.loads(Path(path + ".codes").read_text()).items()))
    empty = _idle_share(["empty"], 3, span)
    out = []
    for role, args in (("player", ["player", path, cell, code]), (CONTROL, [CONTROL, path])):
        share = _idle_share(args, 6, span)
        out.append(
            {
                "name": f"idle cost, {role} console following a quiet session",
                "value": share * 100,
                "unit": "% core",
                "baseline": empty * 100,
                "ratio": share / empty if empty else None,
                "target": "<= 0.3 %",
                "note": f"clock running, no events; {span:.0f} s; baseline: an empty Textual app",
            }
        )
    return out


def _start_times(session: str, rounds: int) -> tuple[float, float]:
    ours: list[float] = []
    empty: list[float] = []
    for _ in range(rounds):
        for kind, out in (("console", ours), ("empty", empty)):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", FIRST_FRAME, kind, session], check=True)
            out.append(time.perf_counter() - t0)
    return statistics.median(ours), statistics.median(empty)


class SmallTable(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("a", "b", "c")
        for i in range(5):
            table.add_row(str(i), "x", "y")


async def _press_times(app: App[Any], presses: int) -> float:
    times = []
    async with app.run_test(size=(160, 48)) as pilot:
        table = app.screen.query_one(DataTable)
        table.focus()
        await pilot.pause()
        for i in range(presses):
            key = "down" if i % 2 == 0 else "up"
            t0 = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _big_session(folder: Path, injects: int, events: int) -> Session:
    for sub in ("scenarios", "injects", "rules"):
        (folder / sub).mkdir(exist_ok=True)
    (folder / "scenarios" / "bench.yaml").write_text(SCENARIO)
    (folder / "injects" / "bench.yaml").write_text(msel(injects))
    (folder / "rules" / "bench.yaml").write_text(RULES)
    scenario = load_scenario(folder / "scenarios" / "bench.yaml")
    now = [1_700_000_000_000_000]

    def clock() -> int:
        now[0] += 500_000
        return now[0]

    session = Session(MemoryJournal(), scenario, clock)
    session.execute(c.Start(CONTROL))
    cells = ["kgz-mod", "uzb-mod", "csto-atc"]
    i = 0
    while session.state.seq < events:
        a, b = cells[i % 3], cells[(i + 1) % 3]
        if i % 40 == 0:
            session.execute(c.ReleaseDue(CONTROL))
        if i % 2:
            session.execute(c.SubmitMove(a, a, "warn", f"warning {i}", (b,)))
        else:
            session.execute(c.SendMessage(a, a, (b,), f"message {i}"))
        i += 1
    return session


def run(quick: bool = False) -> list[dict[str, Any]]:
    rounds = 3 if quick else 7
    presses = 10 if quick else 40
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = str(folder / "s.db")
        Session.create(ROOT / "scenarios" / "insurgent-incursion.yaml", path).close()
        t_console, t_empty = _start_times(path, rounds)
        big = _big_session(folder, 200 if quick else 2000, 2_000 if quick else 20_000)
        from exercise.tui.app import make_app

        t_big = asyncio.run(_press_times(make_app(big, follow=False, tick=None), presses))
        t_small = asyncio.run(_press_times(SmallTable(), presses))
        idle = _idle(folder, 10 if quick else 30)
    return [
        *idle,
        {
            "name": "console start to first frame",
            "value": t_console * 1000,
            "unit": "ms",
            "baseline": t_empty * 1000,
            "ratio": t_console / t_empty,
            "target": "<= 2.5",
            "note": f"baseline: an empty Textual app; median of {rounds} process starts",
        },
        {
            "name": f"key to repaint, {len(big.scenario.msel):,} injects, {big.state.seq:,} events",
            "value": t_big * 1000,
            "unit": "ms",
            "baseline": t_small * 1000,
            "ratio": t_big / t_small,
            "target": "<= 1.2",
            "note": f"baseline: a 5-row table; median of {presses} presses",
        },
    ]
