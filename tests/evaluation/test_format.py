"""Critical tasks in the scenario format: loaded, and every reference checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.scenario import ScenarioError, load_scenario
from tests.conftest import Edit


def test_critical_tasks_load(eeg_mini: Path) -> None:
    scn = load_scenario(eeg_mini)
    (objective,) = scn.objectives
    assert [t.id for t in objective.critical_tasks] == ["T-warn", "T-ack"]
    warn = scn.tasks_by_id["T-warn"][1]
    assert (warn.cells, warn.injects, warn.rules) == (
        ("kgz-mod",),
        ("INJ-001",),
        ("warn-neighbours",),
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "cells: [kgz-mod]\n        injects",
            "cells: [kgz-md]\n        injects",
            "unknown cell 'kgz-md'",
        ),
        ("injects: [INJ-001]", "injects: [INJ-009]", "unknown inject 'INJ-009'"),
        ("rules: [ack-injects]", "rules: [ack-inject]", "unknown rule 'ack-inject'"),
        ("id: T-ack", "id: T-warn", "duplicate critical task id 'T-warn'"),
        ("cells: [uzb-mod]", "cells: [uzb-mod, uzb-mod]", "cell 'uzb-mod' listed twice"),
        (
            "        rules: [ack-injects]\n",
            "        rules: [ack-injects]\n        owner: x\n",
            "unknown key 'owner'",
        ),
    ],
)
def test_bad_references_name_file_line_column(
    eeg_mini: Path, edit: Edit, old: str, new: str, message: str
) -> None:
    edit("scenarios/mini.yaml", old, new)
    with pytest.raises(ScenarioError) as info:
        load_scenario(eeg_mini)
    text = str(info.value)
    assert message in text
    assert "mini.yaml:" in text  # file:line:column
    line = next(ln for ln in text.splitlines() if message in ln)
    file, lineno, col = line.split(":")[:3]
    assert file.endswith("mini.yaml") and int(lineno) > 35 and int(col) > 0
