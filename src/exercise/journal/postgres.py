"""The PostgreSQL journal: one session shared by processes on several machines.

A session is addressed by a libpq URL with one extra query parameter, ``session``::

    postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE[?session=NAME][&LIBPQ-PARAM=VALUE...]

The session lives in the schema ``NAME`` of that database (many sessions share one
database; a role needs only ``CREATE`` on the database to start one). Without
``session=`` the database holds one session, in its ``public`` schema. Every other query
parameter (``sslmode``, ``connect_timeout``, ``application_name`` ...) goes to libpq
unchanged, as do the ``PG*`` environment variables and ``~/.pgpass``.

The schema is SQLite's: a ``meta`` table, an ``events`` table (payloads stored as their
canonical JSON text, so the hash chain is byte for byte the same) refusing UPDATE, DELETE
and TRUNCATE, plus a ``schema_version`` table. Writers serialise on a transaction-level
advisory lock keyed by the session; the head is read, ``expect_head`` checked and the chain
extended inside that one READ COMMITTED transaction, after the lock is held, so concurrent
appends can neither fork the chain nor lose an event. An append takes two round trips
(BEGIN, lock and head; then the rows, NOTIFY and COMMIT), the lock held across one. Every
commit is synchronous (``synchronous_commit = on`` whatever the server's default) and its
``NOTIFY`` wakes the followers blocked in :meth:`PostgresJournal.wait`, which listen on a
connection of their own.

When the server goes away an operation raises :class:`ConnectionLost`; the next operation
reconnects. Reads, and appends that fail before anything was sent, first retry once on a
fresh connection, so a server restarted while a journal sat idle goes unnoticed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import attrs
import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import TupleRow

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

SCHEMES = ("postgresql://", "postgres://")
#: The query parameter that names the session (the schema holding it).
SESSION_PARAM = "session"
#: The schema of a session whose URL names none.
DEFAULT_SCHEMA = "public"
#: Seconds a writer waits for the others before giving up (as SQLite's BUSY_TIMEOUT).
LOCK_TIMEOUT = 60.0
#: Defaults for libpq parameters the URL does not set: fail fast when the server is
#: unreachable, and notice a dead peer on a quiet connection within about a minute.
CONNECT_DEFAULTS = {
    "connect_timeout": "10",
    "application_name": "exercise",
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
}

_SESSION_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
_TABLES = ("meta", "events", "schema_version")
_Conn = psycopg.Connection[TupleRow]
_T = TypeVar("_T")


class ConnectionLost(JournalError):
    """The connection to the PostgreSQL server was lost (or could not be made again).

    Nothing acknowledged is lost: an append that returned was committed. The operation
    that raised did not happen, except for an append lost while its commit was on the
    wire: then ``in_doubt`` holds the events it was writing, which may or may not be in
    the journal (compare hashes once the server is back). The next operation reconnects.
    """

    def __init__(self, message: str, in_doubt: Sequence[Event] = (), reason: str = "") -> None:
        super().__init__(message)
        self.in_doubt = tuple(in_doubt)
        #: What the server or the network said, in a few words.
        self.reason = reason or message


# ---------------------------------------------------------------------------- addresses


@attrs.frozen
class Target:
    """A parsed session URL."""

    url: str  #: as given (it opens the session again)
    conninfo: str  #: for libpq: the URL without ``session=``
    params: dict[str, str]  #: libpq's view of it (host, port, dbname, user ...)
    schema: str  #: the schema holding the session
    display: str  #: the URL with any password hidden, for messages

    @property
    def database(self) -> str:
        return self.params.get("dbname") or self.params.get("user") or "(default database)"

    @property
    def user(self) -> str:
        return self.params.get("user") or "(your login name)"

    @property
    def channel(self) -> str:
        """The NOTIFY channel of this session (unique per schema; channels are per database)."""
        return "exercise_" + hashlib.sha256(self.schema.encode("utf-8")).hexdigest()[:32]

    @property
    def lock_key(self) -> int:
        """The advisory lock (a signed 64-bit key) that serialises this session's writers."""
        digest = hashlib.sha256(f"exercise-journal:{self.schema}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    @property
    def what(self) -> str:
        """The session, in words: ``session NAME in database DB at URL``."""
        name = "the session" if self.schema == DEFAULT_SCHEMA else f"session {self.schema!r}"
        return f"{name} at {self.display}"


_URL_HELP = (
    "expected postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE[?session=NAME] "
    "(see docs/postgres.md)"
)


def is_postgres_url(address: str) -> bool:
    return address.startswith(SCHEMES)


def parse_url(url: str) -> Target:
    """Split a session URL into what libpq needs and the session's schema.

    Raises :class:`JournalError` for anything libpq would not accept or a bad session name.
    """
    display = _hide_password(url)
    if not is_postgres_url(url):
        raise JournalError(f"malformed PostgreSQL URL {display}: {_URL_HELP}")
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError as exc:
        raise JournalError(f"malformed PostgreSQL URL {display}: {exc}; {_URL_HELP}") from None
    names = [value for key, value in query if key == SESSION_PARAM]
    if len(names) > 1:
        raise JournalError(f"malformed PostgreSQL URL {display}: it names more than one session")
    schema = names[0] if names else DEFAULT_SCHEMA
    if not _SESSION_NAME.fullmatch(schema) or schema.startswith("pg_"):
        raise JournalError(
            f"bad session name {schema!r} in {display}: use 1 to 63 lowercase letters, digits, "
            "'-' or '_', starting with a letter or digit (and not with 'pg_')"
        )
    rest = [(key, value) for key, value in query if key != SESSION_PARAM]
    conninfo = urlunsplit(parts._replace(query=urlencode(rest), fragment=""))
    try:
        params = {k: str(v) for k, v in conninfo_to_dict(conninfo).items() if v is not None}
    except psycopg.Error as exc:
        raise JournalError(
            f"malformed PostgreSQL URL {display}: {_first_line(exc)}; {_URL_HELP}"
        ) from None
    for port in params.get("port", "").split(","):
        if port and not port.isdigit():
            raise JournalError(
                f"malformed PostgreSQL URL {display}: the port must be a number, not {port!r}"
            )
    return Target(url=url, conninfo=conninfo, params=params, schema=schema, display=display)


def _hide_password(url: str) -> str:
    return re.sub(r"^(\w+://[^:/@?#]*):[^@/?#]*@", r"\1:***@", url)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --------------------------------------------------------------------------- connecting


def _connect(target: Target, *, for_create: bool = False) -> _Conn:
    """A connection in autocommit mode (transactions are explicit), READ COMMITTED,
    synchronous commits, the writers' lock timeout set."""
    defaults = {k: v for k, v in CONNECT_DEFAULTS.items() if k not in target.params}
    try:
        conn = psycopg.connect(make_conninfo(target.conninfo, **defaults), autocommit=True)
    except psycopg.OperationalError as exc:
        raise _connect_error(target, exc, for_create) from None
    except psycopg.Error as exc:
        raise JournalError(f"cannot connect to {target.display}: {_first_line(exc)}") from None
    try:
        conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
        conn.execute(
            "SELECT set_config('synchronous_commit', 'on', false),"
            " set_config('lock_timeout', %s, false)",
            (f"{int(LOCK_TIMEOUT * 1000)}ms",),
        )
    except psycopg.Error as exc:
        conn.close()
        raise _lost(target, exc, "setting up the connection") from None
    return conn


def _connect_error(target: Target, exc: psycopg.Error, for_create: bool) -> JournalError:
    """Turn libpq's connection failure into a message naming the server and the remedy."""
    text = str(exc).strip()
    # "connection failed: connection to server at "h", port p failed: FATAL:  reason\n\thint"
    reason = _reason(re.split(r"failed: ", text)[-1] if "failed: " in text else text)
    where = f"the PostgreSQL server of {target.display}"
    if re.search(r'database ".*" does not exist', reason):
        if for_create:
            return JournalError(
                f"{reason} on the server of {target.display}: create it first "
                f"(createdb {target.database}), see docs/postgres.md"
            )
        return SessionNotFound(f"there is no session at {target.display}: {reason}")
    if "does not exist" in reason or "authentication failed" in reason or "no pg_hba" in reason:
        return JournalError(f"the server refused {target.display}: {reason}")
    # Refused, unreachable, timed out, starting up, shutting down ...: try again later.
    return ConnectionLost(f"cannot connect to {where}: {reason}", reason=reason)


def _reason(text: str) -> str:
    """libpq's message in one line: ``first line (the hint that follows)``."""
    text = re.sub(r"^(?:(?:consuming input|sending query(?: and params)?) failed: )+", "", text)
    lines = []
    for line in text.strip().splitlines():
        line = re.sub(r"^(?:FATAL|ERROR|DETAIL|HINT):\s+", "", line.strip())
        if line:
            lines.append(line)
    if not lines:
        return "no reason given"
    hint = " ".join(lines[1:])
    if not hint or hint.startswith("This probably means the server terminated abnormally"):
        return lines[0]
    if hint[:1].isupper() and hint[1:2].islower():
        hint = hint[:1].lower() + hint[1:]
    return f"{lines[0]} ({hint.rstrip('.')})"


#: What an operation was doing, by what it needs permission to do (see _translated).
_DOING = {
    "create": "creating the session",
    "read": "reading",
    "write to": "writing",
    "drop": "dropping the session",
    "follow": "starting to follow the session",
}


def _lost(target: Target, exc: BaseException, doing: str) -> ConnectionLost:
    reason = _reason(str(exc))
    return ConnectionLost(
        f"lost the connection to the PostgreSQL server of {target.display} while "
        f"{_DOING.get(doing, doing)} "
        f"({reason}); the next operation reconnects",
        reason=reason,
    )


def _lost_for_good(
    target: Target, first: ConnectionLost, again: ConnectionLost, doing: str
) -> ConnectionLost:
    """The connection was lost, and connecting again failed too."""
    return ConnectionLost(
        f"lost the connection to the PostgreSQL server of {target.display} while "
        f"{_DOING.get(doing, doing)} ({first.reason}), and cannot connect again "
        f"({again.reason}); the next operation tries again",
        reason=again.reason,
    )


def _broken(conn: _Conn | None) -> bool:
    return conn is None or conn.closed or conn.broken


@contextmanager
def _translated(target: Target, doing: str, conn: _Conn | None) -> Iterator[None]:
    """Turn psycopg's errors raised while ``doing`` something into journal errors."""
    try:
        yield
    except JournalError:
        raise
    except pg_errors.SerializationFailure as exc:  # a cell's append found the session moved
        raise Conflict(_first_line(exc)) from None
    except pg_errors.InsufficientPrivilege as exc:
        raise JournalError(
            f"permission denied: role {target.user} may not {doing} {target.what} "
            f"({_first_line(exc)}); docs/postgres.md lists the privileges a session needs"
        ) from None
    except pg_errors.LockNotAvailable:
        raise JournalError(
            f"{target.what} is too busy: waited {LOCK_TIMEOUT:.0f} s for the other writers"
        ) from None
    except pg_errors.UndefinedTable as exc:
        raise NotASession(
            f"{target.what} is damaged or was dropped while in use ({_first_line(exc)})"
        ) from None
    except psycopg.DataError as exc:  # a value PostgreSQL cannot store (NUL, out of range)
        raise ValueError(f"cannot store this event in PostgreSQL: {_first_line(exc)}") from None
    except psycopg.OperationalError as exc:
        if _broken(conn):
            raise _lost(target, exc, doing) from None
        raise JournalError(f"{target.what}: {_first_line(exc)}") from None
    except psycopg.Error as exc:
        if _broken(conn):
            raise _lost(target, exc, doing) from None
        raise JournalError(f"{target.what}: {_first_line(exc)}") from None


# ------------------------------------------------------------------------------ schema


@attrs.frozen
class _Sql:
    """The statements of one session, with its schema's name quoted into them."""

    schema: sql.Identifier

    def q(self, text: str) -> sql.Composed:
        return sql.SQL(text).format(s=self.schema)

    @property
    def create(self) -> list[sql.Composed]:
        return [
            self.q("CREATE TABLE {s}.schema_version (version integer NOT NULL)"),
            self.q("CREATE TABLE {s}.meta (key text PRIMARY KEY, value text NOT NULL)"),
            self.q(
                "CREATE TABLE {s}.events ("
                " seq bigint PRIMARY KEY CHECK (seq > 0),"
                " type text NOT NULL,"
                " actor text NOT NULL,"
                " wall_us bigint NOT NULL,"
                " game_ms bigint NOT NULL,"
                " payload text NOT NULL,"
                " prev_hash text NOT NULL,"
                " hash text NOT NULL)"
            ),
            self.q(
                "CREATE FUNCTION {s}.events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'the journal is append-only'; END $$"
            ),
            self.q(
                "CREATE TRIGGER events_no_update BEFORE UPDATE ON {s}.events"
                " FOR EACH ROW EXECUTE FUNCTION {s}.events_append_only()"
            ),
            self.q(
                "CREATE TRIGGER events_no_delete BEFORE DELETE ON {s}.events"
                " FOR EACH ROW EXECUTE FUNCTION {s}.events_append_only()"
            ),
            self.q(
                "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON {s}.events"
                " FOR EACH STATEMENT EXECUTE FUNCTION {s}.events_append_only()"
            ),
        ]

    @property
    def drop(self) -> list[sql.Composed]:
        return [
            self.q("DROP TABLE IF EXISTS {s}.events, {s}.meta, {s}.schema_version"),
            self.q("DROP FUNCTION IF EXISTS {s}.events_append_only()"),
            # what exercise grant adds (exercise.roles)
            self.q(
                "DROP FUNCTION IF EXISTS {s}.append_cell(bigint, jsonb), {s}.head(),"
                " {s}.player_meta(), {s}.visible(bigint, text, text, text),"
                " {s}.visible_to(text, bigint, text, text, text), {s}.cell_of(),"
                " {s}.event_hash(bigint, text, text, bigint, bigint, text, text),"
                " {s}.canonical(jsonb)"
            ),
            self.q("DROP TABLE IF EXISTS {s}.principals, {s}.player_scenario"),
        ]

    @property
    def version(self) -> sql.Composed:
        return self.q("SELECT max(version) FROM {s}.schema_version")

    @property
    def set_version(self) -> sql.Composed:
        return self.q("INSERT INTO {s}.schema_version (version) VALUES (%s)")

    @property
    def meta(self) -> sql.Composed:
        return self.q("SELECT key, value FROM {s}.meta")

    @property
    def player_meta(self) -> sql.Composed:
        return self.q("SELECT key, value FROM {s}.player_meta()")

    @property
    def cell_head(self) -> sql.Composed:
        return self.q("SELECT seq, hash FROM {s}.head()")

    @property
    def insert_meta(self) -> sql.Composed:
        return self.q("INSERT INTO {s}.meta (key, value) VALUES (%s, %s)")

    @property
    def head(self) -> sql.Composed:
        return self.q("SELECT seq, hash FROM {s}.events ORDER BY seq DESC LIMIT 1")

    @property
    def select(self) -> sql.Composed:
        return self.q(
            "SELECT seq, type, actor, wall_us, game_ms, payload, prev_hash, hash"
            " FROM {s}.events WHERE seq > %s ORDER BY seq LIMIT %s"
        )

    @property
    def hashes(self) -> sql.Composed:
        return self.q("SELECT seq, hash FROM {s}.events WHERE seq >= %s AND seq <= %s ORDER BY seq")

    def begin(self, lock_key: int) -> sql.Composed:
        return sql.SQL(
            "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({key}); "
            "SELECT seq, hash FROM {s}.events ORDER BY seq DESC LIMIT 1"
        ).format(key=sql.Literal(lock_key), s=self.schema)

    def begin_cell(self, lock_key: int) -> sql.Composed:
        """As :meth:`begin`, for a cell's role: the head comes from ``head()`` (the role
        may not see every event)."""
        return sql.SQL(
            "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({key}); "
            "SELECT seq, hash FROM {s}.head()"
        ).format(key=sql.Literal(lock_key), s=self.schema)

    def append_cell(self, expect: int | None, rows: str) -> sql.Composed:
        """Add ``rows`` (a JSON array) through the server's checks, and commit."""
        return sql.SQL("SELECT {s}.append_cell({expect}, {rows}::jsonb); COMMIT").format(
            s=self.schema, expect=sql.Literal(expect), rows=sql.Literal(rows)
        )

    def insert_values(self, rows: sql.Composable, channel: str) -> sql.Composed:
        """Add ``rows``, announce the new head and commit: one message, no parameters."""
        return sql.SQL(
            "WITH added AS ("
            " INSERT INTO {s}.events"
            " (seq, type, actor, wall_us, game_ms, payload, prev_hash, hash)"
            " VALUES {rows} RETURNING seq)"
            " SELECT pg_notify({channel}, max(seq)::text) FROM added; COMMIT"
        ).format(s=self.schema, rows=rows, channel=sql.Literal(channel))


_LOCK = "SELECT pg_advisory_xact_lock(%s)"
_TABLES_OF = (
    "SELECT c.relname FROM pg_catalog.pg_class c"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
)
_SCHEMA_EXISTS = "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = %s"


def _tables(conn: _Conn, schema: str) -> set[str] | None:
    """The tables in ``schema``; None when there is no such schema."""
    if conn.execute(_SCHEMA_EXISTS, (schema,)).fetchone() is None:
        return None
    return {name for (name,) in conn.execute(_TABLES_OF, (schema,))}


def _check_session(conn: _Conn, target: Target, q: _Sql) -> dict[str, str]:
    """Raise unless ``target`` names a whole session this release can read; its metadata."""
    tables = _tables(conn, target.schema)
    if tables is None:
        raise SessionNotFound(
            f"there is no session {target.schema!r} at {target.display} (no schema of that "
            "name in the database)"
        )
    if not tables & set(_TABLES):
        if tables:
            hint = "" if target.schema != DEFAULT_SCHEMA else " (add ?session=NAME to the URL)"
            raise NotASession(f"{target.what} holds other tables, not an exercise session{hint}")
        if target.schema == DEFAULT_SCHEMA:
            raise SessionNotFound(
                f"there is no session at {target.display} (the database holds none outside "
                "named sessions: a URL names one with ?session=NAME)"
            )
        raise SessionNotFound(f"there is no session at {target.display} (its schema is empty)")
    if "schema_version" in tables:
        (version,) = conn.execute(q.version).fetchone() or (None,)
        if version is not None and version > SCHEMA_VERSION:
            raise _newer(target, version)
    if "meta" not in tables or "schema_version" not in tables:
        raise NotASession(f"{target.what} is not an exercise session (it lacks our tables)")
    meta: dict[str, str] = dict(conn.execute(q.meta).fetchall())
    if meta.get("format") != FORMAT_NAME:
        raise NotASession(f"{target.what} is not an exercise session")
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise NotASession(
            f"{target.what} has an unreadable schema version {meta.get('schema_version')!r}"
        ) from None
    if version > SCHEMA_VERSION:
        raise _newer(target, version)
    if "events" not in tables:
        raise NotASession(f"{target.what} is damaged: it has no events table")
    return meta


def _plays_a_cell(conn: _Conn, target: Target) -> bool:
    """Whether this connection's role reaches the session only as a cell (it may not read
    ``meta`` but may call ``player_meta()``; see exercise.roles)."""
    row = conn.execute(
        "SELECT has_schema_privilege(n.oid, 'USAGE')"
        " AND NOT has_table_privilege(c.oid, 'SELECT')"
        " AND has_function_privilege(p.oid, 'EXECUTE')"
        " FROM pg_catalog.pg_namespace n"
        " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = 'meta'"
        " JOIN pg_catalog.pg_proc p ON p.pronamespace = n.oid AND p.proname = 'player_meta'"
        " WHERE n.nspname = %s",
        (target.schema,),
    ).fetchone()
    return bool(row and row[0])


def _check_meta(target: Target, meta: dict[str, str]) -> None:
    """Raise unless ``meta`` (as a cell's role sees it) is one of our sessions, not too new."""
    if meta.get("format") != FORMAT_NAME or "principal" not in meta:
        raise NotASession(f"{target.what} is not an exercise session you play a cell in")
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise NotASession(f"{target.what} has an unreadable schema version") from None
    if version > SCHEMA_VERSION:
        raise _newer(target, version)


def _newer(target: Target, version: int) -> NewerSession:
    return NewerSession(
        f"{target.what} was written by a newer release of exercise (session schema {version}; "
        f"this release reads up to {SCHEMA_VERSION}): upgrade exercise to open it"
    )


# ----------------------------------------------------------------------------- journal


class PostgresJournal:
    """A session stored in a PostgreSQL schema. Use :meth:`create` or :meth:`open`.

    One instance may be shared by the threads of a process (calls are serialised; a
    follower blocked in :meth:`wait` uses a second connection and blocks nobody).
    """

    def __init__(self, target: Target, conn: _Conn, genesis: str) -> None:
        self._target = target
        self._genesis = genesis
        self._q = _Sql(sql.Identifier(target.schema))
        self._begin = self._q.begin(target.lock_key)
        self._begin_cell = self._q.begin_cell(target.lock_key)
        self._conn: _Conn | None = conn
        self._lock = threading.Lock()
        self._listener: _Conn | None = None
        self._listen_lock = threading.Lock()
        self._closed = False
        self._principal: str | None = None

    # ------------------------------------------------------------------ opening

    @classmethod
    def create(cls, url: str, meta: Mapping[str, str]) -> PostgresJournal:
        """Create the session ``url`` names (its schema too, unless it exists and is empty).

        ``format`` and ``schema_version`` are always ours; ``created`` defaults to now.
        """
        target = parse_url(url)
        q = _Sql(sql.Identifier(target.schema))
        rows = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            **meta,
            "format": FORMAT_NAME,
            "schema_version": str(SCHEMA_VERSION),
        }
        conn = _connect(target, for_create=True)
        try:
            with _translated(target, "create", conn), conn.transaction():
                conn.execute(_LOCK, (target.lock_key,))  # one creator at a time
                tables = _tables(conn, target.schema)
                if tables is not None and tables & set(_TABLES):
                    raise SessionExists(
                        f"{target.what} already exists: choose another session name, "
                        "or join that session"
                    )
                if tables:
                    raise JournalError(
                        f"cannot create {target.what}: its schema holds other tables "
                        "(choose another session name)"
                    )
                if tables is None:
                    conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(target.schema)))
                for statement in q.create:
                    conn.execute(statement)
                conn.execute(q.set_version, (SCHEMA_VERSION,))
                with conn.cursor() as cur:
                    cur.executemany(q.insert_meta, list(rows.items()))
        except BaseException:
            conn.close()
            raise
        return cls(target, conn, genesis_of(rows))

    @classmethod
    def open(cls, url: str) -> PostgresJournal:
        """Open an existing session, checking it is one of ours, whole, and not too new."""
        target = parse_url(url)
        conn = _connect(target)
        principal = None
        try:
            with _translated(target, "read", conn):
                q = _Sql(sql.Identifier(target.schema))
                if _plays_a_cell(conn, target):
                    meta: dict[str, str] = dict(conn.execute(q.player_meta).fetchall())
                    principal = meta.get("principal")
                    _check_meta(target, meta)
                else:
                    meta = _check_session(conn, target, q)
        except BaseException:
            conn.close()
            raise
        journal = cls(target, conn, genesis_of(meta))
        journal._principal = principal
        return journal

    @classmethod
    def exists(cls, url: str) -> bool:
        """Whether ``url`` names an existing session (or something in its way)."""
        target = parse_url(url)
        try:
            conn = _connect(target)
        except SessionNotFound:  # no such database
            return False
        try:
            with _translated(target, "read", conn):
                tables = _tables(conn, target.schema)
        finally:
            conn.close()
        return bool(tables and tables & set(_TABLES))

    @classmethod
    def drop(cls, url: str) -> None:
        """Delete the session ``url`` names, for good (and its schema, unless ``public``).

        Refuses anything that is not one of our sessions.
        """
        target = parse_url(url)
        q = _Sql(sql.Identifier(target.schema))
        conn = _connect(target)
        try:
            with _translated(target, "drop", conn), conn.transaction():
                conn.execute(_LOCK, (target.lock_key,))
                tables = _tables(conn, target.schema)
                if tables is None or "meta" not in tables:
                    raise SessionNotFound(f"there is no session at {target.display}")
                meta: dict[str, str] = dict(conn.execute(q.meta).fetchall())
                if meta.get("format") != FORMAT_NAME:
                    raise NotASession(f"{target.what} is not an exercise session")
                for statement in q.drop:
                    conn.execute(statement)
                if target.schema != DEFAULT_SCHEMA and not _tables(conn, target.schema):
                    conn.execute(sql.SQL("DROP SCHEMA {}").format(sql.Identifier(target.schema)))
        finally:
            conn.close()

    # --------------------------------------------------------------- operations

    @property
    def address(self) -> str:
        return self._target.url

    @property
    def target(self) -> Target:
        return self._target

    @property
    def principal(self) -> str | None:
        """The cell this connection's role plays (see exercise.roles): it reads only
        what that cell may see and writes only as that cell. None for control's role (or any
        role with plain access to the session's tables)."""
        return self._principal

    def meta(self) -> dict[str, str]:
        query = self._q.meta if self._principal is None else self._q.player_meta

        def run(conn: _Conn) -> dict[str, str]:
            return dict(conn.execute(query).fetchall())

        return self._retrying("read", run)

    def head(self) -> tuple[int, str]:
        query = self._q.head if self._principal is None else self._q.cell_head

        def run(conn: _Conn) -> tuple[int, str]:
            row = conn.execute(query).fetchone()
            return (row[0], row[1]) if row else (0, self._genesis)

        return self._retrying("read", run)

    def append(self, events: Sequence[NewEvent], *, expect_head: int | None = None) -> list[Event]:
        for new in events:
            check_new_event(new)
        payloads = [canonical_json(new.payload) for new in events]
        if not events:
            if expect_head is not None:
                seq = self.head()[0]
                if seq != expect_head:
                    raise _conflict(expect_head, seq)
            return []
        with self._lock:
            fresh = _broken(self._conn)
            conn = self._connection()
            try:
                sealed = self._append_on(conn, events, payloads, expect_head)
            except _NotSent as unsent:
                if fresh:  # a new connection failed at once: the server is not there
                    raise unsent.error from None
                # The connection went stale while idle; nothing was sent: try once more.
                self._discard()
                conn = self._reconnect(unsent.error, "write to")
                try:
                    sealed = self._append_on(conn, events, payloads, expect_head)
                except _NotSent as again:
                    self._discard()
                    raise again.error from None
                except _InDoubt as doubt:
                    self._discard()
                    sealed = self._resolve(doubt)
            except _InDoubt as doubt:
                self._discard()
                sealed = self._resolve(doubt)
        # Hand back the payloads as stored (lists, not tuples ...), exactly as read() will.
        return [
            attrs.evolve(e, payload=json.loads(p)) for e, p in zip(sealed, payloads, strict=True)
        ]

    def _append_on(
        self,
        conn: _Conn,
        events: Sequence[NewEvent],
        payloads: list[str],
        expect_head: int | None,
    ) -> list[Event]:
        """One append transaction; connection failures come out as _NotSent or _InDoubt."""
        target, q = self._target, self._q
        committing = False
        sealed: list[Event] = []
        try:
            with _translated(target, "write to", conn):
                try:
                    # Two round trips, the lock held over one: BEGIN, lock and head in one
                    # message; the rows, the NOTIFY and COMMIT in another. The head query
                    # is a statement of its own: its snapshot is taken once the lock is
                    # held, so it sees every append committed before.
                    cell = self._principal is not None
                    cur = conn.execute(self._begin_cell if cell else self._begin)
                    while cur.nextset():
                        pass
                    row = cur.fetchone()
                    seq, prev_hash = (row[0], row[1]) if row else (0, self._genesis)
                    # A cell sees only some events: the server checks that none it may see
                    # came after ``expect_head``.
                    if not cell and expect_head is not None and seq != expect_head:
                        raise _conflict(expect_head, seq)
                    for new in events:
                        seq += 1
                        sealed.append(chain(seq, new, prev_hash))
                        prev_hash = sealed[-1].hash
                    if cell:
                        statement = q.append_cell(expect_head, _rows_json(sealed, payloads))
                    else:
                        statement = q.insert_values(_values(sealed, payloads), target.channel)
                    committing = True  # the rows and the COMMIT leave together
                    conn.execute(statement)
                except BaseException:
                    if _broken(conn):
                        if committing:
                            raise _InDoubt(sealed) from None
                        raise
                    _rollback(conn)
                    raise
        except ConnectionLost as lost:
            raise _NotSent(lost) from None
        return sealed

    def _resolve(self, doubt: _InDoubt) -> list[Event]:
        """The connection died while committing ``doubt.sealed``: find out whether it did."""
        first, last = doubt.sealed[0].seq, doubt.sealed[-1].seq
        message = (
            f"lost the connection to the PostgreSQL server of {self._target.display} while "
            f"committing events {first}-{last}"
        )
        try:
            conn = self._connection()
            with _translated(self._target, "read", conn):
                found = conn.execute(self._q.hashes, (first, last)).fetchall()
        except JournalError:
            self._discard()
            raise ConnectionLost(
                f"{message}; they may or may not have been written (the server did not say); "
                "the next operation reconnects",
                in_doubt=doubt.sealed,
            ) from None
        if [tuple(row) for row in found] == [(e.seq, e.hash) for e in doubt.sealed]:
            return doubt.sealed  # it did commit: acknowledged after all
        raise ConnectionLost(f"{message}; they were not written; the next operation reconnects")

    def read(self, after: int = 0, limit: int | None = None) -> list[Event]:
        if limit is not None and limit < 0:
            raise ValueError(f"limit must not be negative, got {limit}")

        def run(conn: _Conn) -> list[TupleRow]:
            return conn.execute(self._q.select, (after, limit)).fetchall()

        rows = self._retrying("read", run)
        return events_from_rows(rows, self._target.what)

    def wait(self, after: int, timeout: float) -> list[Event]:
        deadline = time.monotonic() + timeout
        with self._listen_lock:
            fresh = _broken(self._listener)
            doing = "waiting for new events"
            try:
                return self._wait_on(self._listening(), after, deadline)
            except psycopg.Error as exc:
                self._close_listener()
                lost = _lost(self._target, exc, doing)
                if fresh:
                    raise lost from None
            try:  # the connection had died while idle: once more on a new one
                listener = self._listening()
            except ConnectionLost as again:
                raise _lost_for_good(self._target, lost, again, doing) from None
            try:
                return self._wait_on(listener, after, deadline)
            except psycopg.Error as exc:
                self._close_listener()
                raise _lost(self._target, exc, doing) from None

    def _wait_on(self, listener: _Conn, after: int, deadline: float) -> list[Event]:
        for _ in listener.notifies(timeout=0):  # old news: what is there is read below
            pass
        while True:
            events = self.read(after)
            remaining = deadline - time.monotonic()
            if events or remaining <= 0:
                return events
            # Block until an append past ``after`` is announced, or the deadline.
            for note in listener.notifies(timeout=remaining):
                if not note.payload.isdigit() or int(note.payload) > after:
                    break

    def close(self) -> None:
        self._closed = True
        with self._listen_lock:
            self._close_listener()
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> PostgresJournal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgresJournal({self._target.display!r})"

    # ------------------------------------------------------------- connections

    def _connection(self) -> _Conn:
        """The connection, made again if it was lost (call with ``_lock`` held)."""
        if self._closed:
            raise JournalError(f"the journal of {self._target.what} is closed")
        if _broken(self._conn):
            self._discard()
            self._conn = _connect(self._target)
        assert self._conn is not None
        _rollback(self._conn)
        return self._conn

    def _reconnect(self, lost: ConnectionLost, doing: str) -> _Conn:
        """A new connection after ``lost`` (call with ``_lock`` held)."""
        try:
            return self._connection()
        except ConnectionLost as again:
            raise _lost_for_good(self._target, lost, again, doing) from None

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _retrying(self, doing: str, run: Callable[[_Conn], _T]) -> _T:
        """``run(connection)``, once more on a new connection if the old one had died
        while idle (nothing ``run`` does may change the journal)."""
        with self._lock:
            fresh = _broken(self._conn)
            conn = self._connection()
            try:
                with _translated(self._target, doing, conn):
                    return run(conn)
            except ConnectionLost as lost:
                self._discard()
                if fresh:
                    raise
                first = lost
            conn = self._reconnect(first, doing)
            try:
                with _translated(self._target, doing, conn):
                    return run(conn)
            except ConnectionLost:
                self._discard()
                raise

    def _listening(self) -> _Conn:
        """The follower's connection, LISTENing to this session (call with ``_listen_lock``)."""
        if self._closed:
            raise JournalError(f"the journal of {self._target.what} is closed")
        if _broken(self._listener):
            self._close_listener()
            conn = _connect(self._target)
            try:
                with _translated(self._target, "follow", conn):
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._target.channel)))
            except BaseException:
                conn.close()
                raise
            self._listener = conn
        assert self._listener is not None
        return self._listener

    def _close_listener(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None


def _rows_json(sealed: Sequence[Event], payloads: Sequence[str]) -> str:
    """The events as a JSON array for ``append_cell`` (payloads as their stored text)."""
    return json.dumps(
        [
            {"seq": e.seq, "type": e.type, "actor": e.actor, "wall_us": e.wall_us,
             "game_ms": e.game_ms, "payload": p, "prev_hash": e.prev_hash, "hash": e.hash}
            for e, p in zip(sealed, payloads, strict=True)
        ],
        ensure_ascii=False,
    )  # fmt: skip


def _values(sealed: Sequence[Event], payloads: Sequence[str]) -> sql.Composed:
    """``(seq, type, ...), (...)``: the events as SQL literals, for a VALUES list."""
    return sql.SQL(", ").join(
        sql.SQL("({})").format(
            sql.SQL(", ").join(
                sql.Literal(value)
                for value in (e.seq, e.type, e.actor, e.wall_us, e.game_ms, p, e.prev_hash, e.hash)
            )
        )
        for e, p in zip(sealed, payloads, strict=True)
    )


def _rollback(conn: _Conn) -> None:
    """End a transaction left open (by an error or an interrupt between round trips)."""
    if not _broken(conn) and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        with contextlib.suppress(psycopg.Error):
            conn.execute("ROLLBACK")


def _conflict(expected: int, seq: int) -> Conflict:
    return Conflict(
        f"the session moved on: expected event {expected} to be the last, but event {seq} is"
    )


class _NotSent(Exception):
    """The connection failed before the commit was sent: nothing was written."""

    def __init__(self, error: ConnectionLost) -> None:
        self.error = error


class _InDoubt(Exception):
    """The connection failed while the commit was on the wire."""

    def __init__(self, sealed: list[Event]) -> None:
        self.sealed = sealed
