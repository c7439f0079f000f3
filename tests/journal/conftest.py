"""Fixtures shared by the journal tests.

The contract tests take ``journal`` (a fresh, empty session) or ``backend`` (to make more)
and run once per backend: SQLite always, PostgreSQL when ``EXERCISE_TEST_POSTGRES`` names
a server (``postgresql://USER@HOST:PORT/DATABASE``; each test gets sessions of its own,
dropped afterwards). Without it the PostgreSQL variants are skipped, saying so; with
``EXERCISE_TEST_POSTGRES_REQUIRED=1`` (CI) they fail instead.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from exercise.journal import Journal, NewEvent, SqliteJournal
from exercise.journal import sqlite as sqlite_module

#: make_events(n, start=0, actor="blue") -> n NewEvents numbered from ``start``.
MakeEvents = Callable[..., list[NewEvent]]

POSTGRES_ENV = "EXERCISE_TEST_POSTGRES"
REQUIRED_ENV = "EXERCISE_TEST_POSTGRES_REQUIRED"
POSTGRES_SKIP = (
    f"PostgreSQL tests skipped: {POSTGRES_ENV} is not set (set it to "
    "postgresql://USER@HOST:PORT/DATABASE of a server you may create schemas on; "
    "see docs/postgres.md)"
)


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def need_postgres() -> str:
    """The test server's URL, or skip (fail in CI) the calling test."""
    url = postgres_url()
    if url is None:
        if os.environ.get(REQUIRED_ENV):
            pytest.fail(f"{REQUIRED_ENV} is set but {POSTGRES_ENV} is not")
        pytest.skip(POSTGRES_SKIP)
    return url


def with_session(url: str, name: str) -> str:
    """``url`` naming session ``name`` (replacing any session it named)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "session"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("session", name)])))


def _make_events(n: int, start: int = 0, actor: str = "blue") -> list[NewEvent]:
    return [
        NewEvent(
            type="test.move",  # a type the engine does not know: the journal is agnostic
            actor=actor,
            wall_us=1_700_000_000_000_000 + i * 1_000,
            game_ms=i * 60_000,
            payload={"index": i, "text": f"move {i}", "to": ["red", "white"]},
        )
        for i in range(start, start + n)
    ]


class Backend:
    """One journal backend, as the contract tests see it."""

    name: str
    module: ModuleType  #: the backend's module (whose ``chain`` a test may replace)

    def address(self) -> str:
        """A new address where no session is yet."""
        raise NotImplementedError

    def create(self, meta: Mapping[str, str], address: str | None = None) -> Journal:
        raise NotImplementedError

    def sql(self, address: str, statement: str) -> None:
        """Run SQL on the session's tables (unqualified names) behind the journal's back."""
        raise NotImplementedError

    def tamper(self, address: str, statement: str) -> None:
        """Run SQL as someone editing the session would: append-only triggers dropped."""
        raise NotImplementedError

    def tagged(self, address: str, name: str) -> str:
        """``address`` for a process called ``name`` (see :meth:`await_gone`)."""
        return address

    def await_gone(self, name: str) -> None:
        """Wait until nothing a killed process ``name`` sent can still take effect."""

    def cleanup(self) -> None:
        pass


class SqliteBackend(Backend):
    name = "sqlite"
    module = sqlite_module

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._count = 0

    def address(self) -> str:
        self._count += 1
        return str(self._folder / "sessions" / f"test-{self._count}.db")

    def create(self, meta: Mapping[str, str], address: str | None = None) -> Journal:
        return SqliteJournal.create(address or self.address(), meta)

    def sql(self, address: str, statement: str) -> None:
        conn = sqlite3.connect(address, isolation_level=None)
        try:
            conn.execute(statement)
        finally:
            conn.close()

    def tamper(self, address: str, statement: str) -> None:
        conn = sqlite3.connect(address, isolation_level=None)
        try:
            conn.execute("DROP TRIGGER IF EXISTS events_no_update")
            conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
            conn.execute(statement)
        finally:
            conn.close()


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, url: str) -> None:
        from exercise.journal import postgres

        self.module = postgres
        self._url = url
        self._made: list[str] = []

    def address(self) -> str:
        address = with_session(self._url, f"test-{uuid.uuid4().hex[:12]}")
        self._made.append(address)
        return address

    def create(self, meta: Mapping[str, str], address: str | None = None) -> Journal:
        journal: Journal = self.module.PostgresJournal.create(address or self.address(), meta)
        return journal

    def _run(self, address: str, *statements: str) -> None:
        import psycopg
        from psycopg import sql

        target = self.module.parse_url(address)
        with psycopg.connect(target.conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(target.schema)))
            for statement in statements:
                conn.execute(statement.encode())

    def sql(self, address: str, statement: str) -> None:
        self._run(address, statement)

    def tagged(self, address: str, name: str) -> str:
        return f"{address}&application_name={name}"

    def await_gone(self, name: str) -> None:
        """The server ends a dead client's session once it finds its socket closed, and may
        first commit what the client had sent: wait for that session to end."""
        import psycopg

        deadline = time.monotonic() + 30
        with psycopg.connect(self.module.parse_url(self._url).conninfo, autocommit=True) as conn:
            while time.monotonic() < deadline:
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (name,)
                ).fetchone()
                if row is not None and row[0] == 0:
                    return
                time.sleep(0.01)
        raise AssertionError(f"the server still has a session of {name} after 30 s")

    def tamper(self, address: str, statement: str) -> None:
        drops = [f"DROP TRIGGER IF EXISTS events_no_{what} ON events" for what in _WRITES]
        self._run(address, *drops, statement)

    def cleanup(self) -> None:
        from exercise.journal import JournalError

        for address in self._made:
            with contextlib.suppress(JournalError):  # never created, or already dropped
                self.module.PostgresJournal.drop(address)


_WRITES = ("update", "delete", "truncate")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    made: Backend
    if request.param == "sqlite":
        made = SqliteBackend(tmp_path)
    else:
        made = PostgresBackend(need_postgres())
    try:
        yield made
    finally:
        made.cleanup()


@pytest.fixture
def make_events() -> MakeEvents:
    return _make_events


@pytest.fixture
def session_path(tmp_path: Path) -> Path:
    return tmp_path / "sessions" / "test.db"


@pytest.fixture
def journal(backend: Backend) -> Iterator[Journal]:
    journal = backend.create({"scenario": "mini"})
    yield journal
    journal.close()


@pytest.fixture
def tamper(backend: Backend, journal: Journal) -> Callable[[str], None]:
    """Run SQL on ``journal``'s session behind its back, as someone editing it would
    (dropping the append-only triggers first)."""

    def run(statement: str) -> None:
        backend.tamper(journal.address, statement)

    return run


@pytest.fixture
def pg_url() -> str:
    """The test server's URL (no session named); skips without one."""
    return need_postgres()
