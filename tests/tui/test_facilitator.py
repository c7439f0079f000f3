"""Pilot tests of every facilitator action, asserting on the journal and the app."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, Label, Select, SelectionList, Static, TextArea

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.session import Session
from exercise.tui import dialogs
from exercise.tui.app import FacilitatorApp, make_app

from ..conftest import FakeClock
from .conftest import console

MIN = 60_000


def types(session: Session) -> list[str]:
    return [e.type for e in session.journal.read()]


def last(session: Session) -> Any:
    return session.journal.read()[-1]


def notices(app: FacilitatorApp) -> list[str]:
    return [n.message for n in app._notifications]


async def select_inject(pilot: Any, app: FacilitatorApp, inject: str) -> None:
    table = app.screen.query_one("#msel", DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(inject))
    await pilot.pause()


async def test_space_starts_pauses_and_resumes(memory_session: Session) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        assert types(memory_session) == ["clock.started"]
        assert "RUNNING ×4" in str(app.screen.query_one("#status", Static).content)
        await pilot.press("space")
        await pilot.press("space")
        assert types(memory_session)[1:] == ["clock.paused", "clock.resumed"]
        assert "Clock running" in notices(app)


async def test_release_hold_skip_from_the_msel(memory_session: Session) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await select_inject(pilot, app, "INJ-004")
        await pilot.press("r")
        assert {k: v for k, v in last(memory_session).payload.items() if k != "content"} == {
            "inject": "INJ-004",
            "to": ["liaison"],
            "reason": "manual",
        }
        table = app.screen.query_one("#msel", DataTable)
        assert str(table.get_row("INJ-004")[3]) == "released"
        await pilot.press("r")  # again: refused, shown as an error
        assert "INJ-004 was already released (event 2)" in notices(app)
        await select_inject(pilot, app, "INJ-002")
        await pilot.press("h")
        assert isinstance(app.screen, dialogs.ReasonDialog)
        await pilot.press(*"minister absent", "enter")
        assert last(memory_session).type == "inject.held"
        assert last(memory_session).payload["reason"] == "minister absent"
        await pilot.press("h")  # unhold
        assert last(memory_session).type == "inject.unheld"
        await pilot.press("s", "enter")
        assert last(memory_session).type == "inject.skipped"


async def test_retime_validates_inline(memory_session: Session) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await select_inject(pilot, app, "INJ-002")
        await pilot.press("t", *"noon", "enter")
        error = app.screen.query_one("#error", Static)
        assert "is not an inject time" in str(error.content)
        assert types(memory_session) == []
        inp = app.screen.query_one("#time", Input)
        inp.value = "+01:00"
        await pilot.press("enter")
        assert last(memory_session).payload == {"inject": "INJ-002", "time_ms": 60 * MIN}


async def test_scheduled_injects_auto_release_or_wait_for_approval(
    memory_session: Session, clock: FakeClock
) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "p")  # approval mode
        clock.advance(minutes=8)  # 32 game minutes: INJ-001 is due
        app.tick()
        await pilot.pause()
        assert "inject.released" not in types(memory_session)
        table = app.screen.query_one("#msel", DataTable)
        assert str(table.get_row("INJ-001")[3]) == "due"
        assert str(table.get_row("INJ-001")[0]) == "▶"  # the next one due is marked
        await pilot.press("p")  # back to automatic release
        app.tick()
        await pilot.pause()
        assert last(memory_session).payload["reason"] == "scheduled"


async def test_add_inject_form(memory_session: Session) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "a")
        form = app.screen
        assert isinstance(form, dialogs.AddInjectDialog)
        await pilot.click("#submit")
        assert "give the inject a title" in str(form.query_one("#error", Static).content)
        form.query_one("#title", Input).value = "TV crew at the border post"
        form.query_one("#body", TextArea).text = "A crew asks for comment."
        await pilot.pause(0.3)  # a button ignores a second press while it flashes
        await pilot.click("#submit")
        error = str(form.query_one("#error", Label).content)
        assert "tick at least one recipient" in error
        assert form.focused is form.query_one("#to", SelectionList)  # the cursor goes there
        await pilot.press("space", "down", "space")  # tick the first two cells
        await pilot.pause(0.3)
        await pilot.click("#submit")
        assert types(memory_session)[-2:] == ["inject.added", "inject.released"]
        added = memory_session.journal.read()[-2].payload
        assert added["inject"] == "ADHOC-01" and added["to"] == ["kgz-mod", "uzb-mod"]
        await pilot.pause()
        assert "ADHOC-01 added" in notices(app)


async def test_observation_from_anywhere(memory_session: Session) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await select_inject(pilot, app, "INJ-001")
        await pilot.press("o")
        form = app.screen
        assert isinstance(form, dialogs.ObservationDialog)
        assert form.query_one("#injects", SelectionList).selected == ["INJ-001"]  # the selection
        await pilot.click("#submit")
        assert "write the observation first" in str(form.query_one("#error", Static).content)
        form.query_one("#text", TextArea).text = "Bishkek warned Tashkent first"
        form.query_one("#kind", Select).value = "strength"
        form.query_one("#objectives", SelectionList).select("OBJ-1")
        await pilot.pause(0.3)  # a button ignores a second press while it flashes
        await pilot.click("#submit")
        await pilot.pause()
        assert "Observation recorded" in notices(app)
        assert last(memory_session).payload == {
            "text": "Bishkek warned Tashkent first",
            "kind": "strength",
            "injects": ["INJ-001"],
            "cells": [],
            "objectives": ["OBJ-1"],
        }


async def test_hot_seat_move_is_recorded_as_entered_by_control(memory_session: Session) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "m")
        form = app.screen
        form.query_one("#cell", Select).value = "kgz-mod"
        form.query_one("#kind", Select).value = "warn"
        form.query_one("#to", SelectionList).select("uzb-mod")
        form.query_one("#text", TextArea).text = "[@click=app.quit]x[/] fighters at Zardaly"
        await pilot.click("#submit")
        event = last(memory_session)
        assert event.actor == CONTROL and event.payload["on_behalf"] is True
        feed = app.screen.query_one("#feed-table", DataTable)
        text = feed.get_row(str(event.seq))[5]
        assert isinstance(text, Text)
        assert text.plain == "[entered by control] [@click=app.quit]x[/] fighters at Zardaly"
        assert app.is_running


async def test_adjudication_accept_and_matrix_roll(memory_session: Session) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        memory_session.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike the camp"))
        memory_session.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike again"))
        app.sync()
        await pilot.press("3")
        queue = app.screen.query_one("#queue-table", DataTable)
        assert queue.row_count == 2
        queue.focus()
        await pilot.press("enter")
        assert isinstance(app.screen, dialogs.AdjudicationDialog)
        await pilot.press(*"Only the ridge is hit")
        await pilot.click("#modified")
        assert last(memory_session).payload["outcome"] == "modified"
        assert queue.row_count == 1
        queue.focus()
        await pilot.press("enter")
        await pilot.click("#roll")
        event = last(memory_session)
        assert event.payload["matrix"]["seed"] == 42
        shown = str(app.screen.query_one("#roll-result", Static).content)
        d1, d2 = event.payload["matrix"]["dice"]
        assert shown.startswith(f"2d6 = {d1} + {d2}") and "(seed 42)" in shown
        await pilot.click("#close")
        assert queue.row_count == 0


async def test_score_drill_down_shows_the_events(memory_session: Session, clock: FakeClock) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        clock.advance(minutes=8)
        app.tick()
        memory_session.execute(
            c.SubmitMove("kgz-mod", "kgz-mod", "warn", "Warning", ("uzb-mod", "liaison"))
        )
        app.sync()
        await pilot.press("4")
        awards = app.screen.query_one("#awards-table", DataTable)
        assert awards.row_count >= 3
        awards.focus()
        awards.move_cursor(row=0)
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, dialogs.AwardDialog)
        lines = [str(s.content) for s in dialog.query(".event-line").results(Static)]
        assert lines and all(any(str(seq) in ln for ln in lines) for seq in dialog.award.events)


async def test_jump_ratio_and_end(memory_session: Session) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "j", *"D+1 06:00", "enter")
        assert last(memory_session).payload["to_ms"] == 24 * 60 * MIN
        await pilot.press("c")
        app.screen.query_one("#ratio", Input).value = "60"
        await pilot.press("enter")
        assert last(memory_session).payload == {"ratio": 60.0}
        await pilot.press("e", "y")
        assert last(memory_session).type == "exercise.ended"
        assert "ENDEX" in str(app.screen.query_one("#status", Static).content)


async def test_feed_filter(memory_session: Session) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        memory_session.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "to Tashkent"))
        memory_session.execute(c.SendMessage("liaison", "liaison", ("kgz-mod",), "to Bishkek"))
        app.sync()
        feed = app.screen.query_one("#feed-table", DataTable)
        assert feed.row_count == 2
        await pilot.press("f", *"liaison")
        assert feed.row_count == 1


async def test_command_palette_offers_every_action(memory_session: Session) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [cmd.title for cmd in app.get_system_commands(app.screen)]
        assert "Release INJ-001" in titles and "Start the exercise" in titles
        assert "Open cell kgz-mod" in titles and "Jump to a game time" in titles
        await pilot.press("ctrl+p", *"release INJ-004")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert "the exercise has not started yet; start it first" in notices(app)


async def test_moves_from_another_process_wake_the_console(
    file_session: Session,
) -> None:
    file_session.execute(c.Start(CONTROL))
    app = make_app(file_session, follow=True, tick=None)
    async with app.run_test(size=(120, 40)) as pilot:
        other = Session.open(file_session.journal.address)  # a second connection, as a player's
        other.execute(
            c.SubmitMove("kgz-mod", "kgz-mod", "warn", "From another console", ("uzb-mod",))
        )
        seq = other.state.seq
        other.close()
        feed = app.screen.query_one("#feed-table", DataTable)
        loop = asyncio.get_running_loop()
        start = loop.time()
        while str(seq) not in [str(k.value) for k in feed.rows] and loop.time() - start < 10:
            await pilot.pause(0.02)
        # Woken by the journal's change, not found by the 2 s fallback poll. How fast is
        # measured in bench/ (python -m bench.run --only players), not asserted here.
        assert loop.time() - start < 1.5
        assert str(seq) in [str(k.value) for k in feed.rows]


# ------------------------------------------------------------------------------ seals


async def test_the_console_seals_at_startex_endex_after_the_hot_wash_and_in_play(
    file_session: Session, clock: FakeClock
) -> None:
    from exercise.journal import verify
    from exercise.journal.seal import load_or_create_key
    from exercise.tui.hotwash import HotWashScreen

    key = load_or_create_key()
    app = console(file_session, seal_key=key)
    app.seal_every = 0.2  # seconds between seals in play (minutes in an exercise)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        assert types(file_session) == []  # nothing to seal before STARTEX
        await pilot.press("space")
        assert types(file_session) == ["clock.started", "journal.sealed"]
        assert "Record sealed (STARTEX) at event 2" in notices(app)
        await pilot.pause(0.5)
        assert types(file_session).count("journal.sealed") == 1  # nothing new: no seal
        app.act(c.Release(CONTROL, "INJ-004"))
        for _ in range(50):  # the periodic seal covers the release
            await pilot.pause(0.1)
            if types(file_session)[-1] == "journal.sealed":
                break
        assert types(file_session)[-2:] == ["inject.released", "journal.sealed"]
        app.act(c.End(CONTROL, "done"))
        assert types(file_session)[-2:] == ["exercise.ended", "journal.sealed"]
        app.action_hot_wash()
        await pilot.pause()
        assert isinstance(app.screen, HotWashScreen)
        await pilot.press("escape")  # nothing recorded in the hot wash: no new seal
        await pilot.pause()
        assert types(file_session)[-1] == "journal.sealed"
        app.act(c.Observe(CONTROL, "Warned within five minutes.", "strength"))
        app.action_hot_wash()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert types(file_session)[-2:] == ["observation.recorded", "journal.sealed"]
    result = verify(file_session.journal)
    assert result.ok and len(result.seals) == 4
    assert {s.key for s in result.seals} == {key.fingerprint}


async def test_scores_view_flags_a_rating_the_observations_contradict(
    memory_session: Session, clock: FakeClock
) -> None:
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        clock.advance(minutes=8)
        app.tick()
        memory_session.execute(
            c.SubmitMove("kgz-mod", "kgz-mod", "warn", "Warning", ("uzb-mod", "liaison"))
        )
        note = "Warned without the details Tashkent asked for"
        memory_session.execute(c.Observe(CONTROL, note, "improvement", objectives=("OBJ-1",)))
        app.sync()
        await app.workers.wait_for_complete()  # the scores are computed off the UI thread
        await pilot.pause()
        await pilot.press("4")
        table = app.screen.query_one("#objectives-table", DataTable)
        row = [str(x) for x in table.get_row("OBJ-1")]  # points, share, rating, observations
        score = next(o for o in app.scores().objectives if o.id == "OBJ-1")
        assert last(memory_session).type == "observation.recorded"
        assert score.computed == "P"  # the warning went out at once, to both
        assert row[2] == "P CONFLICT" and row[3] == "0 strength, 1 AFI"


async def test_the_clock_is_looked_at_when_something_can_change_not_every_second(
    memory_session: Session, clock: FakeClock
) -> None:
    """The facilitator's console times its next tick on the next minute of the game clock,
    the next scheduled inject or module and the next scoring window; every second only
    while something is due already (here: waiting for approval); none while the clock
    stands."""
    app = make_app(memory_session, follow=False, tick=1.0, seed=lambda: 42)
    assert isinstance(app, FacilitatorApp)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app._ticking is None  # not started
        await pilot.press("space", "p")  # STARTEX; releases wait for approval
        await pilot.pause()
        assert app._next_tick() == 1.0  # M1 opens at STARTEX: at the next tick
        app.tick()
        await pilot.pause()
        state = memory_session.state
        assert app._ticking is not None
        wait = app._next_tick()
        assert wait is not None and 1.0 <= wait <= 15.01  # ratio 4: a game minute in 15 s
        due = min(st.due_ms for st in state.injects.values() if st.due_ms is not None)  # INJ-001
        clock.advance(seconds=(due - state.clock.game_ms(clock())) / 4 / 1000 - 3)
        assert app._next_tick() == pytest.approx(3, abs=0.01)  # INJ-001 in 3 s
        clock.advance(seconds=4)
        assert app._next_tick() == 1.0  # due, awaiting approval: every second
        await pilot.press("p")  # automatic release again
        app.tick()
        await pilot.pause()
        assert last(memory_session).type == "inject.released"
        assert app._next_tick() != 1.0
        await pilot.press("space")  # paused
        await pilot.pause()
        assert app._next_tick() is None and app._ticking is None


async def test_hidden_tabs_are_built_and_drawn_when_first_shown(memory_session: Session) -> None:
    memory_session.execute(c.Start(CONTROL))
    memory_session.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike the camp"))
    app = console(memory_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # the first frame: the MSEL and the feed, the other tabs' panes not built yet
        assert app.screen.query_one("#msel", DataTable).row_count > 0
        assert not app.screen.query("#cells-table, #queue-table, #awards-table")
        await pilot.press("2")  # by key
        cells = app.screen.query_one("#cells-table", DataTable)
        scenario_cells = {cell.id for cell in memory_session.scenario.player_cells}
        assert {str(k.value) for k in cells.rows} == scenario_cells
        assert app.screen.focused is cells
        await pilot.click("#--content-tab-queue")  # by mouse, on the tab's label
        await pilot.pause()
        queue = app.screen.query_one("#queue-table", DataTable)
        assert [str(k.value) for k in queue.rows] == ["move:2"]
        queue.focus()
        await pilot.press("g")  # an action key on the newly built pane acts on its row
        assert isinstance(app.screen, dialogs.ArgueDialog)
        await pilot.press("escape")
        await pilot.press("4")
        assert app.screen.query_one("#objectives-table", DataTable).row_count > 0
        # built once: showing a tab again does not build its pane again
        await pilot.press("2", "3", "2")
        assert len(app.screen.query("#cells-table")) == 1


def test_a_console_run_as_the_command_line_does_freezes_what_is_loaded(
    memory_session: Session,
) -> None:
    """``run`` (the command line's way) tells the garbage collector to leave what is
    loaded before the first frame alone; ``run_test`` (the tests' way) does not."""
    import gc

    gc.unfreeze()
    seen: list[int] = []

    async def look(pilot: Any) -> None:
        await pilot.pause()
        seen.append(gc.get_freeze_count())
        pilot.app.exit()

    try:
        console(memory_session).run(headless=True, size=(80, 24), auto_pilot=look)
    finally:
        gc.unfreeze()
    assert seen and seen[0] > 1000  # the modules, the classes, the session


async def test_run_test_freezes_nothing(memory_session: Session) -> None:
    import gc

    gc.unfreeze()
    async with console(memory_session).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.get_freeze_count() == 0


def test_run_on_edited_scenario_files_says_so_in_the_console(
    mini: Any, monkeypatch: Any, capsys: Any
) -> None:
    """What `run` prints before the console starts is hidden behind it until it quits:
    the note that the session plays its stored scenario is shown in the console too."""
    from pathlib import Path

    from exercise.cli.main import main

    scenario = "scenarios/mini.yaml"
    Session.create(scenario, "s.db", join_codes=True).close()
    shown: list[list[tuple[str, str]]] = []

    def run_under_pilot(self: FacilitatorApp, *args: Any, **kwargs: Any) -> None:
        async def drive() -> None:
            async with self.run_test(size=(160, 48)) as pilot:
                await pilot.pause()
                shown.append([(n.message, n.severity) for n in self._notifications])

        asyncio.run(drive())

    monkeypatch.setattr(FacilitatorApp, "run", run_under_pilot)
    assert main(["run", scenario, "--session", "s.db"]) == 0
    assert not any("scenario files changed" in m for m, _ in shown[0])  # nothing edited
    inj = Path("injects/mini.yaml")
    inj.write_text(inj.read_text(encoding="utf-8").replace("Zardaly", "Zardali"), "utf-8")
    capsys.readouterr()
    assert main(["run", scenario, "--session", "s.db"]) == 0
    note = (
        "note: the scenario files changed since s.db was created; the session goes on with "
        "the scenario stored in it (create a new session to play the edited files)"
    )
    assert (note, "warning") in shown[1]
    assert "exercise: " + note in capsys.readouterr().err


async def test_a_turn_of_the_minute_redraws_the_clock_only(
    memory_session: Session, clock: FakeClock
) -> None:
    """When only the game clock's minute turns, the status line is drawn, not the MSEL,
    the feed and the tabs; an event or an inject falling due still draws everything."""
    app = make_app(memory_session, follow=False, tick=1.0, seed=lambda: 42)
    assert isinstance(app, FacilitatorApp)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")  # STARTEX
        await pilot.pause()
        app.tick()  # M1 opens
        await pilot.pause()
        screen = app.main
        assert screen is not None
        calls: list[str] = []
        full, light = screen.draw, screen.draw_clock

        def draw(*a: Any) -> None:
            calls.append("draw")
            full(*a)

        def draw_clock(*a: Any) -> None:
            calls.append("clock")
            light(*a)

        screen.draw = draw  # type: ignore[method-assign,assignment]
        screen.draw_clock = draw_clock  # type: ignore[method-assign,assignment]
        status = screen.query_one("#status", Static)
        before = str(status.content)
        clock.advance(seconds=16)  # a game minute at ratio 4; nothing due yet
        app.tick()
        await pilot.pause()
        assert calls == ["clock"]
        assert str(status.content) != before  # the minute shown moved on
        memory_session.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike the camp"))
        clock.advance(seconds=16)
        app.tick()
        await pilot.pause()
        assert calls[-1] == "draw"  # a new event: every pane is drawn
        feed = screen.query_one("#feed-table", DataTable)
        assert "Strike the camp" in str(feed.get_row_at(feed.row_count - 1))
        await pilot.press("p")  # releases wait for approval: INJ-001 stays due
        clock.advance(minutes=8)
        app.tick()
        await pilot.pause()
        assert calls[-1] == "draw"  # an inject fell due: the MSEL shows it
        msel = screen.query_one("#msel", DataTable)
        assert str(msel.get_row("INJ-001")[3]) == "due"
