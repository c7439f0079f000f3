"""Hostile text in a real terminal (tmux): the facilitator console and ``exercise log`` on
a session whose journal holds escape sequences leave the terminal as it was: no new
window title, no cleared screen, no red banner."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import attrs
import pytest

from exercise.engine import CONTROL, decide
from exercise.engine import commands as c
from exercise.session import Session

from .conftest import SCENARIO_PATH
from .test_tmux import Terminal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

BANNER = "\x1b[2J\x1b[41;97mEXERCISE CONTROL: STRIKE APPROVED\x1b[0m"
OSC = "\x1b]2;PWNED-TITLE\x07"


def _hostile(path: Path) -> None:
    with Session.create(SCENARIO_PATH, str(path)) as session:
        session.execute(c.Start(CONTROL))
        for cmd, text in (
            (c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "x"), OSC + BANNER),
            (c.SubmitMove("uzb-mod", "uzb-mod", "strike", "x", ("kgz-mod",)), "a\u202eTXE" + OSC),
        ):
            drafts = decide(session.state, cmd, session.clock())
            drafts[0] = attrs.evolve(drafts[0], payload={**drafts[0].payload, "text": text})
            session.journal.append(drafts, expect_head=session.state.seq)
            session.refresh()


def _pane_title(name: str) -> str:
    return subprocess.run(
        ["tmux", "display-message", "-p", "-t", name, "#{pane_title}"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def _with_escapes(name: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-e", "-p", "-t", name],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


@pytest.mark.parametrize(
    "command",
    [f"run {SCENARIO_PATH} --session s.db", "log s.db"],
    ids=["console", "log"],
)
def test_hostile_journal_leaves_the_terminal_alone(tmp_path: Path, command: str) -> None:
    _hostile(tmp_path / "s.db")
    name = f"exercise-{uuid.uuid4().hex[:8]}"
    shell = (
        f"echo BEFORE; {sys.executable} -m exercise.cli.main {command}; echo EXITED $?; sleep 30"
    )
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "200", "-y", "40", "-c", str(tmp_path),
         shell],
        check=True,
    )  # fmt: skip
    try:
        subprocess.run(["tmux", "select-pane", "-t", name, "-T", "untouched"], check=True)
        term = Terminal(name)
        if command.startswith("run"):
            # the message is in the feed, as text
            term.wait_for("]2;PWNED-TI")
            time.sleep(1.0)  # a few ticks of redrawing
            colored = _with_escapes(name)
            term.keys("q")
            term.wait_for("EXITED 0")
        else:
            screen = term.wait_for("EXITED 0")
            colored = _with_escapes(name)
            assert "BEFORE" in screen  # nothing cleared the screen
        assert _pane_title(name) == "untouched"
        banner = [ln for ln in colored.splitlines() if "PWNED" in ln]
        red = re.compile(r"\x1b\[(?:[0-9;]*;)?41[;m]")
        assert banner and not any(red.search(ln) for ln in banner), banner
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)
