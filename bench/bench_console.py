"""Console speed.

1. Idle cost: share of a core a player's and control's console use while following a
   quiet session with the clock running (target <= 0.3 % each).
2. Process start to the first complete frame, control's console and a player's (its
   join form), against an empty Textual app in the same run (target ratio <= 2.5).
   Python writes its bytecode cache, as after any first run of an installed copy
   (``PYTHONDONTWRITEBYTECODE`` is cleared for these processes) and one start of each
   warms it and the scenario cache before the timed ones.
3. Key press to repaint (pilot ``press`` then ``pause``) with a 2,000-inject MSEL and a
   20,000-event journal, against the same on a minimal app with one small table
   (target ratio <= 1.2).
4. The hot wash opening (``w`` to the screen drawn) on that journal, against the same
   key-to-repaint baseline.
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
    role = sys.argv[1]
    cell = sys.argv[3] if role == "player" else None
    with Session.open(sys.argv[2]) as session:
        app = make_app(session, role=role, cell=cell, tick=None)
        app.run(headless=True, size=(120, 40), auto_pilot=first_frame)
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
    """CPU time of ``pid``'s live threads, in nanoseconds where Linux keeps it
    (``schedstat``): ``stat``'s clock ticks are sampled every 10 ms, too coarse for a
    process that works a millisecond at a time (each tick charged is 0.033 % of a 30 s
    span). Falls back to ``stat`` where ``schedstat`` is not kept."""
    try:
        return (
            sum(
                int((task / "schedstat").read_text().split()[0])
                for task in Path(f"/proc/{pid}/task").iterdir()
            )
            / 1e9
        )
    except (OSError, ValueError, IndexError):
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

    def quiet(name: str) -> tuple[str, str, str]:
        """A session whose clock has just started: its first inject falls due 100 s of
        wall time later (10 game minutes at ratio 6), after the measurement ends, so
        nothing but the clock moves while a console follows it (a session shared by
        both consoles released that inject during control's span, and an inject's
        release is not idling)."""
        path = str(folder / f"idle-{name}.db")
        with Session.create(
            ROOT / "scenarios" / "insurgent-incursion.yaml", path, join_codes=True
        ) as s:
            s.execute(c.Start(CONTROL))  # the clock runs
        cell, code = next(iter(json.loads(Path(path + ".codes").read_text()).items()))
        return path, cell, code

    empty = _idle_share(["empty"], 3, span)
    out = []
    for role in ("player", CONTROL):
        path, cell, code = quiet(role)
        args = ["player", path, cell, code] if role == "player" else [CONTROL, path]
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


def _start_times(folder: Path, rounds: int) -> dict[str, float]:
    """Median seconds from process start to the first frame: an empty app, control's
    console, a player's console (its join form: the code's check is slow on purpose)."""
    path = str(folder / "start.db")
    Session.create(ROOT / "scenarios" / "insurgent-incursion.yaml", path).close()
    kinds = {"empty": ["empty"], CONTROL: [CONTROL, path], "player": ["player", path, "kgz-mod"]}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for warm in (True, *([False] * rounds)):
        for kind, args in kinds.items():
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", FIRST_FRAME, *args], check=True, env=env)
            if not warm:
                times[kind].append(time.perf_counter() - t0)
    return {kind: statistics.median(t) for kind, t in times.items()}


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


async def _hot_wash_time(app: App[Any], rounds: int) -> float:
    """Median seconds from ``w`` to the hot wash drawn (and back with Escape)."""
    from exercise.tui.hotwash import HotWashScreen

    times = []
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        for _ in range(rounds):
            t0 = time.perf_counter()
            await pilot.press("w")
            await pilot.pause()
            assert isinstance(app.screen, HotWashScreen)
            times.append(time.perf_counter() - t0)
            await pilot.press("escape")
            await pilot.pause()
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
        starts = _start_times(folder, rounds)
        big = _big_session(folder, 200 if quick else 2000, 2_000 if quick else 20_000)
        from exercise.tui.app import make_app

        t_big = asyncio.run(_press_times(make_app(big, follow=False, tick=None), presses))
        t_small = asyncio.run(_press_times(SmallTable(), presses))
        t_wash = asyncio.run(
            _hot_wash_time(make_app(big, follow=False, tick=None), 3 if quick else 9)
        )
        idle = _idle(folder, 10 if quick else 30)
    t_empty = starts["empty"]
    return [
        *idle,
        *(
            {
                "name": f"console start to first frame, {role}",
                "value": starts[role] * 1000,
                "unit": "ms",
                "baseline": t_empty * 1000,
                "ratio": starts[role] / t_empty,
                "target": "<= 2.5",
                "note": f"baseline: an empty Textual app; median of {rounds} process starts"
                + (" (the player's join form)" if role == "player" else ""),
            }
            for role in (CONTROL, "player")
        ),
        {
            "name": f"key to repaint, {len(big.scenario.msel):,} injects, {big.state.seq:,} events",
            "value": t_big * 1000,
            "unit": "ms",
            "baseline": t_small * 1000,
            "ratio": t_big / t_small,
            "target": "<= 1.2",
            "note": f"baseline: a 5-row table; median of {presses} presses",
        },
        {
            "name": f"hot wash open, {big.state.seq:,} events",
            "value": t_wash * 1000,
            "unit": "ms",
            "baseline": t_small * 1000,
            "ratio": t_wash / t_small,
            "target": "-",
            "note": "w to the screen drawn (scores brought up to date after); baseline: a "
            "key to repaint on a 5-row table",
        },
    ]
