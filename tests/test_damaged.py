"""A damaged event (intact hash chain, payload that does not fit its type) is named with
its number by log, verify, report and the facilitator's feed, never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from exercise.cli.main import main
from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.journal import NewEvent
from exercise.session import Session

from .conftest import FIXTURES, FakeClock
from .tui.conftest import console

PROBLEM = "event 2 is damaged: required field missing at 'inject'"


@pytest.fixture
def damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A session whose event 2 is an ``inject.released`` without its inject."""
    monkeypatch.chdir(tmp_path)
    scenario = FIXTURES / "mini" / "scenarios" / "mini.yaml"
    with Session.create(scenario, "s.db", FakeClock()) as session:
        session.execute(c.Start(CONTROL))
        bad = NewEvent("inject.released", CONTROL, session.state.last_wall_us, 0, {"to": ["x"]})
        session.journal.append([bad])
        session.execute(c.Release(CONTROL, "INJ-001"))
    return "s.db"


def test_log_names_the_damaged_event_and_goes_on(
    damaged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["log", damaged]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[1].endswith(PROBLEM)
    assert "INJ-001 released" in lines[2]


def test_verify_fails_naming_the_damaged_event(
    damaged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", damaged]) == 1
    err = capsys.readouterr().err
    assert err == f"{damaged}: {PROBLEM} (the hash chain is intact)\n"


def test_report_refuses_naming_the_damaged_event(
    damaged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("md", "json", "csv"):
        assert main(["report", "--format", fmt, damaged]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"exercise: cannot report on {damaged}: {PROBLEM}")
        assert err.count("\n") == 1


def test_scores_skip_the_damaged_event(damaged: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", damaged]) == 0
    assert "Traceback" not in capsys.readouterr().err


async def test_the_facilitator_feed_shows_the_damaged_event(damaged: str) -> None:
    with Session.open(damaged) as session:
        assert session.state.seq == 3
        app = console(session)
        async with app.run_test(size=(140, 40)):
            feed = app.screen.query_one("#feed-table", DataTable)
            row = feed.get_row("2")
            assert row[3].plain == "damaged"
            assert row[5].plain == PROBLEM
            assert app.is_running
