"""The hot-wash screen: strengths, areas for improvement, the improvement plan and rating
overrides, each recorded as an event."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, SelectionList, Static, TextArea

from exercise.session import Session
from exercise.tui import dialogs
from exercise.tui.hotwash import HotWashScreen

from ..conftest import FakeClock
from .conftest import console
from .test_snapshots import rehearse


async def test_hot_wash_records_everything_as_events(
    memory_session: Session, clock: FakeClock
) -> None:
    rehearse(memory_session, clock)
    app = console(memory_session)
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("w")
        assert isinstance(app.screen, HotWashScreen)
        await pilot.press("s")
        form = app.screen
        assert isinstance(form, dialogs.ObservationDialog)
        assert form.query_one("#objectives", SelectionList).selected == ["OBJ-1"]
        form.query_one("#text", TextArea).text = "Bishkek's warning was fast and complete"
        await pilot.press("ctrl+s")
        last = memory_session.journal.read()[-1]
        assert last.type == "observation.recorded"
        assert last.payload["kind"] == "strength" and last.payload["objectives"] == ["OBJ-1"]
        await pilot.press("i")
        app.screen.query_one("#text", TextArea).text = "Tashkent struck before consulting"
        await pilot.press("ctrl+s")
        assert memory_session.journal.read()[-1].payload["kind"] == "improvement"
        await pilot.press("p")
        form = app.screen
        assert isinstance(form, dialogs.ImprovementDialog)
        form.query_one("#issue", Input).value = "Strikes not deconflicted"
        form.query_one("#action", Input).value = "A strike-notification line Tashkent–Bishkek"
        form.query_one("#cell", Select).value = "uzb-mod"
        form.query_one("#end", Input).value = "next week"
        await pilot.press("ctrl+s")
        assert "a date like" in str(form.query_one("#error").content)
        assert form.focused is form.query_one("#end", Input)
        form.query_one("#end", Input).value = "2004-03-01"
        await pilot.press("ctrl+s")
        item = memory_session.state.improvements["IP-01"]
        assert item.corrective_action == "A strike-notification line Tashkent–Bishkek"
        assert item.objective == "OBJ-1"
        plan = app.screen.query_one("#hw-plan", DataTable)
        assert plan.row_count == 1
        await pilot.press("o")
        form = app.screen
        form.query_one("#rating", Select).value = "S"
        await pilot.press("ctrl+s")
        assert "give the reason" in str(form.query_one("#error").content)
        form.query_one(
            "#reason", Input
        ).value = "Warnings fast, but the strike was not deconflicted"
        await pilot.press("ctrl+s")
        assert memory_session.journal.read()[-1].type == "rating.overridden"
        detail = str(app.screen.query_one("#hw-detail", Static).content)
        assert "Rating S" in detail and "Bishkek's warning was fast and complete" in detail
        await pilot.press("escape")
        assert not isinstance(app.screen, HotWashScreen)
