"""The mini scenario with critical tasks (two on OBJ-1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from exercise import joincodes
from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.scenario import load_scenario
from exercise.session import Session
from tests.conftest import Edit, FakeClock

TASKS = """    targets: [Warning issued within 60 minutes]
    critical_tasks:
      - id: T-warn
        text: Kyrgyz MOD warns Uzbekistan and the liaison cell of the raid
        cells: [kgz-mod]
        injects: [INJ-001]
        rules: [warn-neighbours]
      - id: T-ack
        text: Uzbek MOD acknowledges the reports it receives
        cells: [uzb-mod]
        rules: [ack-injects]
"""


@pytest.fixture
def eeg_mini(mini: Path, edit: Edit) -> Path:
    """The mini project with critical tasks; returns the scenario file."""
    edit("scenarios/mini.yaml", "    targets: [Warning issued within 60 minutes]\n", TASKS)
    return mini / "scenarios" / "mini.yaml"


@pytest.fixture
def eeg_session(eeg_mini: Path) -> Iterator[Session]:
    """A started session of the mini scenario with evaluators ana (OBJ-1) and ben (kgz-mod)."""
    scn = load_scenario(eeg_mini)
    session = Session(MemoryJournal(), scn, FakeClock())
    for cmd in (
        c.AddEvaluator(CONTROL, "ana", joincodes.hash_code("ANA1-CODE")),
        c.AddEvaluator(CONTROL, "ben"),
        c.AssignEvaluator(CONTROL, "ana", objectives=("OBJ-1",)),
        c.AssignEvaluator(CONTROL, "ben", cells=("kgz-mod",)),
        c.Start(CONTROL),
    ):
        session.execute(cmd)
    yield session
    session.close()
