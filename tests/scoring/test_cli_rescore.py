"""``exercise score|report SESSION --rules FILE``: the same play under another rubric,
the session untouched; conflicts between points and observations are flagged."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from exercise.session import Session

from .test_cli_scores import MINI, exercise

V2_RULES = """\
version: 2
ratings: {P: 0.8, S: 0.7, M: 0.4}
rules:
  - id: strike-consent
    kind: deconflict
    objective: OBJ-1
    points: 10
    penalty: 5
    cell: uzb-mod
    action: strike
    consult: [liaison]
    consent: [kgz-mod]
  - id: report-strike
    kind: notify
    objective: OBJ-1
    points: 4
    move: strike
    after: adjudication
    cell: uzb-mod
    notify: [kgz-mod, liaison]
    weights: {kgz-mod: 3}
    within: "00:30"
"""


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rescore")
    res = exercise(
        "play", str(MINI / "scenarios" / "mini.yaml"), "--script",
        str(MINI / "scripts" / "rehearsal.yaml"), "--session", "s.db", "-q", cwd=folder,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    (folder / "v2.yaml").write_text(V2_RULES, encoding="utf-8")
    return folder


def test_score_under_another_rules_file(rehearsed: Path) -> None:
    before = (rehearsed / "s.db").read_bytes()
    res = exercise("score", "s.db", "--rules", "v2.yaml", "--awards", cwd=rehearsed)
    assert res.returncode == 0, res.stderr
    digest = hashlib.sha256(V2_RULES.encode()).hexdigest()
    out = res.stdout
    assert f"Re-scored under v2.yaml (sha256 {digest}), not the rules stored in the session" in out
    assert "Rules semantics: version 2" in out
    assert "The rules file lowers the rating thresholds: P 0.8 (default 0.9)" in out
    assert (
        "[strike-consent] events 8: uzb-mod took strike (event 8): liaison not consulted: the "
        "move states no intent and answers no inject, so nothing is linked to it; without "
        "consent from kgz-mod: 0/10, penalty −5"
    ) in out
    # the strike was resolved (event 10): the report is due after that, and never came
    assert (
        "uzb-mod never warned kgz-mod after uzb-mod's strike move (event 8) was adjudicated" in out
    )
    assert (rehearsed / "s.db").read_bytes() == before
    own = exercise("score", "s.db", cwd=rehearsed)
    assert "Re-scored" not in own.stdout
    assert "  OBJ-1          16.0     31.0    52%  M       Warn neighbours" in own.stdout


def test_conflict_between_points_and_observations(rehearsed: Path) -> None:
    out = exercise("score", "s.db", cwd=rehearsed).stdout
    assert "observations: 1 strength, 0 areas for improvement" in out
    assert (
        "CONFLICT: the points rate M but evaluators recorded only a strength (event 14) and "
        "no area for improvement: for the lead evaluator to settle"
    ) in out


def test_report_names_the_rules_file(rehearsed: Path) -> None:
    res = exercise("report", "s.db", "--rules", "v2.yaml", "--format", "json", cwd=rehearsed)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["rules"] == {
        "semantics": 2,
        "thresholds": {"P": 0.8, "S": 0.7, "M": 0.4},
        "lowered": ["P 0.8 (default 0.9)"],
        "file": "v2.yaml",
        "sha256": hashlib.sha256(V2_RULES.encode()).hexdigest(),
    }
    assert {a["rule"] for a in data["awards"]} == {"strike-consent", "report-strike"}
    md = exercise("report", "s.db", "--rules", "v2.yaml", "--format", "md", cwd=rehearsed)
    assert "Re-scored under the rules file v2.yaml (SHA-256 `" in md.stdout
    own = json.loads(exercise("report", "s.db", "--format", "json", cwd=rehearsed).stdout)
    assert own["rules"]["file"] is None
    assert own["objectives"][0]["conflict"].startswith("the points rate M but evaluators")


def test_a_rules_file_that_does_not_fit(rehearsed: Path) -> None:
    (rehearsed / "bad.yaml").write_text(
        V2_RULES.replace("consent: [kgz-mod]", "consent: [uzb-mod]"), encoding="utf-8"
    )
    res = exercise("score", "s.db", "--rules", "bad.yaml", cwd=rehearsed)
    assert res.returncode == 1
    assert "bad.yaml:12:15: uzb-mod is the cell acting: it cannot consent itself" in res.stderr
    assert "Traceback" not in res.stderr
    missing = exercise("report", "s.db", "--rules", "none.yaml", cwd=rehearsed)
    assert missing.returncode == 1
    assert "none.yaml" in missing.stderr and "Traceback" not in missing.stderr


def test_session_is_still_scored_under_its_stored_rules(rehearsed: Path) -> None:
    with Session.open(str(rehearsed / "s.db")) as s:
        assert s.scenario.ruleset.version == 1
