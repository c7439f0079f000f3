"""``exercise export`` and ``import-session`` move a session between backends losslessly,
and every session command takes a PostgreSQL URL as it takes a file."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from exercise.journal import Event, JournalError, open_journal
from exercise.journal.postgres import PostgresJournal

from .conftest import with_session

ROOT = Path(__file__).parent.parent
MINI = ROOT / "fixtures" / "mini"
SCRIPT = MINI / "scripts" / "rehearsal.yaml"


def exercise(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", *args], capture_output=True, text=True, cwd=cwd
    )


def contents(address: str) -> tuple[dict[str, str], list[Event]]:
    journal = open_journal(address)
    try:
        return journal.meta(), journal.read()
    finally:
        journal.close()


@pytest.fixture
def rehearsed(tmp_path: Path) -> Path:
    """A session file holding the mini rehearsal (20 events)."""
    scenario = str(MINI / "scenarios" / "mini.yaml")
    done = exercise(
        "play", scenario, "--script", str(SCRIPT), "--session", "s.db", "-q", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    return tmp_path / "s.db"


@pytest.fixture
def urls(pg_url: str) -> Iterator[list[str]]:
    """Two URLs naming sessions that do not exist yet (dropped after the test)."""
    made = [with_session(pg_url, f"test-{uuid.uuid4().hex[:12]}") for _ in range(2)]
    yield made
    for url in made:
        with contextlib.suppress(JournalError):
            PostgresJournal.drop(url)


def test_sqlite_to_postgres_to_sqlite_keeps_everything(
    rehearsed: Path, urls: list[str], tmp_path: Path
) -> None:
    url = urls[0]
    imported = exercise("import-session", "s.db", "--to", url, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(f"imported s.db to {url}: 20 events, chain intact, head ")
    exported = exercise("export", url, "-o", "back.db", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith(f"exported {url} to back.db: 20 events, chain intact")

    original = contents(str(rehearsed))
    assert contents(url) == original  # same meta, same seqs, payloads and hashes
    assert contents(str(tmp_path / "back.db")) == original
    heads = set()
    for address in ("s.db", url, "back.db"):
        verified = exercise("verify", address, cwd=tmp_path)
        assert verified.returncode == 0, verified.stderr
        assert verified.stdout.startswith(f"ok {address}: 20 events, chain intact, head ")
        heads.add(verified.stdout.split()[-1])
    assert len(heads) == 1
    # The stored payload text is the same too, not only its meaning.
    for name in ("s.db", "back.db"):
        conn = sqlite3.connect(tmp_path / name)
        texts = conn.execute("SELECT seq, payload FROM events ORDER BY seq").fetchall()
        conn.close()
        if name == "s.db":
            first = texts
        assert texts == first


def test_session_commands_take_a_url(rehearsed: Path, urls: list[str], tmp_path: Path) -> None:
    url, played = urls
    assert exercise("import-session", "s.db", "--to", url, cwd=tmp_path).returncode == 0
    for command in (["log"], ["log", "--json"], ["score", "--awards"], ["report"]):
        on_file = exercise(command[0], "s.db", *command[1:], cwd=tmp_path)
        on_url = exercise(command[0], url, *command[1:], cwd=tmp_path)
        assert on_file.returncode == on_url.returncode == 0, on_url.stderr
        assert on_url.stdout == on_file.stdout
    # play creates a session at a URL, then continues it
    scenario = str(MINI / "scenarios" / "mini.yaml")
    first = exercise("play", scenario, "--script", str(SCRIPT), "--session", played, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stderr.strip().endswith(f"{played}: 20 events written, 20 in all")
    steps = tmp_path / "more.yaml"
    steps.write_text("steps:\n  - advance: '00:10'\n  - pause\n")
    again = exercise("play", scenario, "--script", str(steps), "--session", played, cwd=tmp_path)
    assert f"continuing {played} after event 20" in again.stderr
    report = json.loads(exercise("report", played, cwd=tmp_path).stdout)
    assert report["schema"].startswith("exercise-report/")


def test_export_between_files_needs_no_server(rehearsed: Path, tmp_path: Path) -> None:
    done = exercise("export", "s.db", "-o", "copies/c.db", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert contents(str(tmp_path / "copies" / "c.db")) == contents(str(rehearsed))


def test_a_session_that_does_not_verify_is_not_copied(rehearsed: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(rehearsed)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET actor = 'uzb-mod' WHERE seq = 7")
    conn.commit()
    conn.close()
    done = exercise("export", "s.db", "-o", "copy.db", cwd=tmp_path)
    assert done.returncode == 1
    assert "s.db does not verify from event 7 on (run exercise verify s.db)" in done.stderr
    assert "nothing was exported" in done.stderr
    assert not (tmp_path / "copy.db").exists()


def test_an_existing_destination_is_left_alone(rehearsed: Path, tmp_path: Path) -> None:
    (tmp_path / "taken.db").write_text("mine")
    done = exercise("export", "s.db", "-o", "taken.db", cwd=tmp_path)
    assert done.returncode == 1
    assert "already exists" in done.stderr
    assert (tmp_path / "taken.db").read_text() == "mine"


def test_importing_onto_an_existing_session_is_refused(
    rehearsed: Path, urls: list[str], tmp_path: Path
) -> None:
    url = urls[0]
    assert exercise("import-session", "s.db", "--to", url, cwd=tmp_path).returncode == 0
    again = exercise("import-session", "s.db", "--to", url, cwd=tmp_path)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert contents(url) == contents(str(rehearsed))


def test_a_failed_import_leaves_no_session_behind(
    rehearsed: Path, urls: list[str], tmp_path: Path
) -> None:
    conn = sqlite3.connect(rehearsed)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE seq = 12")
    conn.commit()
    conn.close()
    done = exercise("import-session", "s.db", "--to", urls[0], cwd=tmp_path)
    assert done.returncode == 1
    assert "does not verify from event 12 on" in done.stderr
    assert not PostgresJournal.exists(urls[0])
