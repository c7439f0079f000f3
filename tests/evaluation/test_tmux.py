"""Three processes in tmux: control, one player and one evaluator who rates a task, which
then shows in the report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from exercise.session import Session
from tests.tui.test_tmux import Terminal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def exercise(*args: str, cwd: Path) -> str:
    return subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", *args],
        capture_output=True, text=True, cwd=cwd, check=True,
    ).stdout  # fmt: skip


def test_control_player_and_evaluator(eeg_mini: Path) -> None:
    folder = eeg_mini.parent.parent
    Session.create(eeg_mini, str(folder / "s.db"), join_codes=True).close()
    exercise("evaluator", "add", "s.db", "ana", "--objective", "OBJ-1", cwd=folder)
    codes = json.loads((folder / "s.db.codes").read_text())
    name = f"exercise-{uuid.uuid4().hex[:8]}"
    run = f"{sys.executable} -m exercise.cli.main"
    subprocess.run(
        ["tmux", "new-session", "-d", "-e", f"EXERCISE_KEY={os.environ['EXERCISE_KEY']}",
         "-s", name, "-x", "200", "-y", "100", "-c", str(folder),
         f"{run} run scenarios/mini.yaml --session s.db; sleep 30"],
        check=True,
    )  # fmt: skip
    try:
        for command in (
            f"{run} join s.db --cell kgz-mod --code {codes['kgz-mod']}; sleep 30",
            f"{run} join s.db --evaluator ana --code {codes['evaluator:ana']}; sleep 30",
        ):
            subprocess.run(
                ["tmux", "split-window", "-v", "-t", name, "-c", str(folder), command], check=True
            )
        subprocess.run(["tmux", "select-layout", "-t", name, "even-vertical"], check=True)
        control, player, evaluator = (Terminal(f"{name}.{i}") for i in range(3))
        control.wait_for("MSEL")
        player.wait_for("0 unread")
        evaluator.wait_for("EEG of ana")
        control.keys("space")
        control.wait_for("RUNNING")
        control.keys("j")
        control.wait_for("Jump game time")
        time.sleep(0.3)
        control.keys("+00:40", literal=True)
        control.keys("Enter")
        player.wait_for("1 unread")
        player.keys("a")
        evaluator.keys("3")  # control's feed, read-only: the player's acknowledgement, live
        evaluator.wait_for("acknowledged inject:INJ-001")
        evaluator.keys("1")  # back to the EEG
        evaluator.wait_for("Critical task")
        evaluator.keys("r")
        evaluator.wait_for("Rate T-warn")
        time.sleep(0.3)
        evaluator.keys("Enter")  # open the rating list: blank, P, S, M, U
        time.sleep(0.3)
        evaluator.keys("Down", "Down", "Down", "Enter")
        evaluator.wait_for("M — performed with major challenges")
        time.sleep(0.5)
        evaluator.keys("Tab")
        time.sleep(0.5)
        evaluator.keys("liaison cell never warned", literal=True)
        evaluator.wait_for("liaison cell never warned")
        evaluator.keys("C-s")
        evaluator.wait_for("1/2 tasks rated")
        report = exercise("report", "s.db", "--format", "md", cwd=folder)
        assert "| T-warn | Kyrgyz MOD warns Uzbekistan and the liaison cell of the raid |" in report
        assert "T-warn, ana (M): liaison cell never warned" in report
        log = exercise("log", "s.db", cwd=folder)
        assert "kgz-mod acknowledged inject:INJ-001" in log
        assert "ana rated task T-warn M" in log
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)
