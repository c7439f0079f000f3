"""What got in the way of players and control playing the incursion from the consoles:
each test is one thing found while playing, fixed, and checked in the journal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    DataTable,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from exercise import i18n
from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.tui.dialogs import AddInjectDialog, AdjudicationDialog, ConfirmDialog
from exercise.tui.player import MessageComposer, MoveComposer, RfiComposer, item_words

from ..conftest import FakeClock
from .conftest import console
from .test_language import bilingual_session
from .test_language import player as russian_player
from .test_player import events, player


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    i18n.set_language("en")


async def test_forms_start_with_the_inject_selected_in_the_inbox(
    coded: Any, clock: FakeClock
) -> None:
    """A move answering the inject on screen counted for nothing unless the player also
    picked that inject in the form: the expected warning stayed unmet."""
    session, codes = coded
    clock.advance(minutes=8)
    session.execute(c.ReleaseDue(CONTROL))
    app = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        form = app.screen
        assert isinstance(form, MoveComposer)
        assert form.query_one("#about", Select).value == "INJ-001"
        form.query_one("#kind", Select).value = "warn"
        form.query_one("#to", SelectionList).select("uzb-mod")
        form.query_one("#text", TextArea).text = "Armed men at Zardaly, heading your way."
        await pilot.press("ctrl+s")
        move = events(session)[-1]
        assert move.type == "move.submitted" and move.payload["answers"] == "INJ-001"
        assert session.state.expectations[0].covered == {"uzb-mod"}
        await pilot.press("question_mark")
        assert isinstance(app.screen, RfiComposer)
        app.screen.query_one("#text", TextArea).text = "Is the pass still open?"
        await pilot.press("ctrl+s")
        asked = events(session)[-1]
        assert asked.type == "rfi.asked" and asked.payload["about"] == "INJ-001"
        await pilot.press("w")
        assert isinstance(app.screen, MessageComposer)
        assert app.screen.query_one("#about", Select).value == "INJ-001"
        await pilot.press("escape")
        # from another tab nothing is assumed
        await pilot.press("2", "m")
        assert isinstance(app.screen, MoveComposer)
        assert app.screen.query_one("#about", Select).value is Select.NULL


async def test_acknowledging_names_the_inject_as_the_player_knows_it(
    coded: Any, clock: FakeClock
) -> None:
    session, codes = coded
    clock.advance(minutes=8)
    session.execute(c.ReleaseDue(CONTROL))
    app = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        assert events(session)[-1].type == "item.acknowledged"
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert "acknowledged INJ-001" in shown
        assert not any("inject:" in text for text in shown)
        await pilot.press("a")
        assert [n.message for n in app._notifications][-1] == "INJ-001 is already acknowledged"
    assert item_words("message:12") == "message 12"
    assert item_words("odd") == "odd"


async def test_a_russian_cell_sees_no_english_prompts_or_statuses(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Textual's own "Select" prompt and the status of a move that needs no ruling were
    shown in English in a Russian console."""
    session, codes = bilingual_session(tmp_path, clock)
    app = russian_player(session, codes, "kgz-mod")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert i18n.language() == "ru"
        await pilot.press("2", "m")
        form = app.screen
        assert isinstance(form, MoveComposer)
        assert form.query_one("#kind", Select).prompt == "Выберите"
        form.query_one("#kind", Select).value = "warn"
        form.query_one("#to", SelectionList).select("uzb-mod")
        form.query_one("#text", TextArea).text = "Группа у Зардалы."
        await pilot.press("ctrl+s")
        move = events(session)[-1]
        assert move.type == "move.submitted" and move.payload["kind"] == "warn"
        await pilot.pause()
        log = app.screen.query_one("#log-table", DataTable)
        row = [str(cell) for cell in log.get_row(str(f"move:{move.seq}"))]
        assert "направлен" in row and "submitted" not in row


async def test_the_matrix_rule_is_read_whole_in_the_adjudication_dialog(
    coded: Any, clock: FakeClock
) -> None:
    """The rule line under the buttons was cut at the dialog's edge, even at 160x48."""
    session, _codes = coded
    session.execute(c.SubmitMove("kgz-mod", "kgz-mod", "strike", "Strike the camp.", ()))
    app = console(session)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("3", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AdjudicationDialog)
        rule = next(
            label for label in dialog.query(Label) if "7 or more succeeds" in str(label.content)
        )
        body = rule.parent
        assert isinstance(body, Widget)
        assert rule.size.width <= body.size.width and rule.size.height >= 2
        await pilot.click("#roll")
        await pilot.pause()
        assert events(session)[-1].type == "move.adjudicated"


async def test_the_first_field_of_a_long_form_shows_its_label(coded: Any) -> None:
    """Messages (x) opened scrolled past "From (an originator ...)": the first thing seen
    was an unlabelled "(choose)"; the same when a refusal put the cursor back there."""
    session, _codes = coded
    app = console(session)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AddInjectDialog)
        label = next(
            w for w in form.query(Label) if str(w.content).startswith("From (an originator")
        )
        body = form.query_one(".dialog-body")
        assert body.scroll_y == 0
        assert label.region.y >= body.region.y
        form.query_one("#title", Input).value = "Ransom demand"
        form.query_one("#to", SelectionList).select("kgz-mod")
        form.query_one("#body", TextArea).focus()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert form.focused is form.query_one("#from-pick", Select)
        assert label.region.y >= body.region.y and body.scroll_y == 0
        form.query_one("#from", Input).value = "Batken governor's office"
        await pilot.press("ctrl+s")
        sent = events(session)[-1]
        assert sent.type == "inject.released" or sent.type == "inject.added"
        assert any(e.type == "inject.added" for e in events(session))


async def test_ticked_boxes_are_told_by_a_mark_not_by_colour(coded: Any) -> None:
    """Recipients and checkboxes showed an X whether ticked or not: without colour
    (NO_COLOR, a colour-blind player) nobody could tell whom a message would go to."""
    session, _codes = coded
    app = console(session)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        form = app.screen
        to = form.query_one("#to", SelectionList)
        to.focus()
        await pilot.press("down", "space")
        await pilot.pause()
        lines = [to.render_line(y).text for y in range(len(to.options))]
        assert lines[0].startswith("▐ ▌ kgz-mod"), lines
        assert lines[1].startswith("▐✓▌ uzb-mod"), lines
        assert to.selected == ["uzb-mod"]
        form.query_one("#title", Input).value = "Road closed"
        form.query_one("#from", Input).value = "Sokh district police"
        await pilot.press("ctrl+s")
        released = [e for e in events(session) if e.type == "inject.released"]
        assert released and released[-1].payload["to"] == ["uzb-mod"]
    app = console(session)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        release = app.screen.query_one("#release", Checkbox)
        assert "✓" in str(release.render())
        release.value = False
        await pilot.pause()
        assert "✓" not in str(release.render()) and "X" not in str(release.render())


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)], ids=str)
async def test_dialog_buttons_stay_on_a_short_screen(
    coded: Any, clock: FakeClock, size: tuple[int, int]
) -> None:
    """At 80x24 the move form ran off the bottom of the screen: no Submit, no Cancel."""
    session, codes = coded
    clock.advance(minutes=8)
    session.execute(c.ReleaseDue(CONTROL))
    app = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MoveComposer)
        for button in ("#submit", "#cancel"):
            region = form.query_one(button).region
            assert region.bottom <= size[1] and region.height == 3, (button, region)
        form.query_one("#kind", Select).value = "warn"
        form.query_one("#to", SelectionList).select("uzb-mod")
        form.query_one("#text", TextArea).text = "Armed men at Zardaly."
        await pilot.click("#submit")
        await pilot.pause()
        assert events(session)[-1].type == "move.submitted"
    strike = session.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike.", ()))
    control = console(session)
    async with control.run_test(size=size) as pilot:
        await pilot.press("3", "enter")
        await pilot.pause()
        dialog = control.screen
        assert isinstance(dialog, AdjudicationDialog)
        close = dialog.query_one("#close").region
        assert close.bottom <= size[1] and close.height == 3
        await pilot.click("#close")
        await pilot.pause()
        assert not isinstance(control.screen, AdjudicationDialog)
        assert strike[-1].seq in session.state.moves


async def test_enter_on_the_endex_question_does_not_end_the_exercise(coded: Any) -> None:
    """ "e" then Enter (a tired facilitator confirming by habit) ended the exercise: the
    question opened with Yes under the cursor."""
    session, _codes = coded
    app = console(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert not session.state.ended
        assert all(e.type != "exercise.ended" for e in events(session))
        await pilot.press("e", "y")
        await pilot.pause()
        assert session.state.ended and events(session)[-1].type in (
            "exercise.ended",
            "record.sealed",
        )
        assert any(e.type == "exercise.ended" for e in events(session))


async def test_consent_starts_with_the_one_intent_that_asks_for_it(coded: Any) -> None:
    """Giving consent meant picking the cell, then its intent, from lists of "Select":
    with one intended action asking this cell, both are filled in."""
    session, codes = coded
    (intent,) = session.execute(
        c.StateIntent("uzb-mod", "uzb-mod", "strike", target="camp", concerns=("kgz-mod",))
    )
    app = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#whose", Select).value == "uzb-mod"
        assert form.query_one("#intent", Select).value == str(intent.seq)
        assert form.query_one("#inject", Select).prompt == "(none)"
        await pilot.press("ctrl+s")
        assert "give or refuse?" in str(form.query_one("#error", Label).content)
        form.query_one("#decision", Select).value = "give"
        form.query_one("#whose", Select).clear()
        await pilot.press("ctrl+s")
        given = events(session)[-1]
        assert given.type == "consent.given" and given.actor == "kgz-mod"
        assert given.payload["to"] == ["uzb-mod"] and given.payload["intent"] == intent.seq


async def test_retime_starts_from_the_injects_time(coded: Any) -> None:
    """The retime form was empty: the facilitator had to look the time up to move an
    inject by a few minutes."""
    session, _codes = coded
    app = console(session)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one("#msel", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("INJ-002"))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        time = app.screen.query_one("#time", Input)
        assert time.value == "+24:00"
        await pilot.press("end", "backspace", "backspace", "3", "0", "enter")
        await pilot.pause()
        retimed = events(session)[-1]
        assert retimed.type == "inject.retimed"
        assert retimed.payload == {"inject": "INJ-002", "time_ms": (24 * 60 + 30) * 60_000}


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=str)
async def test_cells_tab_shows_the_table_and_every_join_line(
    coded: Any, size: tuple[int, int]
) -> None:
    """At 80x24 the join lines took the whole tab (no table of cells); at 160x48 they
    were cut after seven cells."""
    session, _codes = coded
    app = console(session)
    async with app.run_test(size=size) as pilot:
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("#cells-table", DataTable)
        assert table.region.height >= 4  # the header and at least three cells
        box = app.screen.query_one("#join-box")
        lines = str(app.screen.query_one("#join-lines", Static).content).splitlines()
        cells = [x.id for x in session.scenario.cells if x.id != "white"]
        assert all(any(f"--cell {cell} " in x for x in lines) for cell in cells)
        if box.max_scroll_y:  # what does not fit scrolls, from the keyboard too
            box.focus()
            await pilot.press("end")
            await pilot.wait_for_scheduled_animations()
            assert box.scroll_y == box.max_scroll_y
        else:
            assert box.region.height >= len(lines)
        session.execute(c.SubmitMove("kgz-mod", "kgz-mod", "warn", "Heads up", ("uzb-mod",)))
        assert events(session)[-1].type == "move.submitted"
