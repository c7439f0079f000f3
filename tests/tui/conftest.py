"""A facilitator console on the mini scenario: in-memory or SQLite, frozen clock."""

from __future__ import annotations

from pathlib import Path

import pytest

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
