"""``exercise score`` and ``exercise report --format json`` on a rehearsed session."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import FIXTURES

MINI = FIXTURES / "mini"


def exercise(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scores")
    res = exercise(
        "play", str(MINI / "scenarios" / "mini.yaml"), "--script",
        str(MINI / "scripts" / "rehearsal.yaml"), "--session", "s.db", "-q", cwd=folder,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    return folder


def test_score_tables(rehearsed: Path) -> None:
    res = exercise("score", "s.db", "--awards", cwd=rehearsed)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert out.startswith("Mini border exercise: 20 events, D+1 06:00 (ended); 8 awards, 0 pending")
    assert "  OBJ-1          16.0     31.0    52%  M       Warn neighbours" in out
    assert "  uzb-mod              -3.5     11.5   -30%" in out
    assert "  kgz-mod          uzb-mod              0 min     5.0    5.0  warn-neighbours" in out
    assert (
        "[consult-before-strike] events 6,8: uzb-mod took strike (event 8) without consulting "
        "liaison first: 0/10, penalty −5"
    ) in out


def test_report_json_schema(rehearsed: Path) -> None:
    res = exercise("report", "s.db", "--format", "json", cwd=rehearsed)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert {"scenario", "events", "journal_head", "cells", "pairs", "objectives", "awards"} <= set(
        data
    )
    assert data["scenario"]["id"] == "mini" and data["events"] == 20
    verify = exercise("verify", "s.db", cwd=rehearsed).stdout
    assert data["journal_head"][:16] in verify
    assert data["cells"]["kgz-mod"] == {"points": 18.0, "max_points": 18.0}
    assert data["objectives"] == [
        {
            "id": "OBJ-1",
            "title": "Warn neighbours of a border incursion within one hour",
            "rating": "M",
            "computed_rating": "M",
            "override_reason": "",
            "points": 16.0,
            "max_points": 31.0,
            "share": 0.5161,
            "strengths": 1,
            "improvements": 0,
            "conflict": "the points rate M but evaluators recorded only a strength (event 14) "
            "and no area for improvement: for the lead evaluator to settle",
        }
    ]
    award = data["awards"][0]
    assert set(award) >= {"rule", "cells", "points", "max_points", "events", "explanation"}
    assert sum(a["max_points"] for a in data["awards"] if a["status"] == "final") == 31.0
    out = rehearsed / "r.json"
    assert exercise("report", "s.db", "-o", str(out), cwd=rehearsed).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8")) == data


def test_score_of_a_missing_session(tmp_path: Path) -> None:
    res = exercise("score", "nope.db", cwd=tmp_path)
    assert res.returncode == 1 and res.stderr.startswith("exercise: ")
