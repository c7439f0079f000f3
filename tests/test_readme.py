"""The README's quick start: exactly two commands, and CI runs the second unchanged."""

from __future__ import annotations

import re

from .conftest import ROOT


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [ln for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("#")]


def test_two_commands_and_ci_runs_the_second() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "exercise run scenarios/insurgent-incursion.yaml" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[1] in ci


def test_first_command_names_a_shipped_scenario() -> None:
    scenario = quick_start_commands()[0].rsplit(" ", 1)[1]
    assert (ROOT / scenario).is_file()


def test_ci_lints_and_type_checks_before_the_tests() -> None:
    """`.ci/run` (set -e) stops on any ruff, format, mypy or import-contract finding."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.splitlines()[2] == "set -euo pipefail"
    order = [
        ci.index(".venv-test/bin/ruff check src tests bench"),
        ci.index(".venv-test/bin/ruff format --check src tests bench"),
        ci.index(".venv-test/bin/mypy\n"),
        ci.index(".venv-test/bin/lint-imports"),
        ci.index(quick_start_commands()[1]),
    ]
    assert order == sorted(order)
