"""A facilitator console on the mini scenario: in-memory or SQLite, frozen clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.model import Scenario
from exercise.session import Session
from exercise.tui.app import FacilitatorApp, make_app

from ..conftest import FIXTURES, FakeClock

SCENARIO_PATH = FIXTURES / "mini" / "scenarios" / "mini.yaml"


def console(session: Session, **kwargs: object) -> FacilitatorApp:
    app = make_app(session, follow=False, tick=None, seed=lambda: 42, **kwargs)  # type: ignore[arg-type]
    assert isinstance(app, FacilitatorApp)
    return app


@pytest.fixture
def memory_session(mini_scenario: Scenario, clock: FakeClock) -> Session:
    return Session(MemoryJournal(), mini_scenario, clock)


@pytest.fixture
def file_session(tmp_path: Path, clock: FakeClock) -> Session:
    return Session.create(SCENARIO_PATH, str(tmp_path / "s.db"), clock)


@pytest.fixture
def coded(tmp_path: Path, clock: FakeClock) -> tuple[Session, dict[str, str]]:
    """A started session on the mini scenario with join codes: (session, codes by cell)."""
    path = str(tmp_path / "s.db")
    session = Session.create(SCENARIO_PATH, path, clock, join_codes=True)
    codes = json.loads(Path(path + ".codes").read_text())
    session.execute(c.Start(CONTROL))
    return session, codes
