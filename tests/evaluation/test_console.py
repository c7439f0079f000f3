"""Pilot and snapshot tests of the evaluator's EEG console."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, Static

from exercise import i18n
from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.session import Session
from exercise.tui.evaluator import EEGScreen, EvaluatorApp, ObserveDialog, RateDialog
from exercise.tui.facilitator import MselBoard

ANA = c.evaluator_actor("ana")


def console(session: Session, code: str = "ANA1-CODE") -> EvaluatorApp:
    return EvaluatorApp(session, "ana", code, tick=None, wrong_code_delay=0.01)


def play(s: Session) -> None:
    s.execute(c.Release(CONTROL, "INJ-001"))
    s.execute(
        c.SubmitMove(
            "kgz-mod", "kgz-mod", "warn", "[bold]Raid[/] at Zardaly", ("uzb-mod",), "INJ-001"
        )
    )
    s.execute(c.RateTask(c.evaluator_actor("ben"), "T-warn", "S", "warned, late"))
    s.execute(c.Observe(c.evaluator_actor("ben"), "Ben saw it", "note", tasks=("T-warn",)))


def detail(app: EvaluatorApp) -> str:
    return str(app.screen.query_one("#eeg-detail", Static).content)


async def test_wrong_code_is_refused_and_recorded(eeg_session: Session) -> None:
    app = console(eeg_session, "WRNG-CODE")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
    assert app.return_code == 1
    last = eeg_session.journal.read()[-1]
    assert last.type == "console.refused" and last.payload["cell"] == "evaluator:ana"


async def test_observe_and_rate_then_see_the_others(eeg_session: Session) -> None:
    play(eeg_session)
    app = console(eeg_session)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, EEGScreen)
        assert eeg_session.journal.read()[-1].type == "evaluator.joined"
        tasks = app.screen.query_one("#eeg-tasks", DataTable)
        assert tasks.row_count == 2  # ana is assigned to OBJ-1: both its tasks
        text = detail(app)
        assert "T-warn (OBJ-1)" in text
        assert "[bold]Raid[/] at Zardaly" in text  # linked evidence, shown literally
        assert "shown once you have rated" in text
        assert "Ben saw it" not in text and "warned, late" not in text  # no anchoring
        # pick an event in the feed, then observe: the event is linked
        await pilot.press("3")
        feed = app.screen.query_one("#feed-table", DataTable)
        assert feed.has_focus
        feed.move_cursor(row=0)  # the release of INJ-001
        picked = int(str(feed.coordinate_to_cell_key(feed.cursor_coordinate)[0].value))
        assert app.events[picked - 1].type == "inject.released"
        await pilot.press("o")
        assert isinstance(app.screen, ObserveDialog)
        assert app.screen.query_one("#events", Input).value == str(picked)
        app.screen.query_one("#kind", Select).value = "improvement"
        app.screen.query_one("#text", Input).value = "Warning reached only Uzbekistan"
        await pilot.press("ctrl+s")
        await pilot.pause()
        last = eeg_session.journal.read()[-1]
        assert last.type == "observation.recorded" and last.actor == ANA
        assert last.payload["tasks"] == ["T-warn"] and last.payload["events"] == [picked]
        # rate: U without a reason is refused in the form
        await pilot.press("1")
        await pilot.press("r")
        assert isinstance(app.screen, RateDialog)
        app.screen.query_one("#rating", Select).value = "U"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "reason" in str(app.screen.query_one("#error", Static).content)
        app.screen.query_one("#rating", Select).value = "M"
        app.screen.query_one("#reason", Input).value = "liaison cell never warned"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EEGScreen)
        assert eeg_session.state.task_ratings[("ana", "T-warn")].rating == "M"
        text = detail(app)
        assert "My rating: M — liaison cell never warned" in text
        assert "ben: S — warned, late" in text and "Ben saw it" in text


def test_eeg_console_snapshot(snap_compare: Any, eeg_session: Session) -> None:
    play(eeg_session)

    async def settle(pilot: Any) -> None:
        await pilot.pause()

    assert snap_compare(console(eeg_session), terminal_size=(120, 32), run_before=settle)


def queued(s: Session) -> None:
    """A move awaiting adjudication and an open request: the queue has two rows."""
    s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike the camp", ("kgz-mod",)))
    s.execute(c.AskRfi("kgz-mod", "kgz-mod", "How many [red]fighters[/]?"))


@pytest.mark.parametrize("tab", ["msel", "feed", "queue"])
def test_eeg_console_tabs_snapshot(snap_compare: Any, eeg_session: Session, tab: str) -> None:
    play(eeg_session)
    queued(eeg_session)
    keys = {"msel": "2", "feed": "3", "queue": "4"}[tab]

    async def settle(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press(keys)
        await pilot.pause()

    assert snap_compare(console(eeg_session), terminal_size=(120, 32), run_before=settle)


def test_eeg_console_russian_snapshot_80x24(snap_compare: Any, eeg_session: Session) -> None:
    play(eeg_session)
    i18n.set_language("ru")

    async def settle(pilot: Any) -> None:
        await pilot.pause()

    assert snap_compare(console(eeg_session), terminal_size=(80, 24), run_before=settle)


async def test_control_panes_are_read_only(eeg_session: Session) -> None:
    """The MSEL, feed and queue are there, with their rows in full on Enter, but none of
    control's keys (release, hold, skip, answer, argue, hot seat, end ...) does anything."""
    play(eeg_session)
    queued(eeg_session)
    app = console(eeg_session)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        joined = eeg_session.state.seq
        for tab in "234":
            await pilot.press(tab, "space", "h", "s", "t", "n", "g", "x", "a", "m", "e", "u")
            await pilot.pause()
            assert isinstance(app.screen, EEGScreen)
        assert eeg_session.state.seq == joined  # nothing recorded
        # MSEL: every inject, the selected one in full beside it
        await pilot.press("2")
        msel = app.screen.query_one("#msel", DataTable)
        assert msel.row_count == len(eeg_session.state.injects)
        shown_inject = app.screen.query_one(MselBoard).selected()
        assert shown_inject and detail(app).startswith(f"{shown_inject} — ")
        # queue: the move awaiting adjudication and the open request, literally
        await pilot.press("4")
        assert app.screen.query_one("#queue-table", DataTable).row_count == 2
        app.screen.query_one("#queue-table", DataTable).move_cursor(row=1)
        await pilot.pause()
        assert "How many [red]fighters[/]?" in detail(app)
        # Enter opens the facilitator's read-only view of the request, with no buttons to act
        await pilot.press("enter")
        await pilot.pause()
        from textual.widgets import Button

        from exercise.tui.dialogs import EventDialog

        assert isinstance(app.screen, EventDialog)
        assert [b.id for b in app.screen.query(Button)] == ["close"]
        await pilot.press("escape")
        # feed: all traffic, but not what another evaluator recorded (no anchoring)
        await pilot.press("3")
        feed = app.screen.query_one("#feed-table", DataTable)
        shown = {str(feed.get_row_at(r)[5]) for r in range(feed.row_count)}
        assert "How many [red]fighters[/]?" in shown and "Strike the camp" in shown
        assert "Ben saw it" not in shown
    assert eeg_session.state.seq == joined


async def test_the_player_lobby_takes_an_evaluators_code_and_opens_only_the_eeg(
    eeg_session: Session,
) -> None:
    """The browser's one way in (``exercise serve`` runs the player console): an
    evaluator's code fixes the console to that evaluator's EEG, which writes only what an
    evaluator may."""
    from textual.widgets._select import InvalidSelectValueError

    from exercise.tui.app import make_app
    from exercise.tui.player import LobbyScreen, PlayerApp

    app = make_app(eeg_session, role="player", follow=False, tick=None, wrong_code_delay=0.01)
    assert isinstance(app, PlayerApp)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        cell = app.screen.query_one("#cell", Select)
        try:
            cell.value = c.evaluator_actor("ben")  # ben has no join code: not offered
        except InvalidSelectValueError:
            pass
        else:
            raise AssertionError("an evaluator without a code is offered in the lobby")
        cell.value = ANA
        app.screen.query_one("#code", Input).value = "WRNG-CODE"
        app.screen.query_one("#code", Input).focus()
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, LobbyScreen)
        last = eeg_session.journal.read()[-1]
        assert last.type == "console.refused" and last.payload["cell"] == ANA
        assert "wrong join code for that evaluator" in str(
            app.screen.query_one("#error", Static).content
        )
        app.screen.query_one("#code", Input).value = "ANA1-CODE"
        app.screen.query_one("#code", Input).focus()
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, EEGScreen)
        assert app.cell is None and app.evaluator == "ana"
        last = eeg_session.journal.read()[-1]
        assert (last.type, last.actor) == ("evaluator.joined", ANA)
        before = eeg_session.state.seq
        await pilot.press("m", "s", "escape")  # a cell's keys do nothing here
        await pilot.pause()
        assert eeg_session.state.seq == before
        await pilot.press("o")
        assert isinstance(app.screen, ObserveDialog)
        app.screen.query_one("#text", Input).value = "Seen from the browser"
        await pilot.press("ctrl+s")
        await pilot.pause()
        last = eeg_session.journal.read()[-1]
        assert (last.type, last.actor) == ("observation.recorded", ANA)


def status_line(app: Any) -> str:
    return str(app.screen.query_one("#status", Static).content)


async def test_f2_switches_the_eeg_to_russian_and_back(eeg_session: Session) -> None:
    """F2 in the evaluator's console: the EEG built anew in the other language (status
    line, tabs, columns, the feed's words), nothing recorded; F2 again: English."""
    play(eeg_session)
    app = console(eeg_session)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert "tasks rated" in status_line(app)
        joined = eeg_session.state.seq
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, EEGScreen)
        assert "оценено" in status_line(app)
        assert "tasks rated" not in status_line(app)
        tasks = app.screen.query_one("#eeg-tasks", DataTable)
        assert next(str(col.label) for col in tasks.columns.values()) == "Задача"
        assert tasks.row_count == 2  # ana's two tasks, drawn again
        await pilot.press("3")  # the feed, drawn again from the start in Russian
        await pilot.pause()
        table = app.screen.query_one("#feed-pane").query(DataTable).first()
        rows = [" ".join(map(str, table.get_row_at(i))) for i in range(table.row_count)]
        assert rows and "вводная" in rows[0]
        assert eeg_session.state.seq == joined  # a language switch records nothing
        await pilot.press("f2")
        await pilot.pause()
        assert "tasks rated" in status_line(app)


def test_eeg_console_after_f2_snapshot_80x24(snap_compare: Any, eeg_session: Session) -> None:
    """The EEG switched to Russian with F2 (80x24): what a Russian-speaking evaluator sees."""
    play(eeg_session)

    async def settle(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()

    assert snap_compare(console(eeg_session), terminal_size=(80, 24), run_before=settle)
