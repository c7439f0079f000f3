"""An in-memory session of the mini scenario with a hand-driven clock."""

from __future__ import annotations

import attrs
import pytest

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.model import Scenario
from exercise.scenario import load_scenario
from exercise.session import Session

from ..conftest import FIXTURES

T0 = 1_700_000_000_000_000  # a fixed wall time, microseconds


@attrs.define
class FakeClock:
    now_us: int = T0

    def __call__(self) -> int:
        return self.now_us

    def advance(self, minutes: float = 0, seconds: float = 0) -> None:
        self.now_us += int((minutes * 60 + seconds) * 1_000_000)


@pytest.fixture(scope="session")
def mini_scenario() -> Scenario:
    return load_scenario(FIXTURES / "mini" / "scenarios" / "mini.yaml")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def session(mini_scenario: Scenario, clock: FakeClock) -> Session:
    return Session(MemoryJournal(), mini_scenario, clock)


@pytest.fixture
def started(session: Session) -> Session:
    session.execute(c.Start(CONTROL))
    return session
