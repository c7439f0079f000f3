"""Fixtures shared by the journal tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from exercise.journal import NewEvent, SqliteJournal

#: make_events(n, start=0, actor="blue") -> n NewEvents numbered from ``start``.
MakeEvents = Callable[..., list[NewEvent]]


def _make_events(n: int, start: int = 0, actor: str = "blue") -> list[NewEvent]:
    return [
        NewEvent(
            type="move.submitted",
            actor=actor,
            wall_us=1_700_000_000_000_000 + i * 1_000,
            game_ms=i * 60_000,
            payload={"index": i, "text": f"move {i}", "to": ["red", "white"]},
        )
        for i in range(start, start + n)
    ]


@pytest.fixture
def make_events() -> MakeEvents:
    return _make_events


@pytest.fixture
def session_path(tmp_path: Path) -> Path:
    return tmp_path / "sessions" / "test.db"


@pytest.fixture
def journal(session_path: Path) -> Iterator[SqliteJournal]:
    journal = SqliteJournal.create(session_path, {"scenario": "mini"})
    yield journal
    journal.close()


@pytest.fixture
def tamper(session_path: Path) -> Callable[[str], None]:
    """Run SQL on the session file behind the journal's back, as someone editing it would
    (dropping the append-only triggers first)."""

    def run(sql: str) -> None:
        conn = sqlite3.connect(session_path, isolation_level=None)
        try:
            conn.execute("DROP TRIGGER IF EXISTS events_no_update")
            conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
            conn.execute(sql)
        finally:
            conn.close()

    return run
