"""Opening something that is not a usable session fails with a journal error that says why."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from exercise.journal import (
    NewerSession,
    NotASession,
    SessionNotFound,
    SqliteJournal,
    open_journal,
)

if TYPE_CHECKING:
    from .conftest import MakeEvents


def _real_session(path: Path, make_events: MakeEvents, events: int = 400) -> bytes:
    """Write a closed session (everything checkpointed into the one file); its bytes."""
    with SqliteJournal.create(path, {"scenario": "mini"}) as journal:
        for start in range(0, events, 50):
            journal.append(make_events(50, start=start))
    assert not path.with_name(path.name + "-wal").exists()
    return path.read_bytes()


def _foreign_db(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.db"
    with pytest.raises(SessionNotFound, match=r"there is no session at .*nope\.db"):
        open_journal(str(path))
    assert not path.exists()


def test_a_folder(tmp_path: Path) -> None:
    with pytest.raises(SessionNotFound, match="is a folder, not a session file"):
        open_journal(str(tmp_path))


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(NotASession, match="is an empty file, not a session"):
        open_journal(str(path))
    assert path.read_bytes() == b""


@pytest.mark.parametrize("prefix", [b"", b"SQLite format 3\x00"], ids=["bytes", "fake header"])
def test_random_bytes(tmp_path: Path, prefix: bytes) -> None:
    path = tmp_path / "noise.db"
    data = prefix + random.Random(7).randbytes(8192)
    path.write_bytes(data)
    with pytest.raises(NotASession, match=r"noise\.db"):
        open_journal(str(path))
    assert path.read_bytes() == data


def test_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text("title: not a session\n")
    with pytest.raises(NotASession, match="not an SQLite database"):
        open_journal(str(path))


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    _foreign_db(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);")
    before = path.read_bytes()
    with pytest.raises(NotASession, match="an SQLite database, but not an exercise session"):
        open_journal(str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db"]


def test_a_foreign_database_with_a_meta_table(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    _foreign_db(
        path,
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "INSERT INTO meta VALUES ('format', 'someone-else');",
    )
    with pytest.raises(NotASession, match="not an exercise session"):
        open_journal(str(path))


@pytest.mark.parametrize("keep", [0.5, 0.25, 0.9, 100])
def test_a_truncated_session(tmp_path: Path, make_events: MakeEvents, keep: float) -> None:
    data = _real_session(tmp_path / "real.db", make_events)
    cut = tmp_path / "cut.db"
    cut.write_bytes(data[: int(len(data) * keep) if keep < 1 else int(keep)])
    with pytest.raises(NotASession, match=r"cut\.db is damaged \(truncated or corrupt\)"):
        open_journal(str(cut))


def test_a_session_with_a_page_overwritten(tmp_path: Path, make_events: MakeEvents) -> None:
    data = bytearray(_real_session(tmp_path / "real.db", make_events))
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle : middle + page] = random.Random(3).randbytes(page)
    bad = tmp_path / "bad.db"
    bad.write_bytes(bytes(data))
    with pytest.raises(NotASession, match="is damaged"):
        open_journal(str(bad))


def test_the_original_of_those_copies_opens(tmp_path: Path, make_events: MakeEvents) -> None:
    path = tmp_path / "real.db"
    _real_session(path, make_events)
    with SqliteJournal.open(path) as journal:
        assert journal.head()[0] == 400


def _set_schema_version(path: Path, value: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (value,))
    conn.close()


def test_a_session_from_a_newer_release(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    SqliteJournal.create(path, {}).close()
    _set_schema_version(path, "99")
    with pytest.raises(NewerSession, match=r"newer release.*schema 99.*upgrade exercise"):
        open_journal(str(path))


def test_a_session_with_a_garbled_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "odd.db"
    SqliteJournal.create(path, {}).close()
    _set_schema_version(path, "one")
    with pytest.raises(NotASession, match="unreadable schema version 'one'"):
        open_journal(str(path))
