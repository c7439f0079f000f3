"""The facilitator console driven as a person would: in tmux, with keys, reading the screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import SCENARIO_PATH

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    def __init__(self, name: str) -> None:
        self.name = name

    def keys(self, *keys: str, literal: bool = False) -> None:
        cmd = ["tmux", "send-keys", "-t", self.name]
        if literal:
            cmd.append("-l")
        subprocess.run([*cmd, *keys], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-t", self.name, "-p"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def wait_for(self, text: str, timeout: float = 45) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    name = f"exercise-{uuid.uuid4().hex[:8]}"
    command = (
        f"{sys.executable} -m exercise.cli.main run {SCENARIO_PATH} --session s.db; "
        "echo EXITED $?; sleep 30"
    )
    subprocess.run(
        [
            "tmux",
            "new-session",
            "-d",
            "-e",  # control's key: the test's own (a tmux server may outlive the test)
            f"EXERCISE_KEY={os.environ['EXERCISE_KEY']}",
            "-s",
            name,
            "-x",
            "100",
            "-y",
            "30",
            "-c",
            str(tmp_path),
            command,
        ],
        check=True,
    )
    try:
        yield Terminal(name)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)


def test_run_start_jump_observe_quit(terminal: Terminal, tmp_path: Path) -> None:
    screen = terminal.wait_for("MSEL")
    assert "not started" in screen and "INJ-001" in screen
    terminal.keys("space")
    terminal.wait_for("RUNNING ×4")
    terminal.keys("j")
    terminal.wait_for("Jump game time")
    time.sleep(0.3)
    terminal.keys("+00:40", literal=True)
    terminal.keys("Enter")
    screen = terminal.wait_for("released")  # the next tick releases INJ-001 (due at +00:30)
    assert "D+0 06:4" in screen
    terminal.keys("o")
    terminal.wait_for("What did you observe?")
    time.sleep(0.3)
    terminal.keys("[b]Warning came late[/b]", literal=True)
    terminal.keys("C-s")  # submit the form
    time.sleep(0.5)
    terminal.keys("q")
    terminal.wait_for("EXITED 0")
    log = subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", "log", "s.db"],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    ).stdout  # fmt: skip
    assert "clock.started" in log and "clock.jumped" in log
    assert "INJ-001 released to kgz-mod (scheduled)" in log
    assert "observation (note): '[b]Warning came late[/b]'" in log


def test_facilitator_pane_and_player_pane(tmp_path: Path) -> None:
    import json

    from exercise.session import Session

    path = tmp_path / "s.db"
    Session.create(SCENARIO_PATH, str(path), join_codes=True).close()
    code = json.loads((tmp_path / "s.db.codes").read_text())["kgz-mod"]
    name = f"exercise-{uuid.uuid4().hex[:8]}"
    run = f"{sys.executable} -m exercise.cli.main"
    subprocess.run(
        ["tmux", "new-session", "-d", "-e", f"EXERCISE_KEY={os.environ['EXERCISE_KEY']}",
         "-s", name, "-x", "200", "-y", "40", "-c", str(tmp_path),
         f"{run} run {SCENARIO_PATH} --session s.db; sleep 30"],
        check=True,
    )  # fmt: skip
    try:
        subprocess.run(
            ["tmux", "split-window", "-h", "-t", name, "-c", str(tmp_path),
             f"{run} join s.db --cell kgz-mod; sleep 30"],
            check=True,
        )  # fmt: skip
        control, player = Terminal(f"{name}.0"), Terminal(f"{name}.1")
        control.wait_for("MSEL")
        player.wait_for("Join code")
        time.sleep(0.3)
        player.keys(code, literal=True)
        player.keys("Enter")
        player.wait_for("0 unread")
        control.keys("space")
        control.wait_for("RUNNING")
        control.keys("j")
        control.wait_for("Jump game time")
        time.sleep(0.3)
        control.keys("+00:40", literal=True)
        control.keys("Enter")
        player.wait_for("1 unread")  # INJ-001 reached the Kyrgyz console
        screen = player.wait_for("Batken border post")  # the detail pane, drawn after the row
        assert "Armed group crosses" in screen
        player.keys("a")
        control.keys("1")
        control.wait_for("acknowledged in")  # the feed's text column is narrow in a half pane
        log = subprocess.run(
            [sys.executable, "-m", "exercise.cli.main", "log", "s.db"],
            capture_output=True, text=True, cwd=tmp_path, check=True,
        ).stdout  # fmt: skip
        assert "kgz-mod acknowledged inject:INJ-001" in log
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)


def _pane(name: str, cwd: Path, command: str, size: tuple[int, int] = (120, 40)) -> Terminal:
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]),
         "-c", str(cwd), f"{command}; sleep 30"],
        check=True,
    )  # fmt: skip
    subprocess.run(
        ["tmux", "resize-window", "-t", name, "-x", str(size[0]), "-y", str(size[1])], check=False
    )
    return Terminal(name)


def _choose(term: Terminal, downs: int) -> None:
    """Pick the ``downs``-th option of the focused Select (after its blank prompt)."""
    term.keys("Enter")
    time.sleep(0.3)
    for _ in range(downs):
        term.keys("Down")
    term.keys("Enter")
    time.sleep(0.3)


def test_the_play_loop_across_three_processes(tmp_path: Path) -> None:
    """A player asks, control answers, the player sees the answer; a player moves,
    another cell argues, control resolves, the mover sees the ruling."""
    import json

    from exercise.session import Session

    path = tmp_path / "s.db"
    Session.create(SCENARIO_PATH, str(path), join_codes=True).close()
    codes = json.loads((tmp_path / "s.db.codes").read_text())
    tag = uuid.uuid4().hex[:8]
    run = f"{sys.executable} -m exercise.cli.main"
    names = [f"control-{tag}", f"kgz-{tag}", f"uzb-{tag}"]
    try:
        control = _pane(names[0], tmp_path, f"{run} run {SCENARIO_PATH} --session s.db")
        control.wait_for("INJ-001")
        control.keys("Space")
        control.wait_for("RUNNING")
        kgz = _pane(names[1], tmp_path, f"{run} join s.db --cell kgz-mod --code {codes['kgz-mod']}")
        uzb = _pane(names[2], tmp_path, f"{run} join s.db --cell uzb-mod --code {codes['uzb-mod']}")
        kgz.wait_for("unread")
        uzb.wait_for("unread")
        # a player asks; control answers from the queue; the player sees the answer
        kgz.keys("?")
        kgz.wait_for("Your question")
        time.sleep(0.3)
        kgz.keys("How many hostages?", literal=True)
        kgz.keys("C-s")
        kgz.wait_for("Request sent", timeout=20)
        control.keys("3")
        control.wait_for("How many hostages?")
        control.keys("n")
        control.wait_for("Answer request")
        time.sleep(0.3)
        control.keys("Seven civilians", literal=True)
        control.keys("C-s")
        control.wait_for("answered")
        kgz.wait_for("Seven civilians")  # the notification
        # a player moves; another cell argues; control resolves; the mover sees it
        uzb.keys("m")
        uzb.wait_for("New move")
        time.sleep(0.3)
        _choose(uzb, 2)  # strike
        for keys in (("Tab",), ("Down",), ("Space",), ("Tab",), ("Tab",)):
            uzb.keys(*keys)  # to the picker, tick kgz-mod (after White), on to the text
            time.sleep(0.3)
        uzb.keys("Strike the camp above the village", literal=True)
        uzb.keys("C-s")
        uzb.wait_for("Move sent")
        kgz.wait_for("strike")
        kgz.keys("g")
        kgz.wait_for("Argue move")
        time.sleep(0.3)
        _choose(kgz, 2)  # against
        for keys in (("Tab",), ("Space",), ("Tab",)):
            kgz.keys(*keys)  # strong; then the text
            time.sleep(0.3)
        kgz.keys("Disputed ground", literal=True)
        kgz.keys("C-s")
        kgz.wait_for("Argument on move")
        control.wait_for("0/1")
        control.keys("Enter")
        control.wait_for("against (strong)")
        time.sleep(0.3)
        control.keys("Two huts burn", literal=True)
        time.sleep(0.3)
        control.keys("Tab")
        time.sleep(0.3)
        control.keys("Enter")  # Accept
        control.wait_for("accepted")
        screen = uzb.wait_for("Ruling")
        assert "accepted" in screen
        log = subprocess.run(
            [sys.executable, "-m", "exercise.cli.main", "log", "s.db"],
            capture_output=True, text=True, cwd=tmp_path, check=True,
        ).stdout  # fmt: skip
        assert "rfi.answered" in log or "answer" in log
        assert "move.argued" in log or "argue" in log
    finally:
        for name in names:
            subprocess.run(["tmux", "kill-session", "-t", name], check=False)
