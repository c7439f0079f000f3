"""Session files edited by hand, damaged, or written onto a full disk: each command says
what and where in one line, exits non-zero, and never shows an internal error."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from exercise.cli.main import main
from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.session import Session

from ..conftest import FIXTURES, FakeClock

READERS = (["log"], ["score"], ["report", "--format", "md"], ["verify"])


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    scenario = FIXTURES / "mini" / "scenarios" / "mini.yaml"
    with Session.create(scenario, "s.db", FakeClock()) as s:
        s.execute(c.Start(CONTROL))
        s.execute(c.Release(CONTROL, "INJ-001"))
    return "s.db"


def edit(path: str, sql: str) -> None:
    """Change a stored event as a hand with an SQLite shell would (triggers dropped)."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute(sql)
    conn.close()


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert code == 1, err
    assert "internal error" not in err and "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if not ln.startswith("exercise: WARNING: ")]
    assert len(lines) == 1, err  # the broken chain's warning, then one line
    return lines[0]


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE events SET game_ms = 'abc' WHERE seq = 2", "its game_ms is str 'abc', not int"),
        (
            "UPDATE events SET game_ms = -99999999999999 WHERE seq = 2",
            "its game time -99999999999999 is out of range",
        ),
        (
            "UPDATE events SET wall_us = 9223372036854775807 WHERE seq = 2",
            "its wall time 9223372036854775807 is out of range",
        ),
        ("UPDATE events SET actor = x'41' WHERE seq = 2", "its actor is bytes b'A', not str"),
        (
            "UPDATE events SET payload = '" + "[" * 50_000 + "]" * 50_000 + "' WHERE seq = 2",
            "its payload is not valid JSON",
        ),
    ],
    ids=["game-ms-text", "game-ms-huge", "wall-us-huge", "actor-blob", "payload-deep"],
)
def test_hand_edited_columns_are_named_by_every_reader(
    session: str, capsys: pytest.CaptureFixture[str], sql: str, problem: str
) -> None:
    edit(session, sql)
    for argv in READERS:
        err = one_line_error(capsys, *argv, session)
        assert f"event 2 of {session}: {problem} (it was edited or damaged)" in err, (argv, err)
    assert one_line_error(capsys, "verify", session).startswith(
        f"{session}: chain broken at event 2"
    )


def test_damaged_pages_are_one_line_with_what_to_do(
    session: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = Path(session).read_bytes()
    page = 4096
    assert len(data) >= 4 * page
    Path(session).write_bytes(data[: 2 * page] + b"\xa5" * page + data[3 * page :])
    for argv in READERS:
        err = one_line_error(capsys, *argv, session)
        assert err.startswith(f"exercise: {session} is damaged (truncated or corrupt): ")
        assert err.endswith("; restore it from a copy"), err
        assert "***" not in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("argv", [["log"], ["score"], ["verify"]])
def test_output_onto_a_full_disk(session: str, argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "exercise.cli.main", *argv, session],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 1
    assert proc.stderr == (
        "exercise: cannot write the output: No space left on device "
        "(free some disk space and run again)\n"
    )


def test_journal_onto_a_full_disk_keeps_what_it_recorded(tmp_path: Path) -> None:
    """The file size limit stands in for a full disk (SQLite meets EFBIG as it would ENOSPC)."""
    pytest.importorskip("resource", reason="no file size limits on this system")
    scenario = FIXTURES / "mini" / "scenarios" / "mini.yaml"
    script = tmp_path / "r.yaml"
    steps = "\n".join(
        f"  - {{observe: {{text: '{'n' * 3000} {i}', kind: strength}}}}" for i in range(60)
    )
    script.write_text("steps:\n  - start\n" + steps + "\n", encoding="utf-8")
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (120_000, 120_000))\n"
        "from exercise.cli.main import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "play", str(scenario), "--script", str(script),
         "--session", str(tmp_path / "s.db")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert "internal error" not in proc.stderr
    assert last.endswith(
        "the disk is full, failing, or the file is over its size limit; free some space and "
        "open the session again (every event recorded so far is kept)"
    ), proc.stderr
    assert main(["verify", str(tmp_path / "s.db")]) == 0


@pytest.mark.parametrize("bundle", ["[]", '{"main": 1, "files": {}}', '{"main": "a", "files": []}'])
def test_a_stored_scenario_edited_into_another_shape(
    session: str, capsys: pytest.CaptureFixture[str], bundle: str
) -> None:
    with sqlite3.connect(session) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'scenario_bundle'", (bundle,))
    conn.close()
    for argv in (["log"], ["score"], ["report", "--format", "md"]):
        assert one_line_error(capsys, *argv, session) == (
            f"exercise: the scenario stored in {session} does not load: its stored scenario "
            "is not a bundle of scenario files"
        )
