"""Pilot tests of the seminar features: a player answers a discussion question from the
Discussion tab; control opens the next module and notes the discussion."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from textual.widgets import Checkbox, DataTable, Static, TextArea

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.dialogs import ModuleDialog, ModuleNoteDialog
from exercise.tui.player import AnswerComposer, PlayerApp, PlayerScreen

from ..conftest import ROOT, FakeClock
from .conftest import console

SEMINAR = ROOT / "scenarios" / "narcotics-seminar.yaml"


def _session(tmp_path: Path, clock: FakeClock) -> tuple[Session, dict[str, str]]:
    path = str(tmp_path / "s.db")
    session = Session.create(SEMINAR, path, clock, join_codes=True)
    session.execute(c.Start(CONTROL))
    return session, json.loads(Path(path + ".codes").read_text())


async def test_a_player_answers_and_shares_a_question(tmp_path: Path, clock: FakeClock) -> None:
    session, codes = _session(tmp_path, clock)
    app = make_app(
        session, role="player", cell="rus-bg", code=codes["rus-bg"], follow=False, tick=None
    )
    assert isinstance(app, PlayerApp)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        await pilot.press("5")
        table = app.screen.query_one("#questions-table", DataTable)
        assert table.row_count == 3  # the three questions of M1, the open module
        await pilot.press("down", "d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AnswerComposer) and dialog.question.ref == "M1/2"
        dialog.query_one("#text", TextArea).text = "Positions and times we share."
        dialog.query_one("#shared", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        last = session.journal.read()[-1]
        assert last.type == "question.answered" and last.actor == "rus-bg"
        assert last.payload == {
            "cell": "rus-bg", "module": "M1", "question": 2,
            "text": "Positions and times we share.", "shared": True,
        }  # fmt: skip
        assert isinstance(app.screen, PlayerScreen)


async def test_control_opens_the_next_module_and_notes_it(tmp_path: Path, clock: FakeClock) -> None:
    session, _ = _session(tmp_path, clock)
    session.execute(c.AnswerQuestion("tjk-dca", "tjk-dca", "M1", 1, "Border guards first"))
    app = console(session)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ModuleDialog)
        assert dialog.module is not None and dialog.module.id == "M1"
        shown = " ".join(str(s.content) for s in dialog.query(Static))
        assert "tjk-dca: Border guards first" in shown
        await pilot.press("n")
        await pilot.pause()
        assert session.journal.read()[-1].type == "module.opened"
        payload = session.journal.read()[-1].payload
        m2 = session.scenario.modules[1]
        assert payload["module"] == "M2" == m2.id
        assert payload["words"][0]["questions"] == list(m2.questions)
        await pilot.press("d")
        await pilot.pause()
        second = app.screen
        assert isinstance(second, ModuleDialog)
        assert second.module is not None and second.module.id == "M2"
        await pilot.press("o")
        await pilot.pause()
        note = app.screen
        assert isinstance(note, ModuleNoteDialog)
        note.query_one("#text", TextArea).text = "Consent in order along the route."
        await pilot.press("ctrl+s")
        await pilot.pause()
        last = session.journal.read()[-1]
        assert last.type == "module.noted"
        assert last.payload == {"module": "M2", "text": "Consent in order along the route."}


async def test_the_console_records_a_module_whose_start_time_came(
    tmp_path: Path, clock: FakeClock
) -> None:
    """While the facilitator console runs, a module that opens by its start time gets its
    ``module.opened``, with the module's words (what a cell's PostgreSQL role reads), one
    module a tick and once only; a module still to come is left alone."""
    session, _codes = _session(tmp_path, clock)
    app = console(session)
    async with app.run_test(size=(140, 40)) as pilot:

        def opened() -> list[Mapping[str, Any]]:
            return [e.payload for e in session.journal.read() if e.type == "module.opened"]

        app.tick()
        app.tick()
        await pilot.pause()
        m1, m2 = session.scenario.modules[:2]
        (first,) = opened()
        assert first["module"] == m1.id
        words = first["words"]
        assert isinstance(words, list) and words[0] == {
            "language": "en", "title": m1.title, "summary": m1.summary,
            "questions": list(m1.questions),
        }  # fmt: skip
        clock.advance(minutes=m2.start.total_seconds() / 60 + 1)
        app.tick()
        await pilot.pause()
        assert [p["module"] for p in opened()] == [m1.id, m2.id]
