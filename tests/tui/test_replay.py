"""The replay view: stepping, jumping to a time, state and scores at that moment."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input, Static

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.session import Session
from exercise.tui.replay import ReplayApp

from ..conftest import FakeClock
from .test_snapshots import rehearse


def recorded(memory_session: Session, clock: FakeClock) -> ReplayApp:
    rehearse(memory_session, clock)
    clock.advance(minutes=30)
    memory_session.execute(c.ReleaseDue(CONTROL))
    return ReplayApp(memory_session.scenario, memory_session.journal.read())


async def test_step_and_jump(memory_session: Session, clock: FakeClock) -> None:
    app = recorded(memory_session, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.position == len(app.events)
        await pilot.press("home")
        assert app.position == 0
        assert "event 0 of" in str(app.query_one("#where", Static).content)
        await pilot.press("right", "right")
        assert app.position == 2
        msel = app.query_one("#msel", DataTable)
        statuses = {
            str(msel.get_row_at(i)[0]): str(msel.get_row_at(i)[1]) for i in range(msel.row_count)
        }
        assert statuses["INJ-001"] == "released" and statuses["INJ-003"] == "pending"
        await pilot.press("end")
        msel = app.query_one("#msel", DataTable)
        statuses = {
            str(msel.get_row_at(i)[0]): str(msel.get_row_at(i)[1]) for i in range(msel.row_count)
        }
        assert statuses["INJ-003"] == "released"  # fired 20 minutes after the strike
        await pilot.press("t")
        app.screen.query_one("#time", Input).value = "+00:31"
        await pilot.press("enter")
        assert app.position == 1  # only STARTEX happened by 06:31


async def test_scores_at_a_moment(memory_session: Session, clock: FakeClock) -> None:
    app = recorded(memory_session, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("end")
        cells = app.query_one("#cells", DataTable)
        at_end = {
            str(cells.get_row_at(i)[0]): str(cells.get_row_at(i)[1]) for i in range(cells.row_count)
        }
        await pilot.press("home")
        at_start = {
            str(cells.get_row_at(i)[0]): str(cells.get_row_at(i)[1]) for i in range(cells.row_count)
        }
        assert at_start["kgz-mod"] == "0.0" and at_end != at_start


def test_replay_snapshot(snap_compare: Any, memory_session: Session, clock: FakeClock) -> None:
    app = recorded(memory_session, clock)

    async def back(pilot: Any) -> None:
        await pilot.press("home", "right", "right", "right")

    assert snap_compare(app, terminal_size=(120, 32), run_before=back)
