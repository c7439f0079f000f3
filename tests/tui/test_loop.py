"""The play loop from the consoles: requests answered, moves argued and ruled, rulings
pushed to the mover; and the keys, detail panes, forms and help that carry it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import (
    Checkbox,
    DataTable,
    Input,
    Label,
    Markdown,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TextArea,
)

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.session import Session
from exercise.tui import dialogs
from exercise.tui.app import FacilitatorApp
from exercise.tui.player import MessageComposer, RfiComposer

from ..conftest import FakeClock
from .conftest import SCENARIO_PATH, console
from .test_player import player


@pytest.fixture
def started(tmp_path: Path, clock: FakeClock) -> tuple[Session, dict[str, str]]:
    import json

    path = str(tmp_path / "s.db")
    session = Session.create(SCENARIO_PATH, path, clock, join_codes=True)
    session.execute(c.Start(CONTROL))
    clock.advance(minutes=8)
    session.execute(c.ReleaseDue(CONTROL))
    return session, json.loads(Path(path + ".codes").read_text())


def last(session: Session) -> Any:
    return session.journal.read()[-1]


def notices(app: Any) -> list[str]:
    return [f"{n.title}|{n.message}" for n in app._notifications]


def markdown_text(widget: Markdown) -> str:
    return widget.source


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_control_answers_requests_privately_and_publicly(started: Any) -> None:
    session, codes = started
    kgz = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    control = console(session)
    async with kgz.run_test(size=(120, 40)) as kp, control.run_test(size=(160, 48)) as cp:
        await kp.pause()
        await kp.press("question_mark")
        kgz.screen.query_one("#text", TextArea).text = "How many hostages?"
        await kp.press("ctrl+s")
        asked = last(session)
        assert asked.type == "rfi.asked" and asked.actor == "kgz-mod"
        session.execute(c.AskRfi("uzb-mod", "uzb-mod", "Where is the second group?"))
        control.sync()
        await cp.press("3")
        queue = control.screen.query_one("#queue-table", DataTable)
        assert f"request:{asked.seq}" in [str(k.value) for k in queue.rows]
        queue.move_cursor(row=queue.get_row_index(f"request:{asked.seq}"))
        await cp.press("enter")
        form = control.screen
        assert isinstance(form, dialogs.AnswerDialog)
        form.query_one("#text", TextArea).text = "Seven, all civilians."
        await cp.press("ctrl+s")
        answer = last(session)
        assert answer.type == "rfi.answered" and answer.payload["rfi"] == asked.seq
        assert answer.payload["public"] is False
        # the other request, answered for everyone from the feed
        await cp.press("1")
        feed = control.screen.query_one("#feed-table", DataTable)
        feed.move_cursor(row=feed.get_row_index(str(asked.seq + 1)))
        await cp.press("n")
        form = control.screen
        assert isinstance(form, dialogs.AnswerDialog)
        form.query_one("#text", TextArea).text = "Near Termez."
        form.query_one("#public", Checkbox).value = True
        await cp.press("ctrl+s")
        assert last(session).payload["public"] is True
        await cp.pause()
        assert any("answered" in n for n in notices(control))
        # the asking player is told, and sees the answer in the log's detail pane
        kgz.sync()
        await kp.pause()
        assert any(n.startswith(f"Answer to request {asked.seq}|Seven") for n in notices(kgz))
        await kp.press("2")
        log = kgz.screen.query_one("#log-table", DataTable)
        assert str(log.get_row(f"request:{asked.seq}")[4]) == "answered"
        log.move_cursor(row=log.get_row_index(f"request:{asked.seq}"))
        await kp.pause()
        assert "Seven, all civilians\\." in kgz.screen.query_one("#log-detail", Markdown).source


async def test_arguments_from_both_consoles_and_the_ruling_reaches_the_mover(
    started: Any,
) -> None:
    session, codes = started
    uzb = player(session, cell="uzb-mod", code=codes["uzb-mod"])
    kgz = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    control = console(session)
    async with (
        uzb.run_test(size=(120, 40)) as up,
        kgz.run_test(size=(120, 40)) as kp,
        control.run_test(size=(120, 40)) as cp,
    ):
        await up.press("m")
        form = uzb.screen
        form.query_one("#kind", Select).value = "strike"
        form.query_one("#to", SelectionList).select("kgz-mod")
        form.query_one("#text", TextArea).text = "Strike the camp above the village"
        await up.press("ctrl+s")
        move = last(session)
        assert move.type == "move.submitted"
        await up.pause()
        assert "|Move sent to exercise control" in notices(uzb)
        # the other cell argues against it from its inbox
        kgz.sync()
        await kp.pause()
        inbox = kgz.screen.query_one("#inbox-table", DataTable)
        inbox.move_cursor(row=inbox.get_row_index(f"move:{move.seq}"))
        await kp.press("g")
        form = kgz.screen
        assert isinstance(form, dialogs.ArgueDialog)
        form.query_one("#stance", Select).value = "against"
        form.query_one("#strong", Checkbox).value = True
        form.query_one("#text", TextArea).text = "The camp is on disputed ground"
        await kp.press("ctrl+s")
        argued = last(session)
        assert argued.type == "move.argued" and argued.actor == "kgz-mod"
        assert argued.payload["stance"] == "against" and argued.payload["strong"] is True
        # control enters an argument for the liaison cell, from the queue
        control.sync()
        await cp.press("3")
        queue = control.screen.query_one("#queue-table", DataTable)
        assert str(queue.get_row(f"move:{move.seq}")[4]) == "0/1"
        await cp.press("g")
        form = control.screen
        assert isinstance(form, dialogs.ArgueDialog)
        form.query_one("#cell", Select).value = "liaison"
        form.query_one("#stance", Select).value = "for"
        form.query_one("#text", TextArea).text = "The raiders use it as a base"
        await cp.press("ctrl+s")
        entered = last(session)
        assert entered.actor == CONTROL and entered.payload["cell"] == "liaison"
        assert entered.payload["on_behalf"] is True
        assert str(queue.get_row(f"move:{move.seq}")[4]) == "1/1"
        # the adjudication dialog lists both arguments with their strength
        queue.focus()
        await cp.press("enter")
        dialog = control.screen
        assert isinstance(dialog, dialogs.AdjudicationDialog)
        lines = [str(s.content) for s in dialog.query(".argument").results(Static)]
        assert lines == [
            "against (strong) — kgz-mod: The camp is on disputed ground",
            "for (weak) — liaison: The raiders use it as a base",
        ]
        await cp.click("#roll")
        ruling = last(session)
        assert ruling.type == "move.adjudicated" and ruling.payload["method"] == "matrix"
        m = ruling.payload["matrix"]
        shown = str(dialog.query_one("#roll-result", Static).content)
        d1, d2 = m["dice"]
        assert shown.startswith(f"2d6 = {d1} + {d2}, arguments -1, modifier +0: total {m['total']}")
        await cp.click("#close")
        # the mover is told, and its log shows outcome, roll and text
        uzb.sync()
        await up.pause()
        outcome = ruling.payload["outcome"]
        assert any(n.startswith(f"Ruling|Move {move.seq} {outcome}") for n in notices(uzb))
        await up.press("2")
        log = uzb.screen.query_one("#log-table", DataTable)
        assert str(log.get_row(f"move:{move.seq}")[4]) == outcome
        await up.pause()
        detail = uzb.screen.query_one("#log-detail", Markdown).source
        assert f"Ruling: {outcome}" in detail and f"2d6 = {d1} + {d2}" in detail


async def test_keys_1_to_4_switch_tabs_wherever_the_focus_is(started: Any) -> None:
    session, codes = started
    control = console(session)
    async with control.run_test(size=(160, 48)) as pilot:
        tabs = control.screen.query_one("#tabs", TabbedContent)
        await pilot.press("4")
        control.screen.query_one("#awards-table", DataTable).focus()
        for key, tab in (("1", "feed"), ("2", "cells"), ("3", "queue"), ("4", "scores")):
            await pilot.press(key)
            await pilot.pause(0.1)
            assert tabs.active == tab
    app = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    async with app.run_test(size=(120, 40)) as pilot:
        tabs = app.screen.query_one("#tabs", TabbedContent)
        app.screen.query_one("#detail-pane").focus()
        for key, tab in (("2", "log"), ("3", "briefing"), ("4", "deadlines"), ("1", "inbox")):
            await pilot.press(key)
            await pilot.pause(0.1)
            assert tabs.active == tab


async def test_enter_on_a_feed_row_shows_the_whole_text(started: Any) -> None:
    session, _ = started
    text = "Line one of a long report.\n" + "word " * 80 + "**not bold** [bold]x[/]"
    session.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), text, "Report"))
    control = console(session)
    async with control.run_test(size=(160, 48)) as pilot:
        feed = control.screen.query_one("#feed-table", DataTable)
        feed.focus()
        feed.move_cursor(row=feed.row_count - 1)
        await pilot.press("enter")
        dialog = control.screen
        assert isinstance(dialog, dialogs.EventDialog)
        await pilot.pause()
        source = dialog.query_one("#event-text", Markdown).source
        assert "\\*\\*not bold\\*\\* \\[bold\\]x\\[/\\]" in source  # shown as typed
        assert source.count("word") == 80


async def test_help_lists_every_key_of_the_screen(started: Any) -> None:
    session, codes = started
    control = console(session)
    async with control.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        help_screen = control.screen
        assert isinstance(help_screen, dialogs.HelpScreen)
        table = help_screen.query_one("#keys", DataTable)
        rows = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert {"End", "Quit", "Hot wash", "Answer", "Argue", "Messages", "Scores"} <= rows
        await pilot.press("escape")
        assert not isinstance(control.screen, dialogs.HelpScreen)
    app = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        table = app.screen.query_one("#keys", DataTable)
        rows = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert {"Reply", "Argue", "Ask control", "Acknowledge", "Quit"} <= rows


async def test_messages_as_an_originator_of_the_scenario(started: Any) -> None:
    session, codes = started
    control = console(session)
    async with control.run_test(size=(120, 40)) as pilot:
        await pilot.press("x")
        form = control.screen
        assert isinstance(form, dialogs.AddInjectDialog) and form.as_originator
        form.query_one("#from-pick", Select).value = "Batken border post"
        form.query_one("#to", SelectionList).select("kgz-mod")
        form.query_one("#title", Input).value = "Shots heard at the post"
        form.query_one("#body", TextArea).text = "Heavy fire from the ridge."
        await pilot.press("ctrl+s")
        added, released = session.journal.read()[-2:]
        assert added.type == "inject.added" and added.payload["from"] == "Batken border post"
        assert released.type == "inject.released" and released.payload["to"] == ["kgz-mod"]
    app = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        inbox = app.screen.query_one("#inbox-table", DataTable)
        row = inbox.get_row(f"inject:{added.payload['inject']}")
        assert str(row[2]) == "Batken border post"


async def test_a_new_inject_rings_and_notifies_the_player(started: Any) -> None:
    session, codes = started
    app = player(session, cell="liaison", code=codes["liaison"])
    async with app.run_test(size=(120, 40)) as pilot:
        rang: list[bool] = []
        app.bell = lambda: rang.append(True)  # type: ignore[method-assign]
        session.execute(c.Release(CONTROL, "INJ-004"))
        app.sync()
        await pilot.pause()
        assert rang and any(n.startswith("New inject INJ-004|") for n in notices(app))


async def test_retiming_into_the_past_asks_first(started: Any, clock: FakeClock) -> None:
    session, _ = started
    clock.advance(minutes=60)
    control = console(session)
    async with control.run_test(size=(120, 40)) as pilot:
        table = control.screen.query_one("#msel", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("INJ-002"))
        await pilot.press("t", *"+00:10", "enter")
        assert isinstance(control.screen, dialogs.ConfirmDialog)
        await pilot.press("escape")
        assert last(session).type != "inject.retimed"
        assert "choose a later time" in str(control.screen.query_one("#error", Label).content)
        await pilot.press("enter", "y")
        assert last(session).type == "inject.retimed"
        await pilot.pause()
        assert any("INJ-002 retimed" in n for n in notices(control))


async def test_presence_and_failed_joins(started: Any) -> None:
    session, codes = started
    session.join("kgz-mod", codes["kgz-mod"])
    session.join("uzb-mod", "WRNG-CODE")
    control = console(session)
    async with control.run_test(size=(160, 48)) as pilot:
        feed = control.screen.query_one("#feed-table", DataTable)
        kinds = [str(feed.get_row_at(i)[3]) for i in range(feed.row_count)]
        assert "joined" in kinds and "join refused" in kinds
        await pilot.press("2")
        cells = control.screen.query_one("#cells-table", DataTable)
        assert str(cells.get_row("kgz-mod")[1]).startswith("●")
        assert str(cells.get_row("uzb-mod")[1]) == "○ not joined !1"
        lines = str(control.screen.query_one("#join-lines", Static).content)
        address = session.journal.address
        assert f"exercise join {address} --cell kgz-mod --code {codes['kgz-mod']}" in lines


async def test_scores_numbers_first_and_the_cursor_stays_on_its_award(
    started: Any, clock: FakeClock
) -> None:
    session, _ = started
    control = console(session)
    async with control.run_test(size=(160, 48)) as pilot:
        session.execute(
            c.SubmitMove("kgz-mod", "kgz-mod", "warn", "Warning", ("uzb-mod", "liaison"))
        )
        control.sync()
        await settle(pilot)
        await pilot.press("4")
        awards = control.screen.query_one("#awards-table", DataTable)
        assert awards.row_count >= 2
        for i in range(awards.row_count):
            assert re.fullmatch(r"-?\d+(\.\d{1,2})?/\d+(\.\d{1,2})?", str(awards.get_row_at(i)[0]))
        awards.focus()
        awards.move_cursor(row=1)
        chosen = awards.coordinate_to_cell_key(awards.cursor_coordinate)[0].value
        session.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "Received"))
        clock.advance(minutes=5)
        control.sync()
        await settle(pilot)
        assert awards.coordinate_to_cell_key(awards.cursor_coordinate)[0].value == chosen
        await pilot.press("enter")
        assert isinstance(control.screen, dialogs.AwardDialog)
        from exercise.tui.facilitator import award_key

        assert award_key(control.screen.award) == chosen


async def test_hold_and_skip_confirm_with_a_notification(started: Any) -> None:
    session, _ = started
    control = console(session)
    async with control.run_test(size=(120, 40)) as pilot:
        table = control.screen.query_one("#msel", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("INJ-002"))
        await pilot.press("h", "enter")
        await pilot.pause()
        assert "|INJ-002 held" in notices(control)
        await pilot.press("s", "enter")
        await pilot.pause()
        assert "|INJ-002 skipped" in notices(control)


async def test_the_msel_follows_the_next_due_inject_at_80x24(
    started: Any, clock: FakeClock
) -> None:
    session, _ = started
    control = console(session)
    async with control.run_test(size=(80, 24)) as pilot:
        table = control.screen.query_one("#msel", DataTable)

        def at() -> str:
            return str(table.coordinate_to_cell_key(table.cursor_coordinate)[0].value)

        assert at() == "INJ-002"  # INJ-001 went out; INJ-002 is next
        session.execute(c.Release(CONTROL, "INJ-002"))
        control.sync()
        await pilot.pause()
        assert str(table.get_row("INJ-002")[3]) == "released"
        assert isinstance(control, FacilitatorApp)
        assert table.size.height >= 8  # more than a handful of rows at 80x24


async def test_reply_to_a_message_and_to_an_inject(started: Any) -> None:
    session, codes = started
    message = session.execute(
        c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "Jets ready", "Status")
    )[0]
    app = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = app.screen.query_one("#inbox-table", DataTable)
        inbox.focus()
        inbox.move_cursor(row=inbox.get_row_index(f"message:{message.seq}"))
        await pilot.press("r")
        form = app.screen
        assert isinstance(form, MessageComposer)
        assert form.query_one("#to", SelectionList).selected == ["uzb-mod"]
        assert form.query_one("#subject", Input).value == "Re: Status"
        assert form.focused is form.query_one("#text", TextArea)  # straight to the text
        await pilot.press(*"Thanks")
        await pilot.press("ctrl+s")
        sent = last(session)
        assert sent.type == "message.sent" and sent.payload["to"] == ["uzb-mod"]
        assert sent.payload["subject"] == "Re: Status" and sent.payload["text"] == "Thanks"
        inbox.move_cursor(row=inbox.get_row_index("inject:INJ-001"))
        await pilot.press("r")  # to an inject: a request to control about it
        form = app.screen
        assert isinstance(form, RfiComposer)
        assert form.query_one("#about", Select).value == "INJ-001"


async def test_intent_consultation_answer_and_consent_from_player_consoles(started: Any) -> None:
    session, codes = started
    uzb = player(session, cell="uzb-mod", code=codes["uzb-mod"])
    async with uzb.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        form = uzb.screen
        assert isinstance(form, dialogs.CoordinationDialog)
        form.query_one("#kind", Select).value = "strike"
        form.query_one("#target", Input).value = "the camp"
        form.query_one("#to", SelectionList).select("kgz-mod")
        form.query_one("#text", TextArea).text = "We intend to strike the camp"
        await pilot.press("ctrl+s")
        intent = last(session)
        assert intent.actor == "uzb-mod" and intent.data.kind == "strike"
        await pilot.press("k")
        form = uzb.screen
        form.query_one("#to", SelectionList).select("kgz-mod")
        form.query_one("#intent", Select).value = str(intent.seq)
        form.query_one("#text", TextArea).text = "Do you object?"
        await pilot.press("ctrl+s")
        consult = last(session)
        assert consult.data.intent == intent.seq and consult.data.to == ("kgz-mod",)
    kgz = player(session, cell="kgz-mod", code=codes["kgz-mod"])
    async with kgz.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        form = kgz.screen
        form.query_one("#consultation", Select).value = str(consult.seq)
        form.query_one("#text", TextArea).text = "Only with a warning first"
        await pilot.press("ctrl+s")
        assert last(session).data.consultation == consult.seq
        await pilot.press("y")
        form = kgz.screen
        form.query_one("#decision", Select).value = "refuse"
        form.query_one("#whose", Select).value = "uzb-mod"
        form.query_one("#intent", Select).value = str(intent.seq)
        await pilot.press("ctrl+s")
        refused = last(session)
        assert refused.actor == "kgz-mod" and refused.data.to == ("uzb-mod",)
        assert type(refused.data).__name__ == "ConsentRefused"
