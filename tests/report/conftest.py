"""Sessions to report on: the shipped rehearsals, and a mini session full of hostile text.

Sessions are made once per test run (``exercise play`` in this process, which is much
faster than a subprocess) and every test reads them; tests that change a session copy it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from exercise.cli.main import main
from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.session import Session

from ..conftest import FIXTURES, ROOT

SHIPPED = ("insurgent-incursion", "georgia-crisis", "narcotics-seminar")
MINI = FIXTURES / "mini"

SCRIPT = "<script>alert(1)</script>"
MARKUP = "[@click=app.quit]x[/]"
MARKDOWN = "**x** | y | `z` # not a heading\n- not a list\n\n1. nor this"
HOSTILE_MESSAGE = f'{SCRIPT} {MARKUP} "quoted", comma & <b>bold</b>'

HOSTILE_SCRIPT = f"""
steps:
  - start
  - advance: "00:30"
  - ack: {{cell: kgz-mod, inject: INJ-001}}
  - move:
      cell: kgz-mod
      kind: warn
      to: [uzb-mod]
      answers: INJ-001
      text: {json.dumps(MARKUP)}
  - message:
      cell: uzb-mod
      to: [kgz-mod]
      text: {json.dumps(HOSTILE_MESSAGE)}
      subject: "<img src=x onerror=alert(1)>"
      label: m1
  - ack: {{cell: kgz-mod, message: m1}}
  - move: {{cell: uzb-mod, kind: strike, text: "=HYPERLINK(\\"http://x\\")", label: strike}}
  - argue: {{cell: kgz-mod, move: strike, stance: against, strong: true, text: "{SCRIPT}"}}
  - resolve: {{move: strike, seed: 7, text: "</td></tr></table>{SCRIPT}"}}
  - rfi: {{cell: kgz-mod, text: "[link](javascript:alert(1))", label: q1}}
  - answer: {{rfi: q1, text: "![img](http://example.com/x.png)", public: true}}
  - observe:
      kind: strength
      text: {json.dumps(MARKDOWN)}
      cells: [kgz-mod]
      objectives: [OBJ-1]
  - observe:
      kind: improvement
      text: "| a | b |\\n|---|---|\\n| {SCRIPT} | {MARKUP} |"
      objectives: [OBJ-1]
  - observe: {{kind: improvement, text: "Not linked: &amp; &lt;script&gt;"}}
  - advance: "01:30"
  - end: {{reason: "{SCRIPT}"}}
"""


def play(scenario: Path, script: Path, session: Path) -> None:
    code = main(["play", str(scenario), "--script", str(script), "--session", str(session), "-q"])
    assert code == 0


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each shipped scenario rehearsed from STARTEX to ENDEX: name -> session file."""
    folder = tmp_path_factory.mktemp("shipped")
    out = {}
    for name in SHIPPED:
        path = folder / f"{name}.db"
        play(ROOT / "scenarios" / f"{name}.yaml", ROOT / "rehearsals" / f"{name}.yaml", path)
        out[name] = path
    return out


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mini session whose players and facilitator wrote hostile text everywhere, with a
    hot-wash rating override and an improvement plan (one item removed)."""
    folder = tmp_path_factory.mktemp("hostile")
    script = folder / "hostile.yaml"
    script.write_text(HOSTILE_SCRIPT, encoding="utf-8")
    path = folder / "hostile.db"
    play(MINI / "scenarios" / "mini.yaml", script, path)
    with Session.open(str(path)) as s:
        s.execute(c.OverrideRating(CONTROL, "OBJ-1", "S", f"hot wash: {SCRIPT} {MARKUP}"))
        s.execute(
            c.PlanImprovement(
                CONTROL,
                issue=f"Pipes | and {MARKUP}",
                corrective_action=MARKDOWN,
                capability="Planning <i>",
                cell="uzb-mod",
                start="2003-11-01",
                end="2004-01-31",
                objective="OBJ-1",
            )
        )
        s.execute(c.PlanImprovement(CONTROL, issue="Dropped later", cell="kgz-mod"))
        s.execute(c.PlanImprovement(CONTROL, issue="x", item="IP-02", remove=True))
    return path


Copy = Callable[[Path], Path]


@pytest.fixture
def copy(tmp_path: Path) -> Copy:
    """``copy(session)``: a private copy of a session file in this test's folder."""

    def do(path: Path) -> Path:
        dest = tmp_path / path.name
        shutil.copyfile(path, dest)
        return dest

    return do
