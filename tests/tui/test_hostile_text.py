"""Text from players and scenarios is inert in every console: escape sequences, OSC
titles, bidi overrides and zero-width characters never reach the terminal, and markup in
a cell name or a title is shown as text, never run.

The engine now refuses such characters in new input, so the hostile events here are
appended to the journal directly, as an old session or a forged journal would hold them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import attrs
import pytest
from textual.widgets import DataTable, Markdown, Select, Static

from exercise.engine import CONTROL, decide
from exercise.engine import commands as c
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.hotwash import HotWashScreen
from exercise.tui.player import LobbyScreen, PlayerApp, PlayerScreen
from exercise.tui.replay import ReplayApp

from ..conftest import FIXTURES, FakeClock
from .conftest import console

#: Never in what a console draws (the SVG of the screen keeps every character drawn).
ESCAPES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u200d\U000e0041]"
)

MARKUP = "[@click=app.quit]Uzbek[/]"
BANNER = "\x1b[2J\x1b[41;97mEXERCISE CONTROL: STRIKE APPROVED\x1b[0m"
OSC = "\x1b]0;PWNED-TITLE\x07"
BIDI_TEXT = "move \u202eTXEDNE\u202c now"
HIDDEN = "uzb\u200b-mod\U000e0041"


def inert(svg: str) -> None:
    found = ESCAPES.findall(svg)
    assert not found, f"reached the screen: {[hex(ord(ch)) for ch in found]}"


@pytest.fixture
def hostile_session(tmp_path: Path, clock: FakeClock) -> tuple[Session, dict[str, str]]:
    project = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    scn = project / "scenarios" / "mini.yaml"
    text = scn.read_text(encoding="utf-8")
    text = text.replace("name: Uzbek Ministry of Defence", f'name: "{MARKUP}"')
    text = text.replace("title: Warn another cell", 'title: "[b]warn[/b] [@click=app.quit]q[/]"')
    scn.write_text(text, encoding="utf-8")
    injects = project / "injects" / "mini.yaml"
    injects.write_text(
        injects.read_text(encoding="utf-8").replace(
            "title: Armed group crosses near Zardaly",
            'title: "[reverse]Armed[/] [@click=app.quit]group[/]"',
        ),
        encoding="utf-8",
    )
    path = str(tmp_path / "s.db")
    session = Session.create(scn, path, clock, join_codes=True)
    codes = json.loads(Path(path + ".codes").read_text())
    session.execute(c.Start(CONTROL))
    clock.advance(minutes=8)
    session.execute(c.ReleaseDue(CONTROL))
    forge(session, c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "x", "y"),
          text=BANNER + OSC, subject=BIDI_TEXT)  # fmt: skip
    forge(session, c.SubmitMove("uzb-mod", "uzb-mod", "strike", "x", ("kgz-mod",)),
          text=OSC + BIDI_TEXT + HIDDEN)  # fmt: skip
    forge(session, c.AskRfi("kgz-mod", "kgz-mod", "x"), text=BANNER)
    forge(session, c.Observe(CONTROL, "x", "strength", objectives=("OBJ-1",)), text=BANNER + OSC)
    forge(session, c.AddInject(CONTROL, "ADHOC-01", "x", ("kgz-mod",)),
          title=BANNER, body=OSC + BIDI_TEXT)  # fmt: skip
    return session, codes


def forge(session: Session, cmd: c.Command, **payload: Any) -> None:
    """Append the events of ``cmd`` with hostile text put in, bypassing the engine."""
    drafts = [
        attrs.evolve(
            d, payload={**d.payload, **{k: v for k, v in payload.items() if k in d.payload}}
        )
        for d in decide(session.state, cmd, session.clock())
    ]
    session.journal.append(drafts, expect_head=session.state.seq)
    session.refresh()


async def test_facilitator_console_draws_hostile_text_inert(hostile_session: Any) -> None:
    session, _ = hostile_session
    app = console(session)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        inert(app.export_screenshot())
        feed = app.screen.query_one("#feed-table", DataTable)
        texts = [str(feed.get_row_at(i)[-1]) for i in range(feed.row_count)]
        assert any("STRIKE APPROVED[0m]0;PWNED-TITLE" in t for t in texts)
        for tab in ("3", "4", "2"):  # queue, scores, cells
            await pilot.press(tab)
            await pilot.pause()
            inert(app.export_screenshot())
        # the inject with markup in its title, and the ad-hoc one with escapes
        msel = app.screen.query_one("#msel", DataTable)
        msel.focus()
        for row in range(msel.row_count):
            msel.move_cursor(row=row)
            await pilot.press("enter")
            await pilot.pause()
            inert(app.export_screenshot())
            await pilot.press("escape")
        # the adjudication dialog of the hostile move
        await pilot.press("3")
        app.screen.query_one("#queue-table", DataTable).focus()
        await pilot.press("enter")
        await pilot.pause()
        inert(app.export_screenshot())
        await pilot.press("escape")
        # the command palette (its titles and help are parsed as markup by Textual)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"adjudicate")
        await pilot.pause(0.3)
        inert(app.export_screenshot())
        await pilot.press("escape")
        # the hot wash, with the hostile strength
        await pilot.press("escape")
        app.push_screen(HotWashScreen(app.session, app.attempt, app.wait_for_scores))
        await pilot.pause()
        detail = str(app.screen.query_one("#hw-detail", Static).content)
        assert "EXERCISE CONTROL: STRIKE APPROVED" in detail and "\x1b" not in detail
        inert(app.export_screenshot())
        assert app.is_running


async def test_player_console_draws_hostile_text_inert(hostile_session: Any) -> None:
    session, codes = hostile_session
    app = make_app(session, role="player", cell="kgz-mod", code=codes["kgz-mod"],
                   follow=False, tick=None)  # fmt: skip
    assert isinstance(app, PlayerApp)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        table = app.screen.query_one("#inbox-table", DataTable)
        table.focus()
        for row in range(table.row_count):
            table.move_cursor(row=row)
            await pilot.pause()
            inert(app.export_screenshot())
            detail = app.screen.query_one("#detail", Markdown).source
            assert not ESCAPES.search(detail)
        for key in ("2", "3", "4", "m", "escape", "w", "escape"):
            await pilot.press(key)
            await pilot.pause()
            inert(app.export_screenshot())
        assert app.is_running


async def test_markup_in_a_cell_name_is_text_in_the_lobby(hostile_session: Any) -> None:
    session, _ = hostile_session
    app = make_app(session, role="player", follow=False, tick=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        select = app.screen.query_one("#cell", Select)
        select.focus()
        await pilot.press("enter")  # open the list
        await pilot.pause()
        svg = app.export_screenshot()
        assert "[@click=app.quit]Uzbek[/]" in svg.replace("&#160;", " ")
        # clicking the option picks the cell; the markup in its name is no action
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, LobbyScreen)
        assert select.value == "uzb-mod"


async def test_notifications_quoting_player_text_are_inert(hostile_session: Any) -> None:
    session, _ = hostile_session
    app = console(session)
    async with app.run_test(size=(120, 40)) as pilot:
        app.notify(f"refused: {BANNER}{OSC}[@click=app.quit]x[/]", title=OSC)
        await pilot.pause()
        inert(app.export_screenshot())
        (note,) = list(app._notifications)
        assert not note.markup and not ESCAPES.search(note.message + note.title)
        assert note.message.endswith("]0;PWNED-TITLE[@click=app.quit]x[/]")
        assert app.is_running


async def test_replay_draws_hostile_text_inert(hostile_session: Any) -> None:
    session, _ = hostile_session
    app = ReplayApp(session.scenario, session.journal.read())
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(6):
            await pilot.press("left")
            await pilot.pause()
            inert(app.export_screenshot())
        await pilot.press("ctrl+p")  # the palette of a replay holds only its own commands
        await pilot.pause()
        inert(app.export_screenshot())
