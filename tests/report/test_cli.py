"""``exercise report``: formats to stdout and to files, running sessions, bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exercise.cli.main import main
from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.session import Session

from ..conftest import FIXTURES
from .conftest import Copy


def report(*args: str) -> int:
    return main(["report", *args])


def test_markdown_to_stdout_notes_the_missing_charts(
    hostile: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert report(str(hostile), "--format", "md") == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "**EXERCISE EXERCISE EXERCISE**\n\n# After-Action Report / Improvement Plan: Mini border"
    )
    assert out.rstrip().endswith("**EXERCISE EXERCISE EXERCISE**")
    assert out.count("*Chart not included: charts are written as PNG files") == 4
    assert list(tmp_path.iterdir()) == [], "nothing written beside"


def test_csv_to_stdout_is_the_events_only(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report(str(hostile), "--format", "csv") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert rows[0][:3] == ["seq", "type", "actor"] and len(rows) == 1 + 20


def test_html_and_json_to_stdout(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report(str(hostile), "--format", "html") == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
    assert report(str(hostile)) == 0  # json is the default
    assert json.loads(capsys.readouterr().out)["events"] == 20


def test_csv_files(hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report(str(hostile), "--format", "csv", "-o", str(tmp_path / "out.csv")) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out-scores.csv", "out.csv"]
    err = capsys.readouterr().err
    assert f"wrote {tmp_path / 'out.csv'}" in err and "out-scores.csv" in err


def test_a_running_exercise(copy: Copy, tmp_path: Path) -> None:
    """A session still running is reported as of its game time; open windows pending."""
    path = tmp_path / "live.db"
    with Session.create(FIXTURES / "mini" / "scenarios" / "mini.yaml", str(path)) as s:
        s.execute(c.Start(CONTROL))
        s.execute(c.Release(CONTROL, "INJ-001"))
    out = tmp_path / "live.json"
    assert report(str(path), "-o", str(out)) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["ended"] is False and data["overview"]["status"] == "running"
    assert any(a["status"] == "pending" for a in data["awards"])
    assert report(str(path), "--format", "html", "-o", str(tmp_path / "live.html")) == 0
    assert "Exercise still running" in (tmp_path / "live.html").read_text(encoding="utf-8")


def test_a_session_not_started(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Session.create(FIXTURES / "mini" / "scenarios" / "mini.yaml", str(path)).close()
    for fmt in ("json", "md", "html", "csv"):
        assert report(str(path), "--format", fmt, "-o", str(tmp_path / f"r.{fmt}")) == 0
    assert "has not started" in (tmp_path / "r.html").read_text(encoding="utf-8")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", "report", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (None, "there is no session at s.db"),
        (b"", "s.db is an empty file, not a session"),
        (b"\x00garbage" * 100, "s.db is not a session file"),
    ],
    ids=["missing", "empty", "garbage"],
)
def test_bad_sessions(tmp_path: Path, setup: bytes | None, message: str) -> None:
    if setup is not None:
        (tmp_path / "s.db").write_bytes(setup)
    res = run("s.db", "--format", "html", "-o", "r.html", cwd=tmp_path)
    assert res.returncode == 1
    assert res.stderr.startswith(f"exercise: {message}"), res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert not (tmp_path / "r.html").exists()


def test_a_damaged_session(hostile: Path, copy: Copy, tmp_path: Path) -> None:
    path = copy(hostile)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    res = run(path.name, "--format", "md", cwd=tmp_path)
    assert res.returncode == 1 and res.stderr.startswith("exercise: ")
    assert "Traceback" not in res.stderr


def test_refuses_to_write_where_it_cannot(
    hostile: Path, copy: Copy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = copy(hostile)
    before = session.read_bytes()
    cases = [
        (str(tmp_path / "nowhere" / "r.html"), "there is no folder"),
        (str(tmp_path), "it is a folder"),
        (str(session), "it is the session itself"),
    ]
    for target, message in cases:
        assert report(str(session), "--format", "html", "-o", target) == 1
        err = capsys.readouterr().err
        assert err.startswith("exercise: cannot write") and message in err, err
    assert session.read_bytes() == before
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        assert report(str(session), "--format", "md", "-o", str(locked / "r.md")) == 1
        assert "cannot write" in capsys.readouterr().err
        assert list(locked.iterdir()) == []


def test_md_chart_names_must_be_writable_too(
    hostile: Path, copy: Copy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A chart file whose name is taken by a folder stops the run before anything is written."""
    session = copy(hostile)
    (tmp_path / "r-network.png").mkdir()
    assert report(str(session), "--format", "md", "-o", str(tmp_path / "r.md")) == 1
    assert "r-network.png: it is a folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.db", "r-network.png"]


def test_no_temporary_files_are_left(hostile: Path, tmp_path: Path) -> None:
    for fmt in ("json", "md", "html", "csv"):
        assert report(str(hostile), "--format", fmt, "-o", str(tmp_path / f"r.{fmt}")) == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
