"""Snapshot tests of the facilitator console (accept changes with --snapshot-update)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.session import Session

from ..conftest import FakeClock
from .conftest import console


async def no_blink(pilot: Any) -> None:
    """A blinking cursor makes snapshots flaky: keep it steady."""
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()


def rehearse(session: Session, clock: FakeClock) -> None:
    """A few minutes of play so that every panel has something to show."""
    session.execute(c.Start(CONTROL))
    clock.advance(minutes=8)
    session.execute(c.ReleaseDue(CONTROL))
    session.execute(
        c.SubmitMove("kgz-mod", "kgz-mod", "warn", "40 armed men at Zardaly", ("uzb-mod",))
    )
    session.execute(
        c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "[bold]Received[/] — jets on standby")
    )
    session.execute(
        c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike the camp above the village")
    )
    session.execute(
        c.Argue("kgz-mod", "kgz-mod", 5, "against", "The camp is on disputed ground", True)
    )


async def settled(pilot: Any) -> None:
    """Scores computed (in their thread) and Markdown rendered before the picture."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)
    await no_blink(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(
    snap_compare: Any, memory_session: Session, clock: FakeClock, size: tuple[int, int]
) -> None:
    rehearse(memory_session, clock)
    assert snap_compare(console(memory_session), terminal_size=size, run_before=settled)


@pytest.mark.parametrize("tab", ["2", "3", "4"], ids=["cells", "queue", "scores"])
def test_main_screen_tabs_160x48(
    snap_compare: Any, memory_session: Session, clock: FakeClock, tab: str
) -> None:
    rehearse(memory_session, clock)
    memory_session.execute(c.AskRfi("kgz-mod", "kgz-mod", "How many hostages?"))

    async def show(pilot: Any) -> None:
        await pilot.press(tab)
        await settled(pilot)

    assert snap_compare(console(memory_session), terminal_size=(160, 48), run_before=show)


@pytest.mark.parametrize(
    "keys",
    [("question_mark",), ("x",), ("3", "g"), ("3", "down", "n"), ("1", "enter")],
    ids=["help", "messages", "argue", "answer", "feed-detail"],
)
def test_facilitator_dialogs(
    snap_compare: Any, memory_session: Session, clock: FakeClock, keys: tuple[str, ...]
) -> None:
    rehearse(memory_session, clock)
    memory_session.execute(c.AskRfi("kgz-mod", "kgz-mod", "How many hostages?"))

    async def open_dialog(pilot: Any) -> None:
        await settled(pilot)
        if keys[0] == "1":
            pilot.app.screen.query_one("#feed-table", DataTable).focus()
        await pilot.press(*keys)
        await settled(pilot)
        pilot.app.screen.set_focus(None)  # no text cursor: its blink makes pictures differ
        await pilot.pause()

    assert snap_compare(console(memory_session), terminal_size=(120, 40), run_before=open_dialog)


def test_adjudication_dialog(snap_compare: Any, memory_session: Session, clock: FakeClock) -> None:
    rehearse(memory_session, clock)

    async def open_queue(pilot: Any) -> None:
        await pilot.press("3")
        pilot.app.screen.query_one("#queue-table", DataTable).focus()
        await pilot.press("enter")
        await no_blink(pilot)

    assert snap_compare(console(memory_session), terminal_size=(100, 40), run_before=open_queue)


def test_score_drill_down(snap_compare: Any, memory_session: Session, clock: FakeClock) -> None:
    rehearse(memory_session, clock)
    memory_session.execute(
        c.SubmitMove("kgz-mod", "kgz-mod", "warn", "Also the liaison cell", ("liaison",))
    )

    async def drill(pilot: Any) -> None:
        await pilot.press("4")
        table = pilot.app.screen.query_one("#awards-table", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")

    assert snap_compare(console(memory_session), terminal_size=(120, 40), run_before=drill)


def _player_session(tmp_path: Any, clock: FakeClock) -> tuple[Session, dict[str, str]]:
    import json
    from pathlib import Path

    from .conftest import SCENARIO_PATH

    path = str(Path(tmp_path) / "p.db")
    session = Session.create(SCENARIO_PATH, path, clock, join_codes=True)
    rehearse(session, clock)
    return session, json.loads(Path(path + ".codes").read_text())


def test_player_lobby(snap_compare: Any, tmp_path: Any, clock: FakeClock) -> None:
    from exercise.tui.app import make_app

    session, _ = _player_session(tmp_path, clock)
    app = make_app(session, role="player", cell="kgz-mod", follow=False, tick=None)
    assert snap_compare(app, terminal_size=(80, 24), run_before=no_blink)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_player_console(
    snap_compare: Any, tmp_path: Any, clock: FakeClock, size: tuple[int, int]
) -> None:
    from exercise.tui.app import make_app

    session, codes = _player_session(tmp_path, clock)
    app = make_app(
        session, role="player", cell="kgz-mod", code=codes["kgz-mod"], follow=False, tick=None
    )
    assert snap_compare(app, terminal_size=size, run_before=settled)


@pytest.mark.parametrize(
    "keys",
    [("2", "down"), ("f1",), ("g",)],
    ids=["log-ruling", "help", "argue"],
)
def test_player_views(
    snap_compare: Any, tmp_path: Any, clock: FakeClock, keys: tuple[str, ...]
) -> None:
    from exercise.tui.app import make_app

    session, codes = _player_session(tmp_path, clock)
    session.execute(c.ResolveMatrix(CONTROL, 5, 42, 1, None, "The camp is hit; two huts burn."))
    session.execute(
        c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike the second camp", ("kgz-mod",))
    )
    cell = "uzb-mod" if keys[0] == "2" else "kgz-mod"
    app = make_app(session, role="player", cell=cell, code=codes[cell], follow=False, tick=None)

    async def show(pilot: Any) -> None:
        await settled(pilot)
        await pilot.press(*keys)
        await settled(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=show)
