"""Keys typed at once after choosing in a Select and pressing Tab land in the next field."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Select, SelectionList, TextArea

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.tui.player import MoveComposer

from ..conftest import FakeClock
from .test_player import player


async def test_text_typed_right_after_a_select_and_tab_lands_in_the_next_field(
    coded: Any,
    clock: FakeClock,
) -> None:
    session, codes = coded
    clock.advance(minutes=8)
    session.execute(c.ReleaseDue(CONTROL))  # INJ-001 to kgz-mod: something to choose
    app = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        form = app.screen
        assert isinstance(form, MoveComposer)
        about = form.query_one("#about", Select)
        about.focus()
        await pilot.pause()
        await pilot.press("enter")  # the dropdown opens on the first choice
        assert about.expanded
        # choose with enter, tab away and type at once, faster than the console handles them
        # (a loaded machine): the keys reach the app together, as from a terminal
        for key in ("enter", "tab", *"hello"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause(0.3)
        assert about.value is not Select.NULL
        assert not about.expanded
        text = form.query_one("#text", TextArea)
        assert app.focused is text
        assert text.text == "hello"


async def test_a_choice_made_with_enter_right_before_tab_is_kept(
    coded: Any,
) -> None:
    session, codes = coded
    app = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        form = app.screen
        assert isinstance(form, MoveComposer)
        kind = form.query_one("#kind", Select)
        assert app.focused is kind
        await pilot.press("enter", "down", "down")  # the dropdown, on the second action
        assert kind.expanded
        second = session.state.scenario.move_kinds[1].id
        for key in ("enter", "tab"):
            app.post_message(events.Key(key, None))
        await pilot.pause(0.3)
        assert kind.value == second and not kind.expanded
        assert app.focused is form.query_one("#to", SelectionList)
