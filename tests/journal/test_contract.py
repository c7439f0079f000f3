"""The journal contract: what every backend must do.

Each test taking ``journal`` or ``backend`` runs once per backend (SQLite, and PostgreSQL
when a test server is configured: see conftest.py)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from exercise.journal import (
    FORMAT_NAME,
    GENESIS_HASH,
    SCHEMA_VERSION,
    Conflict,
    Event,
    Journal,
    JournalError,
    NewEvent,
    SessionExists,
    SqliteJournal,
    chain,
    open_journal,
    verify,
)

if TYPE_CHECKING:
    from .conftest import Backend, MakeEvents


def test_a_new_session_is_empty_and_carries_its_meta(journal: Journal) -> None:
    assert isinstance(journal, Journal)
    assert journal.head() == (0, GENESIS_HASH)
    assert journal.read() == []
    meta = journal.meta()
    assert meta["format"] == FORMAT_NAME
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["scenario"] == "mini"
    assert meta["created"].endswith("+00:00")


def test_create_keeps_format_keys_ours(backend: Backend) -> None:
    address = backend.address()
    meta = {"format": "mine", "schema_version": "7", "created": "2024-05-01T08:00:00+00:00"}
    journal = backend.create(meta, address)
    try:
        assert journal.meta() == {
            "format": FORMAT_NAME,
            "schema_version": str(SCHEMA_VERSION),
            "created": "2024-05-01T08:00:00+00:00",
        }
        assert journal.address == address
    finally:
        journal.close()


def test_sqlite_create_makes_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "s.db"
    with SqliteJournal.create(path, {}) as journal:
        assert journal.address == str(path)
    assert path.is_file()


def test_create_refuses_an_existing_session_and_leaves_it_alone(
    journal: Journal, backend: Backend, make_events: MakeEvents
) -> None:
    journal.append(make_events(2))
    with pytest.raises(SessionExists, match="already exists"):
        backend.create({}, journal.address)
    with pytest.raises(SessionExists, match="already exists"):
        open_journal(journal.address, create=True, meta={})
    assert journal.meta()["scenario"] == "mini"
    assert journal.head()[0] == 2
    assert verify(journal).ok


def test_sqlite_create_refuses_any_existing_file(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("keep me")
    with pytest.raises(SessionExists):
        SqliteJournal.create(other, {})
    assert other.read_text() == "keep me"


def test_append_chains_events_from_the_genesis_hash(
    journal: Journal, make_events: MakeEvents
) -> None:
    new = make_events(3)
    appended = journal.append(new)
    assert [e.seq for e in appended] == [1, 2, 3]
    prev = GENESIS_HASH
    for event, source in zip(appended, new, strict=True):
        assert event == chain(event.seq, source, prev)
        prev = event.hash
    assert journal.head() == (3, prev)
    more = journal.append(make_events(2, start=3))
    assert [e.seq for e in more] == [4, 5]
    assert more[0].prev_hash == prev
    assert journal.read() == appended + more


def test_read_after_and_limit(journal: Journal, make_events: MakeEvents) -> None:
    journal.append(make_events(10))
    assert [e.seq for e in journal.read(after=7)] == [8, 9, 10]
    assert [e.seq for e in journal.read(after=2, limit=3)] == [3, 4, 5]
    assert journal.read(after=10) == []
    assert journal.read(after=99) == []
    assert journal.read(limit=0) == []
    with pytest.raises(ValueError):
        journal.read(limit=-1)


def test_payloads_come_back_as_json_values(journal: Journal) -> None:
    payload = {"to": ("red", "white"), "text": "Läuft — ok ✓", "n": 2**62, "x": 0.1, "z": None}
    [appended] = journal.append([NewEvent("note", "white", 1, 2, payload)])
    [read] = journal.read()
    expected = {"to": ["red", "white"], "text": "Läuft — ok ✓", "n": 2**62, "x": 0.1, "z": None}
    assert read.payload == expected
    assert appended == read
    assert verify(journal).ok


def test_an_empty_append_changes_nothing(journal: Journal) -> None:
    assert journal.append([]) == []
    assert journal.head() == (0, GENESIS_HASH)


@pytest.mark.parametrize(
    "bad",
    [
        NewEvent("note", "white", 1.5, 0),  # type: ignore[arg-type]
        NewEvent("note", "white", 1, True),
        NewEvent("note", None, 1, 0),  # type: ignore[arg-type]
        NewEvent("note", "white", 1, 0, {"x": float("nan")}),
        NewEvent("note", "white", 1, 0, {"x": object()}),
    ],
)
def test_a_batch_with_a_bad_event_appends_nothing(
    journal: Journal, make_events: MakeEvents, bad: NewEvent
) -> None:
    journal.append(make_events(1))
    with pytest.raises((TypeError, ValueError)):
        journal.append([*make_events(2, start=1), bad])
    assert [e.seq for e in journal.read()] == [1]


def test_a_failure_inside_the_write_transaction_rolls_the_batch_back(
    journal: Journal, backend: Backend, make_events: MakeEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal.append(make_events(1))

    def failing_chain(seq: int, new: NewEvent, prev_hash: str) -> Event:
        if seq == 3:
            raise RuntimeError("disk on fire")
        return chain(seq, new, prev_hash)

    monkeypatch.setattr(backend.module, "chain", failing_chain)
    with pytest.raises(RuntimeError, match="disk on fire"):
        journal.append(make_events(3, start=1))
    assert journal.head()[0] == 1
    monkeypatch.undo()
    assert [e.seq for e in journal.append(make_events(3, start=1))] == [2, 3, 4]
    assert verify(journal).ok


def test_expect_head_refuses_a_journal_that_moved_on(
    journal: Journal, make_events: MakeEvents
) -> None:
    journal.append(make_events(1), expect_head=0)
    with pytest.raises(Conflict, match="expected event 0"):
        journal.append(make_events(1, start=1), expect_head=0)
    assert journal.head()[0] == 1
    assert [e.seq for e in journal.append(make_events(2, start=1), expect_head=1)] == [2, 3]
    assert journal.append(make_events(1, start=3), expect_head=None)[0].seq == 4


def test_reopening_keeps_everything(journal: Journal, make_events: MakeEvents) -> None:
    appended = journal.append(make_events(25))
    meta, head = journal.meta(), journal.head()
    journal.close()
    again = open_journal(journal.address)
    try:
        assert again.meta() == meta
        assert again.head() == head
        assert again.read() == appended
        assert again.append(make_events(1, start=25))[0].prev_hash == head[1]
        assert verify(again).ok
    finally:
        again.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET actor = 'red' WHERE seq = 1",
        "DELETE FROM events WHERE seq = 2",
        "DELETE FROM events",
    ],
)
def test_events_cannot_be_updated_or_deleted_behind_the_journal(
    journal: Journal, backend: Backend, make_events: MakeEvents, statement: str
) -> None:
    appended = journal.append(make_events(2))
    with pytest.raises(Exception, match="append-only"):
        backend.sql(journal.address, statement)
    assert journal.read() == appended


def test_wait_returns_what_is_there_at_once(journal: Journal, make_events: MakeEvents) -> None:
    journal.append(make_events(3))
    started = time.monotonic()
    assert [e.seq for e in journal.wait(after=1, timeout=10)] == [2, 3]
    assert time.monotonic() - started < 1


def test_wait_times_out_with_nothing(journal: Journal) -> None:
    started = time.monotonic()
    assert journal.wait(after=0, timeout=0.1) == []
    assert 0.1 <= time.monotonic() - started < 1
    assert journal.wait(after=0, timeout=0) == []


@pytest.mark.parametrize("shared", [False, True], ids=["own connection", "same journal"])
def test_wait_sees_an_append_from_another_thread(
    journal: Journal, make_events: MakeEvents, shared: bool
) -> None:
    journal.append(make_events(1))

    def writer() -> None:
        time.sleep(0.1)
        if shared:
            journal.append(make_events(2, start=1))
        else:
            other = open_journal(journal.address)
            other.append(make_events(2, start=1))
            other.close()

    thread = threading.Thread(target=writer)
    started = time.monotonic()
    thread.start()
    try:
        got = journal.wait(after=1, timeout=10)
    finally:
        thread.join()
    assert [e.seq for e in got] == [2, 3]
    assert time.monotonic() - started < 2


def test_open_journal_routes_addresses(backend: Backend) -> None:
    address = backend.address()
    created = open_journal(address, create=True, meta={"scenario": "x"})
    expected = SqliteJournal if backend.name == "sqlite" else backend.module.PostgresJournal
    assert isinstance(created, expected)
    created.close()
    opened = open_journal(address)
    assert isinstance(opened, expected)
    assert opened.meta()["scenario"] == "x"
    opened.close()


def test_a_postgres_url_is_never_taken_for_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for url in ("postgresql://u@127.0.0.1:1/db", "postgres://u@127.0.0.1:1/db"):
        with pytest.raises(JournalError, match="cannot connect"):
            open_journal(url)
    assert list(tmp_path.iterdir()) == []
