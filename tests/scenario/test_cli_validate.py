"""``exercise validate`` as a user runs it: exit codes, output, no tracebacks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from exercise.cli.main import main

from ..conftest import ROOT


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def test_valid_scenario_prints_one_summary_line(mini: Path) -> None:
    res = run("validate", "scenarios/mini.yaml", cwd=mini)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == [
        "ok scenarios/mini.yaml: mini: 4 cells, 4 injects, 1 objectives, 6 rules "
        "(1 acknowledge, 1 deconflict, 1 joint, 1 network, 1 notify, 1 respond)"
    ]
    assert res.stderr == ""


def test_project_folder_finds_its_scenarios(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "."]) == 0
    assert capsys.readouterr().out.startswith("ok scenarios/mini.yaml:")


def test_problems_exit_1_without_traceback(mini: Path, edit) -> None:
    edit("injects/mini.yaml", "        action: warn", "        action: wrn")
    edit("scenarios/mini.yaml", "clock_ratio: 4", "clock_ratio: fast")
    res = run("validate", "scenarios/mini.yaml", cwd=mini)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    lines = res.stderr.splitlines()
    assert "injects/mini.yaml:12:17: unknown move kind 'wrn' (hint: did you mean 'warn'?)" in lines
    assert "scenarios/mini.yaml:10:14: expected a number, got the text 'fast'" in lines
    assert lines[-1] == "scenarios/mini.yaml: 2 problems"


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    res = run("validate", "nope.yaml", "empty", cwd=tmp_path)
    assert res.returncode == 1
    assert res.stderr.splitlines() == [
        "nope.yaml:1:1: no such file or folder (hint: check the path)",
        "empty:1:1: folder holds no scenario files (*.yaml) "
        "(hint: pass a scenario file or the scenarios/ folder)",
    ]


def test_bad_usage_exits_2() -> None:
    res = run("validate")
    assert res.returncode == 2
    assert "usage:" in res.stderr


def test_shipped_scenarios_validate() -> None:
    res = run("validate", "scenarios", cwd=ROOT)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    names = sorted(line.split(":")[0] for line in lines if not line.startswith("  note: "))
    assert names == [
        "ok scenarios/georgia-crisis.yaml",
        "ok scenarios/insurgent-incursion.yaml",
        "ok scenarios/narcotics-seminar.yaml",
    ]


def test_lowered_thresholds_are_noted(mini: Path, edit) -> None:
    edit(
        "rules/mini.yaml", "ratings: {P: 0.9, S: 0.7, M: 0.4}", "ratings: {P: 0.85, S: 0.7, M: 0.4}"
    )
    res = run("validate", "scenarios/mini.yaml", cwd=mini)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[1] == (
        "  note: the rules lower the rating thresholds: P 0.85 (default 0.9)"
    )


def test_problems_in_russian_at_the_same_places(mini: Path, edit) -> None:
    """``--lang ru``: the same problems at the same file:line:column, each message and hint
    in Russian (ids and values quoted from the file stay as written)."""
    edit("injects/mini.yaml", "        action: warn", "        action: wrn")
    edit("scenarios/mini.yaml", "clock_ratio: 4", "clock_ratio: fast")
    edit("scenarios/mini.yaml", "clock_ratio: fast", "clock_ratio: fast\nbogus_key: 1")
    english = run("validate", "scenarios/mini.yaml", cwd=mini).stderr.splitlines()
    res = run("validate", "--lang", "ru", "scenarios/mini.yaml", cwd=mini)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    russian = res.stderr.splitlines()
    assert len(russian) == len(english) >= 4

    def where(line: str) -> str:
        return ":".join(line.split(":")[:3])

    assert [where(x) for x in russian[:-1]] == [where(x) for x in english[:-1]]
    assert (
        "injects/mini.yaml:12:17: неизвестное значение (вид хода) 'wrn' "
        "(подсказка: возможно, имелось в виду 'warn'?)"
    ) in russian
    assert "scenarios/mini.yaml:10:14: ожидалось число, получено: текст 'fast'" in russian
    assert russian[-1] == "scenarios/mini.yaml: 3 ошибки"
    for line in russian:
        message = line.split(": ", 1)[1].split(": ", 1)[0]  # before any list of valid keys
        assert re.search("[а-яё]", message), line
        assert not re.search(r"\b(?:unknown|expected|hint|problems?)\b", line), line
