"""What the commands print is inert on a terminal, and exact where it is data."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import attrs
import pytest

from exercise.cli.common import InertTerminal, guard_terminals
from exercise.cli.main import main
from exercise.engine import CONTROL, decide
from exercise.engine import commands as c
from exercise.session import Session

from .conftest import FIXTURES

SCENARIO = FIXTURES / "mini" / "scenarios" / "mini.yaml"
HOSTILE = "\x1b]0;PWNED\x07\x1b[2J\u202eTXE\u200b\x9b31m"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b]")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "s.db"
    with Session.create(SCENARIO, str(path)) as session:
        session.execute(c.Start(CONTROL))
        for cmd in (
            c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "x"),
            c.Hold(CONTROL, "INJ-002", "x"),
            c.RefuseJoin("console", "kgz-mod"),
        ):
            keys = ("text", "reason") if isinstance(cmd, c.SendMessage) else ("reason", "cell")
            drafts = [
                attrs.evolve(
                    d, payload={**d.payload, **{k: HOSTILE for k in keys if k in d.payload}}
                )
                for d in decide(session.state, cmd, session.clock())
            ]
            session.journal.append(drafts, expect_head=session.state.seq)
            session.refresh()
    return path


def test_log_lines_are_inert(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["log", str(hostile)]) == 0
    out = capsys.readouterr().out
    assert not RAW.search(out.replace("\n", ""))
    assert "a console was refused as" in out and "]0;PWNED" in out


def test_log_json_is_exact_and_inert(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["log", str(hostile), "--json"]) == 0
    out = capsys.readouterr().out
    assert not RAW.search(out.replace("\n", ""))
    records = [json.loads(line) for line in out.splitlines()]
    assert records[1]["payload"]["text"] == HOSTILE  # the exact text, escaped as JSON


def test_score_and_report_json(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(hostile), "--awards"]) == 0
    assert main(["report", str(hostile), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert not RAW.search(out.replace("\n", ""))


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_csv_and_markdown_to_a_terminal_are_inert(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tty = _Tty()
    monkeypatch.setattr("sys.stdout", tty)
    for fmt in ("csv", "md"):
        assert main(["report", str(hostile), "--format", fmt]) == 0
    assert "]0;PWNED" in tty.getvalue()
    assert not RAW.search(tty.getvalue().replace("\n", "").replace("\r", ""))


def test_csv_to_a_pipe_keeps_the_exact_text(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(hostile), "--format", "csv"]) == 0
    assert HOSTILE in capsys.readouterr().out


def test_errors_quoting_a_file_name_are_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["log", str(tmp_path / "no\x1b]0;PWNED\x07.db")]) == 1
    err = capsys.readouterr().err
    assert "there is no session" in err and not RAW.search(err.replace("\n", ""))


def test_guard_wraps_only_terminals(monkeypatch: pytest.MonkeyPatch) -> None:
    tty, pipe = _Tty(), io.StringIO()
    monkeypatch.setattr("sys.stdout", tty)
    monkeypatch.setattr("sys.stderr", pipe)
    guard_terminals()
    import sys

    assert isinstance(sys.stdout, InertTerminal) and sys.stderr is pipe
    print("a\x1b[2Jb\r\n")
    assert tty.getvalue() == "a[2Jb\n\n"
