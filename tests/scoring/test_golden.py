"""Golden tests: the shipped rehearsals give the scores documented in docs/scoring.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT

#: events, awards and each objective's (points, max points, rating)
GOLDEN: dict[str, tuple[int, int, dict[str, tuple[float, float, str]]]] = {
    "insurgent-incursion": (
        295, 84,
        {"OBJ-1": (44.96, 50, "S"), "OBJ-2": (31.96, 40, "S"), "OBJ-3": (4, 90, "U"),
         "OBJ-4": (40, 45, "S"), "OBJ-5": (70, 80, "S")},
    ),
    "georgia-crisis": (
        254, 67,
        {"OBJ-1": (49.48, 52.22, "P"), "OBJ-2": (-10, 85, "U"), "OBJ-3": (42, 47, "S"),
         "OBJ-4": (25, 35, "S"), "OBJ-5": (36.67, 40, "P"), "OBJ-6": (30, 30, "P"),
         "OBJ-7": (10, 15, "M")},
    ),
    "narcotics-seminar": (
        89, 49,
        {"OBJ-1": (17.44, 22, "S"), "OBJ-2": (30.33, 35, "S"), "OBJ-3": (33.75, 35, "P")},
    ),
}  # fmt: skip


def exercise(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_rehearsal_scores(name: str, tmp_path: Path) -> None:
    res = exercise(
        "play", str(ROOT / "scenarios" / f"{name}.yaml"), "--script",
        str(ROOT / "rehearsals" / f"{name}.yaml"), "--session", "s.db", "-q", cwd=tmp_path,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    report = exercise("report", "s.db", "--format", "json", cwd=tmp_path)
    data = json.loads(report.stdout)
    events, awards, objectives = GOLDEN[name]
    assert data["events"] == events
    assert len(data["awards"]) == awards
    got = {o["id"]: (o["points"], o["max_points"], o["rating"]) for o in data["objectives"]}
    assert got == objectives
    assert all(a["explanation"] for a in data["awards"])
    assert exercise("verify", "s.db", cwd=tmp_path).returncode == 0
    # Every area for improvement an evaluator recorded in the rehearsal shows in its
    # objective's rating: the points do not rate it P.
    improved = {o["id"]: o["rating"] for o in data["objectives"] if o["improvements"]}
    assert improved, "the rehearsal records no area for improvement"
    assert not [o for o, rating in improved.items() if rating == "P"], improved


def test_the_documented_table_is_the_golden_one() -> None:
    """docs/scoring.md's table of the shipped rehearsals' scores says what GOLDEN holds."""
    text = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    for name, (events, awards, objectives) in GOLDEN.items():
        figures = ", ".join(
            f"{o} {points:g}/{maximum:g} ({rating})"
            for o, (points, maximum, rating) in objectives.items()
        )
        row = f"| {name} | {events} | {awards} | {figures} |"
        assert row in text, row
