"""Browser play: `exercise serve` in headless Chromium — pick a cell, enter its code,
submit a move, and find it in the journal.

Runs when Debian's chromium and the playwright package are present (CI installs them);
skipped, saying so, otherwise."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.session import Session

from .conftest import SCENARIO_PATH

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Chromium is not installed: browser test skipped"
    ),
    pytest.mark.slow,
]
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, int, dict[str, str]]]:
    path = str(tmp_path / "s.db")
    with Session.create(SCENARIO_PATH, path, join_codes=True) as s:
        s.execute(c.Start(CONTROL))
    codes = json.loads(Path(path + ".codes").read_text())
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "exercise.cli.main", "serve", path, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield path, port, codes
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def try_event(path: str, kind: str, timeout: float) -> dict[str, object] | None:
    """The last event of ``kind`` in the journal, waiting up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session.open(path) as s:
            found = [e for e in s.journal.read() if e.type == kind]
        if found:
            return {"actor": found[-1].actor, **found[-1].payload}
        time.sleep(0.2)
    return None


def _keys(page: Any, *keys: str, pause: float = 0.25) -> None:
    for key in keys:
        page.keyboard.press(key)
        time.sleep(pause)


def test_browser_player_joins_and_submits_a_move(served: tuple[str, int, dict[str, str]]) -> None:
    """Keys go to the browser terminal in order, but a busy machine may draw a new screen
    after the next keys arrive; each stage is therefore checked in the journal and, if it
    did not take, retried from a known screen."""
    path, port, codes = served
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        try:
            page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
            page.wait_for_function("document.body.classList.contains('-first-byte')", timeout=30000)
            time.sleep(1.5)
            page.focus("textarea.xterm-helper-textarea")  # the terminal takes the keyboard
            time.sleep(0.3)
            joined: dict[str, object] | None = None
            for _ in range(3):  # the lobby: open the cell list, pick uzb-mod, enter its code
                _keys(page, "Enter", "ArrowDown", "ArrowDown", "Enter", "Tab", pause=0.4)
                page.keyboard.type(codes["uzb-mod"], delay=40)
                _keys(page, "Enter")
                joined = try_event(path, "console.joined", 15)
                if joined is not None:
                    break
                _keys(page, "Escape", "Escape", "Home", pause=0.4)
            assert joined == {"actor": "uzb-mod", "cell": "uzb-mod"}
            move: dict[str, object] | None = None
            for _ in range(3):  # the move composer: action, addressee, text
                time.sleep(1.0)
                _keys(page, "m", pause=1.5)
                _keys(
                    page,
                    "Enter",
                    "ArrowDown",
                    "Enter",
                    "Tab",
                    "ArrowDown",
                    "Space",
                    "Tab",
                    "Tab",
                    pause=0.4,
                )
                time.sleep(0.5)
                page.keyboard.type("Closing the Sokh road, informing Bishkek", delay=25)
                time.sleep(0.5)
                _keys(page, "Control+s")
                move = try_event(path, "move.submitted", 15)
                if move is not None:
                    break
                _keys(page, "Escape", "Escape", pause=0.5)  # back to the console, try again
            if move is None:
                page.screenshot(path=str(Path(path).with_suffix(".png")))
            assert move is not None, "no move.submitted in the journal"
            assert move["actor"] == "uzb-mod" and move["cell"] == "uzb-mod"
            # (a keystroke typed as the focus moves can be lost by the browser terminal)
            assert "the Sokh road, informing Bishkek" in str(move["text"])
            assert move["kind"] == "warn" and move["to"] == ["kgz-mod"]
        finally:
            browser.close()


def test_an_evaluators_code_in_the_browser_lobby_opens_only_the_eeg(tmp_path: Path) -> None:
    """`exercise serve` on a session with an evaluator: the lobby lists the evaluator; its
    code opens the EEG (evaluator.joined), never a cell's console."""
    from exercise import joincodes

    path = str(tmp_path / "s.db")
    with Session.create(SCENARIO_PATH, path, join_codes=True) as s:
        s.execute(c.AddEvaluator(CONTROL, "ana", joincodes.hash_code("ANA1-CODE")))
        s.execute(c.Start(CONTROL))
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "exercise.cli.main", "serve", path, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            try:
                page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
                page.wait_for_function(
                    "document.body.classList.contains('-first-byte')", timeout=30000
                )
                time.sleep(1.5)
                page.focus("textarea.xterm-helper-textarea")
                time.sleep(0.3)
                joined: dict[str, object] | None = None
                for _ in range(3):  # the evaluator is the last entry of the list
                    _keys(page, "Enter", "End", "Enter", "Tab", pause=0.4)
                    page.keyboard.type("ANA1-CODE", delay=40)
                    _keys(page, "Enter")
                    joined = try_event(path, "evaluator.joined", 15)
                    if joined is not None:
                        break
                    _keys(page, "Escape", "Escape", "Home", pause=0.4)
                assert joined is not None and joined["actor"] == "evaluator:ana"
            finally:
                browser.close()
        assert try_event(path, "console.joined", 0.1) is None  # no cell's console
    finally:
        proc.terminate()
        proc.wait(timeout=10)
