"""What only the PostgreSQL journal has: URLs naming sessions, the errors a user meets on
the way to a server, followers woken by LISTEN/NOTIFY, and connections made again.

The contract every backend meets is in test_contract.py and test_verify.py; these tests
need no server unless they take ``pg_url`` (then they are skipped without one)."""

from __future__ import annotations

import contextlib
import os
import shlex
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from exercise.journal import (
    Conflict,
    JournalError,
    NewerSession,
    NotASession,
    SessionExists,
    SessionNotFound,
    open_journal,
    verify,
)
from exercise.journal.postgres import ConnectionLost, PostgresJournal, parse_url
from exercise.session import address_exists

from .conftest import REQUIRED_ENV, MakeEvents, with_session


def _exercise(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def session_url(pg_url: str) -> Iterator[str]:
    """A URL naming a session that does not exist yet (dropped after the test)."""
    url = with_session(pg_url, f"test-{uuid.uuid4().hex[:12]}")
    yield url
    with contextlib.suppress(JournalError):
        PostgresJournal.drop(url)


def _admin(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(parse_url(url).conninfo, autocommit=True)


# ------------------------------------------------------------------------ addresses


def test_a_url_names_a_session_by_its_schema() -> None:
    target = parse_url(
        "postgresql://cmd:s3cret@db.example:5433/exercises?session=tuesday-am&sslmode=require"
    )
    assert target.schema == "tuesday-am"
    assert target.params["host"] == "db.example"
    assert target.params["port"] == "5433"
    assert target.params["dbname"] == "exercises"
    assert target.params["sslmode"] == "require"
    assert "session" not in target.conninfo
    assert "s3cret" not in target.display
    assert target.display == (
        "postgresql://cmd:***@db.example:5433/exercises?session=tuesday-am&sslmode=require"
    )
    assert parse_url("postgres://cmd@db.example/exercises").schema == "public"
    # Sessions get channels and writer locks of their own.
    other = parse_url("postgresql://db.example/exercises?session=tuesday-pm")
    assert (target.channel, target.lock_key) != (other.channel, other.lock_key)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://cmd@[::1/db", "malformed PostgreSQL URL"),
        ("postgresql://cmd@host:port/db", "the port must be a number, not 'port'"),
        ("postgresql://cmd@host/db?sesion=x", 'invalid URI query parameter: "sesion"'),
        ("postgresql://cmd@host/db?session=Tuesday", "bad session name 'Tuesday'"),
        ("postgresql://cmd@host/db?session=", "bad session name ''"),
        ("postgresql://cmd@host/db?session=pg_x", "bad session name 'pg_x'"),
        ("postgresql://cmd@host/db?session=a%20b", "bad session name 'a b'"),
        ("postgresql://cmd@host/db?session=a&session=b", "names more than one session"),
    ],
)
def test_a_malformed_url_is_refused_before_connecting(url: str, message: str) -> None:
    with pytest.raises(JournalError, match=message):
        open_journal(url)
    with pytest.raises(JournalError, match=message):
        open_journal(url, create=True)


def test_a_password_never_appears_in_a_message() -> None:
    for url in (
        "postgresql://cmd:hunter2@host:x/db",
        "postgresql://cmd:hunter2@host/db?session=BAD",
        f"postgresql://cmd:hunter2@127.0.0.1:{_free_port()}/db",
    ):
        with pytest.raises(JournalError) as caught:
            open_journal(url)
        assert "hunter2" not in str(caught.value)
        assert "cmd:***@" in str(caught.value)


def test_a_refused_connection_is_a_clear_error(tmp_path: Path) -> None:
    url = f"postgresql://cmd@127.0.0.1:{_free_port()}/exercise?session=tuesday"
    expected = (
        r"cannot connect to the PostgreSQL server of postgresql://cmd@127\.0\.0\.1:\d+/exercise"
        r"\?session=tuesday: Connection refused"
    )
    with pytest.raises(ConnectionLost, match=expected):
        open_journal(url)
    with pytest.raises(ConnectionLost, match=expected):
        open_journal(url, create=True)
    with pytest.raises(ConnectionLost, match=expected):
        address_exists(url)
    for command in (["verify", url], ["log", url], ["score", url], ["export", url, "-o", "x.db"]):
        result = _exercise(*command, cwd=tmp_path)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("exercise: cannot connect to the PostgreSQL server of")
        assert len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------ errors from a server


def test_a_missing_database(pg_url: str) -> None:
    parts = urlsplit(pg_url)
    url = urlunsplit(parts._replace(path="/exercise_no_such_database", query="session=x"))
    with pytest.raises(SessionNotFound, match='database "exercise_no_such_database" does not'):
        open_journal(url)
    with pytest.raises(JournalError, match="create it first"):
        open_journal(url, create=True)
    assert not address_exists(url)


def test_a_missing_session(session_url: str) -> None:
    name = parse_url(session_url).schema
    with pytest.raises(SessionNotFound, match=f"there is no session '{name}' at postgresql://"):
        open_journal(session_url)
    assert not address_exists(session_url)
    open_journal(session_url, create=True).close()
    assert address_exists(session_url)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE {s}.schema_version SET version = 99", "UPDATE {s}.meta SET value = '99'"
     " WHERE key = 'schema_version'"],
    ids=["version table", "meta"],
)  # fmt: skip
def test_a_session_from_a_newer_release(session_url: str, statement: str) -> None:
    PostgresJournal.create(session_url, {"scenario": "mini"}).close()
    schema = sql.Identifier(parse_url(session_url).schema)
    with _admin(session_url) as admin:
        admin.execute(sql.SQL(statement).format(s=schema))
    with pytest.raises(NewerSession, match=r"newer release of exercise \(session schema 99"):
        open_journal(session_url)
    result = _exercise("verify", session_url)
    assert result.returncode == 1
    assert "written by a newer release" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_schema_with_other_tables_is_not_a_session(session_url: str) -> None:
    schema = sql.Identifier(parse_url(session_url).schema)
    with _admin(session_url) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
        admin.execute(sql.SQL("CREATE TABLE {}.payroll (x int)").format(schema))
    with pytest.raises(NotASession, match="holds other tables, not an exercise session"):
        open_journal(session_url)
    with pytest.raises(JournalError, match="its schema holds other tables"):
        open_journal(session_url, create=True)
    assert not address_exists(session_url)
    with _admin(session_url) as admin:
        admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(schema))


def test_an_empty_schema_an_administrator_made_takes_a_session(session_url: str) -> None:
    schema = sql.Identifier(parse_url(session_url).schema)
    with _admin(session_url) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
    assert not address_exists(session_url)
    with PostgresJournal.create(session_url, {"scenario": "mini"}) as journal:
        assert journal.meta()["scenario"] == "mini"


def test_sessions_of_one_database_are_apart(pg_url: str, make_events: MakeEvents) -> None:
    urls = [with_session(pg_url, f"test-{uuid.uuid4().hex[:12]}") for _ in range(2)]
    one, two = (PostgresJournal.create(url, {"scenario": url[-4:]}) for url in urls)
    try:
        one.append(make_events(3))
        started = time.monotonic()
        assert two.wait(after=0, timeout=0.3) == []  # not woken by the other's appends
        assert time.monotonic() - started >= 0.3
        assert two.head()[0] == 0
        assert two.append(make_events(1))[0].seq == 1
        assert (one.head()[0], verify(one).ok, verify(two).ok) == (3, True, True)
    finally:
        for journal, url in ((one, urls[0]), (two, urls[1])):
            journal.close()
            PostgresJournal.drop(url)


def test_missing_permissions_are_named(session_url: str, make_events: MakeEvents) -> None:
    with _admin(session_url) as admin:
        may = admin.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        if not (may and may[0]):
            pytest.skip("the test role may not create roles (CREATEROLE): permission test skipped")
        role = f"exercise_guest_{uuid.uuid4().hex[:8]}"
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'guest'").format(sql.Identifier(role)))
    parts = urlsplit(session_url)
    host = parts.netloc.rsplit("@", 1)[-1]
    guest = urlunsplit(parts._replace(netloc=f"{role}:guest@{host}"))
    schema = sql.Identifier(parse_url(session_url).schema)
    try:
        with pytest.raises(JournalError, match=f"permission denied: role {role} may not create"):
            open_journal(guest, create=True)
        owner = PostgresJournal.create(session_url, {"scenario": "mini"})
        owner.append(make_events(2))
        with pytest.raises(JournalError, match=f"permission denied: role {role} may not read"):
            open_journal(guest)
        with _admin(session_url) as admin:
            grantee = sql.Identifier(role)
            admin.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, grantee))
            admin.execute(
                sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(schema, grantee)
            )
        reader = open_journal(guest)  # a reader may follow and verify ...
        assert verify(reader).events == 2
        with pytest.raises(JournalError, match=f"permission denied: role {role} may not write"):
            reader.append(make_events(1))  # ... but not write
        with _admin(session_url) as admin:  # INSERT on events is all a player needs more
            admin.execute(sql.SQL("GRANT INSERT ON {}.events TO {}").format(schema, grantee))
        assert reader.append(make_events(1, start=2))[0].seq == 3
        assert verify(reader).ok
        reader.close()
        result = _exercise("log", guest)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        owner.close()
    finally:
        with _admin(session_url) as admin:
            admin.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema))
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


# ------------------------------------------------------------------ following


def test_wait_is_woken_by_notify_not_by_polling(
    session_url: str, make_events: MakeEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    follower = PostgresJournal.create(session_url, {"scenario": "mini"})
    writer = PostgresJournal.open(session_url)
    reads = 0
    read = follower.read

    def counting_read(after: int = 0, limit: int | None = None) -> list[object]:
        nonlocal reads
        reads += 1
        return read(after, limit)  # type: ignore[return-value]

    monkeypatch.setattr(follower, "read", counting_read)
    try:
        follower.wait(after=0, timeout=0)  # LISTEN
        reads = 0
        assert follower.wait(after=0, timeout=1.0) == []
        assert reads <= 2  # one look before blocking, one at the deadline at most

        latencies = []
        for round_ in range(5):
            timer = threading.Timer(0.2, lambda r=round_: writer.append(make_events(1, start=r)))
            started = time.monotonic()
            timer.start()
            reads = 0
            got = follower.wait(after=round_, timeout=10)
            latencies.append(time.monotonic() - started - 0.2)
            timer.join()
            assert [e.seq for e in got] == [round_ + 1]
            assert reads <= 3
        assert max(latencies) < 0.5, latencies
    finally:
        follower.close()
        writer.close()


def test_concurrent_expect_head_appends_let_exactly_one_win(
    session_url: str, make_events: MakeEvents
) -> None:
    PostgresJournal.create(session_url, {"scenario": "mini"}).close()
    journals = [PostgresJournal.open(session_url) for _ in range(6)]
    barrier = threading.Barrier(len(journals))
    outcomes: list[str] = []

    def attempt(journal: PostgresJournal) -> None:
        barrier.wait()
        try:
            journal.append(make_events(2), expect_head=0)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt, args=(j,)) for j in journals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["won"]
    assert journals[0].head()[0] == 2
    for journal in journals:
        journal.close()


# ----------------------------------------------------------------- reconnecting


def test_a_connection_cut_while_idle_is_made_again_unnoticed(
    session_url: str, make_events: MakeEvents
) -> None:
    url = session_url + "&application_name=" + parse_url(session_url).schema
    journal = PostgresJournal.create(url, {"scenario": "mini"})
    other = PostgresJournal.open(url)
    try:
        journal.append(make_events(2))
        assert journal.wait(after=0, timeout=0)  # the follower's connection is open too
        with _admin(url) as admin:
            cut = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s AND pid <> pg_backend_pid()",
                (parse_url(url).schema,),
            ).fetchall()
        assert len(cut) == 3  # journal: main and follower; other: main
        time.sleep(0.2)
        assert [e.seq for e in journal.read()] == [1, 2]
        assert other.append(make_events(1, start=2))[0].seq == 3
        assert [e.seq for e in journal.wait(after=2, timeout=5)] == [3]
        assert verify(journal).ok
    finally:
        journal.close()
        other.close()


def test_a_closed_journal_says_so(session_url: str) -> None:
    journal = PostgresJournal.create(session_url, {})
    journal.close()
    with pytest.raises(JournalError, match="is closed"):
        journal.head()


def test_create_refuses_a_session_another_process_made(session_url: str) -> None:
    PostgresJournal.create(session_url, {}).close()
    with pytest.raises(SessionExists):
        PostgresJournal.create(session_url, {})


# ------------------------------------------------------- the server goes away

PG_CTL_ENV = "EXERCISE_TEST_PG_CTL"
WRITER = Path(__file__).with_name("writer.py")
FOLLOWER = Path(__file__).with_name("follower.py")


@pytest.fixture
def pg_ctl(pg_url: str) -> Iterator[Callable[..., None]]:
    """``pg_ctl(ARGS...)`` runs ``$EXERCISE_TEST_PG_CTL ARGS...``: a pg_ctl command for the
    test server with its ``-D`` (and ``-l``), e.g. ``runuser -u postgres -- pg_ctl -D DIR
    -l LOG`` (.ci/run sets it). The server is running again after the test."""
    command = os.environ.get(PG_CTL_ENV)
    if not command:
        if os.environ.get(REQUIRED_ENV):
            pytest.fail(f"{REQUIRED_ENV} is set but {PG_CTL_ENV} is not")
        pytest.skip(
            f"server restart test skipped: {PG_CTL_ENV} is not set (a pg_ctl command with -D "
            "for the server of EXERCISE_TEST_POSTGRES, e.g. 'runuser -u postgres -- pg_ctl "
            "-D DIR -l LOG'; .ci/run sets it)"
        )
    prefix = shlex.split(command)

    def run(*args: str) -> None:
        done = subprocess.run(
            [*prefix, *args], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, f"pg_ctl {' '.join(args)}: {done.stdout}{done.stderr}"

    yield run
    status = subprocess.run([*prefix, "status"], capture_output=True, timeout=60, check=False)
    if status.returncode != 0:
        run("start", "-w")


class _Lines:
    """Collects a child's output lines in a thread, so the test can wait for them."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()

    def numbers(self) -> list[int]:
        with self._cond:
            return [int(line) for line in self.lines if line.isdigit()]

    def wait_for(self, predicate: Callable[[list[str]], bool], timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self.lines), timeout)

    def join(self) -> None:
        self._thread.join(timeout=30)


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_the_server_stopped_mid_exercise_loses_nothing_acknowledged(
    session_url: str, pg_ctl: Callable[..., None], mode: str
) -> None:
    """A writer appends and a follower follows while the server is stopped (``fast``: a
    clean shutdown that ends every connection; ``immediate``: as in a crash, recovered at
    the next start) and started again. Both say they lost the connection, both reconnect
    and go on, every event the writer reported is there, none twice, and the chain holds."""
    PostgresJournal.create(session_url, {"scenario": "mini"}).close()
    writer = _spawn(str(WRITER), session_url, "--writer", "w", "--retry")
    follower = _spawn(str(FOLLOWER), session_url)
    assert writer.stdout and writer.stderr and follower.stdout and follower.stderr
    written, written_err = _Lines(writer.stdout), _Lines(follower.stderr)
    followed, writer_err = _Lines(follower.stdout), _Lines(writer.stderr)
    try:
        assert written.wait_for(lambda lines: len(lines) >= 100, 60), writer_err.lines
        pg_ctl("stop", "-m", mode, "-w")
        down = len(written.numbers())
        time.sleep(1.0)  # the server is away: the writer says so and keeps trying
        assert len(written.numbers()) <= down + 1  # (an in-doubt commit, settled later)
        pg_ctl("start", "-w")
        assert written.wait_for(lambda lines: len(lines) >= down + 100, 60), writer_err.lines
    finally:
        writer.terminate()
        writer.wait(timeout=30)
    written.join()
    writer_err.join()
    reported = written.numbers()
    with PostgresJournal.open(session_url) as journal:
        events = journal.read()
        result = verify(journal)
    head = events[-1].seq
    try:
        assert followed.wait_for(lambda lines: str(head) in lines, 30), (
            f"the follower stopped at {followed.lines[-3:]} (exit code {follower.poll()}): "
            f"{written_err.lines}"
        )
    finally:
        follower.terminate()
        follower.wait(timeout=30)
    followed.join()
    written_err.join()

    assert result.ok, result.reason
    assert writer.returncode == 0, writer_err.lines
    # The writer noticed, and got through.
    assert any(line.startswith("lost: ") for line in writer_err.lines), writer_err.lines
    assert any("connection" in line for line in writer_err.lines)
    assert len(reported) >= down + 100
    # Nothing acknowledged is lost, nothing is written twice: the writer's indexes are
    # 0, 1, 2 ... once each, and every seq it reported holds what it wrote.
    assert [e.payload["index"] for e in events] == list(range(len(events)))
    assert reported == [e.seq for e in events[: len(reported)]]
    assert len(events) - len(reported) <= 1  # at most the append under way at SIGTERM
    # The follower saw the outage, reconnected, and saw every event once, in order.
    assert any(line.startswith("lost: ") for line in written_err.lines), written_err.lines
    assert not any(line.startswith("gap:") for line in written_err.lines)
    assert followed.numbers() == list(range(1, head + 1))
