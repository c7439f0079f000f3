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


def wait_for_event(path: str, kind: str, timeout: float = 20) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session.open(path) as s:
            found = [e for e in s.journal.read() if e.type == kind]
        if found:
            return {"actor": found[-1].actor, **found[-1].payload}
        time.sleep(0.2)
    raise AssertionError(f"no {kind} event in the journal")


def test_browser_player_joins_and_submits_a_move(served: tuple[str, int, dict[str, str]]) -> None:
    path, port, codes = served
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
            page.wait_for_function("document.body.classList.contains('-first-byte')", timeout=20000)
            time.sleep(1.0)
            page.focus("textarea.xterm-helper-textarea")  # the terminal takes the keyboard
            time.sleep(0.3)
            kb = page.keyboard
            # the lobby: focus starts on the cell list; open it and pick uzb-mod
            kb.press("Enter")
            time.sleep(0.3)
            for _ in range(2):  # (blank), kgz-mod, uzb-mod
                kb.press("ArrowDown")
                time.sleep(0.1)
            kb.press("Enter")
            time.sleep(0.3)
            kb.press("Tab")
            time.sleep(0.3)
            kb.type(codes["uzb-mod"], delay=30)
            kb.press("Enter")
            try:
                joined = wait_for_event(path, "console.joined")
            except AssertionError:
                page.screenshot(path=str(Path(path).with_suffix(".png")))
                raise
            assert joined == {"actor": "uzb-mod", "cell": "uzb-mod"}
            time.sleep(0.5)
            kb.press("m")  # the move composer: action, addressees, answers, text
            time.sleep(0.8)
            kb.press("Enter")
            time.sleep(0.3)
            kb.press("ArrowDown")  # first action in the vocabulary
            kb.press("Enter")
            time.sleep(0.3)
            kb.press("Tab")
            kb.press("ArrowDown")  # white, kgz-mod, liaison: the Kyrgyz ministry
            kb.press("Space")
            kb.press("Tab")
            kb.press("Tab")
            time.sleep(0.5)
            kb.type("Closing the Sokh road, informing Bishkek", delay=20)
            time.sleep(0.3)
            kb.press("Control+s")
            move = wait_for_event(path, "move.submitted")
            assert move["actor"] == "uzb-mod" and move["cell"] == "uzb-mod"
            # (a keystroke typed as the focus moves can be lost by the browser terminal)
            assert "the Sokh road, informing Bishkek" in str(move["text"])
            assert move["kind"] == "warn" and move["to"] == ["kgz-mod"]
        finally:
            browser.close()
