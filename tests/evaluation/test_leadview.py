"""The lead evaluator's view in the hot wash: ratings side by side, disagreements marked,
agreement figures, and the final rating recorded as an event."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input, Select, Static

from exercise import i18n
from exercise.engine import commands as c
from exercise.session import Session
from exercise.tui import dialogs
from exercise.tui.leadview import LeadScreen
from tests.tui.conftest import console


def rated(s: Session) -> Session:
    ana, ben = c.evaluator_actor("ana"), c.evaluator_actor("ben")
    s.execute(c.RateTask(ana, "T-warn", "M", "warned only one neighbour"))
    s.execute(c.RateTask(ben, "T-warn", "S"))
    s.execute(c.RateTask(ana, "T-ack", "P"))
    s.execute(c.Observe(ben, "Warning within the hour", "strength", tasks=("T-warn",)))
    return s


async def test_lead_view_and_final_rating(eeg_session: Session) -> None:
    app = console(rated(eeg_session))
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("w", "v")
        assert isinstance(app.screen, LeadScreen)
        tasks = app.screen.query_one("#lead-tasks", DataTable)
        assert tasks.row_count == 2
        first = [str(x) for x in tasks.get_row_at(0)]
        assert first == ["T-warn", "-", "M", "S", "disagree"]
        assert [str(x) for x in tasks.get_row_at(1)] == ["T-ack", "-", "P", "-", ""]
        text = str(app.screen.query_one("#lead-detail", Static).content)
        assert "ana M — warned only one neighbour" in text
        assert "ben (strength) Warning within the hour" in text
        assert "ana / ben: 1 task, exact 0%, adjacent 100%" in text
        await pilot.press("f")
        assert isinstance(app.screen, dialogs.OverrideDialog)
        app.screen.query_one("#rating", Select).value = "M"
        app.screen.query_one("#reason", Input).value = "the liaison cell was never warned"
        await pilot.press("ctrl+s")
        await pilot.pause()
        last = eeg_session.journal.read()[-1]
        assert last.type == "rating.overridden" and last.actor == "control"
        assert last.payload == {
            "objective": "OBJ-1",
            "rating": "M",
            "reason": "the liaison cell was never warned",
        }
        assert isinstance(app.screen, LeadScreen)
        assert "final M set by control" in str(app.screen.query_one("#lead-detail", Static).content)


def test_lead_view_snapshot(snap_compare: Any, eeg_session: Session) -> None:
    async def open_view(pilot: Any) -> None:
        await pilot.press("w", "v")
        await pilot.pause()

    app = console(rated(eeg_session))
    assert snap_compare(app, terminal_size=(120, 32), run_before=open_view)


async def test_lead_view_in_russian(eeg_session: Session) -> None:
    i18n.set_language("ru")
    app = console(rated(eeg_session))
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("w", "v")
        assert isinstance(app.screen, LeadScreen)
        status = str(app.screen.query_one("#status", Static).content)
        assert status.startswith("Ведущий оценщик — ")
        tasks = app.screen.query_one("#lead-tasks", DataTable)
        assert [str(x) for x in tasks.get_row_at(0)][-1] == "расхождение"
        assert [str(c.label) for c in tasks.columns.values()][:2] == ["Задача", "Расчётная"]
        text = str(app.screen.query_one("#lead-detail", Static).content)
        assert "ben (сильная сторона) Warning within the hour" in text
        assert "Согласованность оценок" in text
        # a real plural, and the shares and kappa in Russian number style (Babel)
        line = "ana / ben: 1 задача, точное совпадение 0\u00a0%, смежное 100\u00a0%, каппа 0,00"
        assert line in text
        footer = {b.description for _k, b, *_ in app.screen.active_bindings.values()}
        assert {"Итоговая оценка", "Назад"} <= footer
