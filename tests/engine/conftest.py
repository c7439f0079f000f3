"""An in-memory session of the mini scenario with a hand-driven clock."""

from __future__ import annotations

import pytest

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.model import Scenario
from exercise.session import Session

from ..conftest import FakeClock

__all__ = ["FakeClock"]


@pytest.fixture
def session(mini_scenario: Scenario, clock: FakeClock) -> Session:
    return Session(MemoryJournal(), mini_scenario, clock)


@pytest.fixture
def started(session: Session) -> Session:
    session.execute(c.Start(CONTROL))
    return session
