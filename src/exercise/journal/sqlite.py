"""The SQLite journal: one session per file, shared safely by the processes of one host.

The file is in WAL mode with ``synchronous=FULL``: a committed append survives a crash or a
power cut, and readers never block the writer. Writers serialise with ``BEGIN IMMEDIATE``
(waiting up to :data:`BUSY_TIMEOUT` for each other); the head is read, ``expect_head``
checked and the hash chain extended inside that one write transaction, so concurrent
appends can neither fork the chain nor lose an event.

A session is created under a temporary name beside its final one and linked into place
only once its schema and metadata are committed, so a crash or a SIGKILL during creation
never leaves an empty or half-made file under the session's name. Session files are
readable and writable by their owner only (0600). Commands that only read open the file
read-only (SQLite's ``mode=ro`` where the file or its folder is not writable), so that
they work on a session in a read-only folder or file.
"""

from __future__ import annotations

import collections
import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import attrs

from exercise.journal.base import (
    FORMAT_NAME,
    SCHEMA_VERSION,
    Conflict,
    Event,
    JournalError,
    NewerSession,
    NewEvent,
    NotASession,
    SessionExists,
    SessionNotFound,
    canonical_json,
    chain,
    check_new_event,
    events_from_rows,
    genesis_of,
)

#: Seconds a writer waits for the others before giving up (they hold the lock for
#: milliseconds, so this is only reached when something is badly stuck).
BUSY_TIMEOUT = 60.0
#: Seconds between two looks at the head while :meth:`SqliteJournal.wait` blocks.
POLL_INTERVAL = 0.025

_SQLITE_MAGIC = b"SQLite format 3\x00"
# Result codes (the low byte of an extended code) that mean "the file is not usable as a
# database", as opposed to "the database is busy" or "you may not open it".
_DAMAGED = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_SQLITE_FULL = 13
_WRITE_FAILED = {778, 1034, 1290}  # SQLITE_IOERR_WRITE, _FSYNC, _DIR_FSYNC

_SCHEMA = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    type      TEXT NOT NULL,
    actor     TEXT NOT NULL,
    wall_us   INTEGER NOT NULL,
    game_ms   INTEGER NOT NULL,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
"""
_COLUMNS = "seq, type, actor, wall_us, game_ms, payload, prev_hash, hash"
_INSERT = f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_SELECT = f"SELECT {_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?"
_HEAD = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"


class SqliteJournal:
    """A session stored in one SQLite file. Use :meth:`create` or :meth:`open`.

    One instance may be shared by the threads of a process (calls are serialised); each
    process opens its own.
    """

    def __init__(
        self, path: Path, conn: sqlite3.Connection, genesis: str, *, read_only: bool = False
    ) -> None:
        self._path = path
        self._genesis = genesis
        self._conn = conn
        self.read_only = read_only
        self._key = _key(path)
        self._closed = False
        with _OPEN_LOCK:
            _OPEN[self._key] += 1
        self._lock = threading.Lock()
        self._errors = _Errors(path)

    @classmethod
    def create(cls, path: str | os.PathLike[str], meta: Mapping[str, str]) -> SqliteJournal:
        """Create a new session file (and its parent folders) holding ``meta``.

        ``format`` and ``schema_version`` are always ours; ``created`` defaults to now.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        exists = SessionExists(
            f"{path} already exists: choose another session name, or join that session"
        )
        if path.exists() or path.is_symlink():
            raise exists
        rows = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            **meta,
            "format": FORMAT_NAME,
            "schema_version": str(SCHEMA_VERSION),
        }
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.creating")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600))
            with _Errors(path):
                conn = _connect(tmp)
                try:
                    # a rollback journal while the file is built (no WAL beside the temporary
                    # name); open() switches the finished session to WAL
                    conn.execute("PRAGMA journal_mode = DELETE")
                    # executescript() would commit a transaction begun before it: begin inside.
                    conn.executescript("BEGIN IMMEDIATE;" + _SCHEMA)
                    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", rows.items())
                    conn.execute("COMMIT")
                finally:
                    conn.close()
            _create_hook()
            _move_into_place(tmp, path, exists)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
                leftover.unlink(missing_ok=True)
        return cls.open(path)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, read_only: bool = False) -> SqliteJournal:
        """Open an existing session, checking it is one of ours, whole, and not too new.

        ``read_only`` opens it for reading only (``append`` then fails): what the commands
        that only read use, so that a session in a read-only folder opens."""
        path = Path(path)
        try:
            if path.is_dir():
                raise SessionNotFound(f"{path} is a folder, not a session file")
            if path.exists() and not path.is_file():  # a FIFO would block, a device never end
                raise NotASession(f"{path} is not a regular file, so not a session file")
        except PermissionError as error:
            raise JournalError(f"cannot read {path}: {error.strerror}") from None
        key = _key(path)
        if _OPEN[key] == 0:
            # Only when this process has no connection to the file: closing any descriptor
            # of a file drops every POSIX lock the process holds on it, those of open SQLite
            # connections included. Another process would then think it was the last user,
            # checkpoint and delete the write-ahead log from under those connections.
            try:
                with path.open("rb") as file:
                    magic = file.read(len(_SQLITE_MAGIC))
            except FileNotFoundError:
                raise SessionNotFound(f"there is no session at {path} (no such file)") from None
            except OSError as error:
                raise JournalError(f"cannot read {path}: {error.strerror}") from None
            if not magic:
                raise NotASession(f"{path} is an empty file, not a session")
            if magic != _SQLITE_MAGIC:
                raise NotASession(f"{path} is not a session file (it is not an SQLite database)")

        # Where this process may write the file and its folder, a reader connects as a
        # writer does (SQLite then tidies the write-ahead log when the last connection
        # closes, which a read-only connection cannot) and append() is refused by us;
        # elsewhere the connection itself is read-only.
        sqlite_ro = read_only and not _writable(path)
        with _Errors(path):
            conn = _connect_read_only(path) if sqlite_ro else _connect(path)
        try:
            with _Errors(path):
                meta = _check_session(path, conn)
                if not sqlite_ro:
                    conn.execute("PRAGMA journal_mode = WAL")
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, genesis_of(meta), read_only=read_only)

    @property
    def address(self) -> str:
        return str(self._path)

    def meta(self) -> dict[str, str]:
        with self._lock, self._errors:
            return dict(self._conn.execute("SELECT key, value FROM meta"))

    def head(self) -> tuple[int, str]:
        with self._lock, self._errors:
            row = self._conn.execute(_HEAD).fetchone()
        return (row[0], row[1]) if row else (0, self._genesis)

    def append(self, events: Sequence[NewEvent], *, expect_head: int | None = None) -> list[Event]:
        if self.read_only:
            raise JournalError(f"{self._path} was opened read-only: nothing can be appended")
        for new in events:
            check_new_event(new)
        payloads = [canonical_json(new.payload) for new in events]
        conn = self._conn
        with self._lock, self._errors:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(_HEAD).fetchone()
                seq, prev_hash = (row[0], row[1]) if row else (0, self._genesis)
                if expect_head is not None and seq != expect_head:
                    raise Conflict(
                        f"the session moved on: expected event {expect_head} to be the last, "
                        f"but event {seq} is"
                    )
                sealed: list[Event] = []
                for new in events:
                    seq += 1
                    sealed.append(chain(seq, new, prev_hash))
                    prev_hash = sealed[-1].hash
                conn.executemany(
                    _INSERT,
                    [
                        (e.seq, e.type, e.actor, e.wall_us, e.game_ms, p, e.prev_hash, e.hash)
                        for e, p in zip(sealed, payloads, strict=True)
                    ],
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        # Hand back the payloads as stored (lists, not tuples ...), exactly as read() will.
        return [
            attrs.evolve(e, payload=json.loads(p)) for e, p in zip(sealed, payloads, strict=True)
        ]

    def read(self, after: int = 0, limit: int | None = None) -> list[Event]:
        if limit is not None and limit < 0:
            raise ValueError(f"limit must not be negative, got {limit}")
        with self._lock, self._errors:
            rows = self._conn.execute(_SELECT, (after, -1 if limit is None else limit)).fetchall()
        return events_from_rows(rows, str(self._path))

    def wait(self, after: int, timeout: float) -> list[Event]:
        deadline = time.monotonic() + timeout
        while True:
            events = self.read(after)
            remaining = deadline - time.monotonic()
            if events or remaining <= 0:
                return events
            time.sleep(min(POLL_INTERVAL, remaining))

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            if not self._closed:
                self._closed = True
                with _OPEN_LOCK:
                    _OPEN[self._key] -= 1

    def __enter__(self) -> SqliteJournal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqliteJournal({str(self._path)!r})"


#: How many journals this process has open on each file (see SqliteJournal.open).
_OPEN: collections.Counter[tuple[int, int]] = collections.Counter()
_OPEN_LOCK = threading.Lock()


def _key(path: Path) -> tuple[int, int]:
    """The file's identity (device, inode), whatever path names it."""
    try:
        st = path.stat()
    except OSError:
        return (-1, hash(str(path.absolute())))
    return (st.st_dev, st.st_ino)


#: Created session files are never followed through a symbolic link planted at their name.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _create_hook() -> None:
    """Called between building a new session and moving it into place (tests crash here)."""


def _move_into_place(tmp: Path, path: Path, exists: SessionExists) -> None:
    """Give the finished file ``tmp`` the name ``path``, never replacing a file there."""
    try:
        os.link(tmp, path)  # atomic, and fails when the name is taken
    except FileExistsError:
        raise exists from None
    except OSError:  # a file system without hard links: check, then rename
        if path.exists() or path.is_symlink():
            raise exists from None
        os.rename(tmp, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a new name in ``folder`` durable (where the platform allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _writable(path: Path) -> bool:
    """This process may write ``path`` and create files beside it (the -wal and -shm)."""
    folder = path.absolute().parent
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection. SQLite reads a WAL session read-only only where it can make
    the shared-memory file beside it; in a read-only folder without one, the file is read
    as immutable (nothing can write it there anyway)."""
    uri = path.absolute().as_uri()

    def connect(query: str) -> sqlite3.Connection:
        return sqlite3.connect(
            f"{uri}?{query}",
            uri=True,
            timeout=BUSY_TIMEOUT,
            isolation_level=None,
            check_same_thread=False,
        )

    conn = connect("mode=ro")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        conn = connect("mode=ro&immutable=1")
    return conn


def _connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (we BEGIN ourselves) that never creates the file."""
    conn = sqlite3.connect(
        f"{path.absolute().as_uri()}?mode=rw",
        uri=True,
        timeout=BUSY_TIMEOUT,
        isolation_level=None,
        check_same_thread=False,  # SqliteJournal serialises the threads with its lock
    )
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _check_session(path: Path, conn: sqlite3.Connection) -> dict[str, str]:
    """Raise unless ``conn`` is a whole session this release can read; its metadata."""
    problem = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if problem != "ok":
        detail = " ".join(str(problem).replace("*** in database main ***", "").split())
        raise NotASession(
            f"{path} is damaged (truncated or corrupt): {detail}; restore it from a copy"
        )
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    if "meta" not in tables:
        raise NotASession(f"{path} is an SQLite database, but not an exercise session")
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    if meta.get("format") != FORMAT_NAME:
        raise NotASession(f"{path} is an SQLite database, but not an exercise session")
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise NotASession(
            f"{path} has an unreadable schema version {meta.get('schema_version')!r}"
        ) from None
    if version > SCHEMA_VERSION:
        raise NewerSession(
            f"{path} was written by a newer release of exercise (session schema {version}; "
            f"this release reads up to {SCHEMA_VERSION}): upgrade exercise to open it"
        )
    if "events" not in tables:
        raise NotASession(f"{path} is damaged: it has no events table")
    return meta


class _Errors:
    """``with _Errors(path):`` turns SQLite's errors into journal errors naming the file."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def __enter__(self) -> None:
        pass

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not isinstance(exc, sqlite3.DatabaseError):
            return
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF in _DAMAGED:
            raise NotASession(f"{self._path} is damaged (truncated or corrupt): {exc}") from exc
        code = getattr(exc, "sqlite_errorcode", 0)
        if code & 0xFF == _SQLITE_FULL or code in _WRITE_FAILED:
            raise JournalError(
                f"{self._path}: {exc}: the disk is full, failing, or the file is over its "
                "size limit; free some space and open the session again (every event "
                "recorded so far is kept)"
            ) from exc
        if isinstance(exc, sqlite3.OperationalError):  # locked too long, disk full, I/O ...
            raise JournalError(f"{self._path}: {exc}") from exc
