"""The journal contract: an append-only, hash-chained log of exercise events.

Every backend (SQLite now, PostgreSQL later) implements :class:`Journal` and passes the
same contract tests. Game time and wall time are integers so that the canonical form
(and so the hash) is identical in every process and backend.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from exercise.errors import JournalProblem
from exercise.model.event import Event as Event
from exercise.model.event import NewEvent as NewEvent

#: Journal schema version written into every session; a session with a higher version
#: was written by a newer release and is refused.
SCHEMA_VERSION = 1
#: The value of the ``format`` metadata key that marks a file as one of our sessions.
FORMAT_NAME = "exercise-session"
#: ``prev_hash`` of the first event of a session made before genesis hashes (version 1).
GENESIS_HASH = "0" * 64
#: The metadata key holding a session's genesis hash: the ``prev_hash`` of its first event,
#: a hash of all its other metadata (so the chain covers the scenario stored with it).
GENESIS_KEY = "genesis"
#: Version of the genesis hash written into new sessions (``genesis_version`` metadata).
GENESIS_VERSION = 2


def genesis_hash(meta: Mapping[str, str]) -> str:
    """The genesis hash of a session with metadata ``meta`` (any ``genesis`` key ignored):
    SHA-256 over a versioned prefix and the metadata as canonical JSON."""
    body = {k: v for k, v in meta.items() if k != GENESIS_KEY}
    version = body.get("genesis_version", str(GENESIS_VERSION))
    data = f"exercise-genesis-{version}\n{canonical_json(body)}".encode()
    return hashlib.sha256(data).hexdigest()


def genesis_of(meta: Mapping[str, str]) -> str:
    """The ``prev_hash`` the first event of a session with ``meta`` follows: the stored
    genesis hash, or the all-zero hash of sessions made before genesis hashes."""
    return meta.get(GENESIS_KEY) or GENESIS_HASH


def metadata_problem(meta: Mapping[str, str]) -> str | None:
    """Why ``meta`` is not what the session was created with, or None. Only sessions with a
    genesis hash can tell (those made before it cannot)."""
    stored = meta.get(GENESIS_KEY)
    if stored is None:
        return None
    if genesis_hash(meta) != stored:
        return (
            "its metadata (the scenario stored with it) was changed after it was created: "
            "it no longer matches the genesis hash the chain starts from"
        )
    return None


def canonical(seq: int, new: NewEvent, prev_hash: str) -> bytes:
    """The canonical bytes an event's hash covers (sorted-key compact JSON, UTF-8)."""
    body = {
        "seq": seq,
        "type": new.type,
        "actor": new.actor,
        "wall_us": new.wall_us,
        "game_ms": new.game_ms,
        "payload": new.payload,
        "prev_hash": prev_hash,
    }
    return canonical_json(body).encode("utf-8")


def canonical_json(value: Any) -> str:
    """Sorted-key compact JSON: the form payloads are hashed and stored in."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def check_new_event(new: NewEvent) -> None:
    """Refuse field types that would not survive storage unchanged (and so break the hash):
    ``type`` and ``actor`` must be ``str``, ``wall_us`` and ``game_ms`` ``int`` (not ``bool``)."""
    for name, text in (("type", new.type), ("actor", new.actor)):
        if not isinstance(text, str):
            raise TypeError(f"NewEvent.{name} must be a str, not {text!r}")
    for name, number in (("wall_us", new.wall_us), ("game_ms", new.game_ms)):
        if not isinstance(number, int) or isinstance(number, bool):
            raise TypeError(f"NewEvent.{name} must be an int, not {number!r}")


def chain(seq: int, new: NewEvent, prev_hash: str) -> Event:
    """Seal ``new`` as event ``seq`` following ``prev_hash``."""
    digest = hashlib.sha256(canonical(seq, new, prev_hash)).hexdigest()
    # a typed NewEvent hands its data on; one made from a raw payload is decoded when read
    return Event(
        seq, new.type, new.actor, new.wall_us, new.game_ms, new.payload, prev_hash, digest,
        new.data,
    )  # fmt: skip


class JournalError(JournalProblem):
    """Base of every journal problem a user can meet; the message says what to do."""


class SessionNotFound(JournalError):
    pass


class SessionExists(JournalError):
    pass


class NotASession(JournalError):
    """The file exists but is not one of our sessions (foreign, truncated or corrupt)."""


class NewerSession(JournalError):
    """The session was written by a newer release (higher schema version)."""


class Conflict(JournalError):
    """``append(..., expect_head=n)`` found the journal had moved past ``n``."""


class CorruptEvent(JournalError):
    """A stored event cannot be decoded at all (e.g. its payload is not JSON)."""

    def __init__(self, seq: int, message: str) -> None:
        super().__init__(message)
        self.seq = seq


@runtime_checkable
class Journal(Protocol):
    """An append-only event log that several processes may append to and follow."""

    @property
    def address(self) -> str: ...

    def meta(self) -> dict[str, str]:
        """Session metadata (format, schema_version, scenario, created ...)."""
        ...

    def head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the last event; ``(0, genesis)`` when empty (see
        :func:`genesis_of`)."""
        ...

    def append(self, events: Sequence[NewEvent], *, expect_head: int | None = None) -> list[Event]:
        """Append atomically and durably; all or nothing. With ``expect_head``, raise
        :class:`Conflict` unless the head seq is still ``expect_head``."""
        ...

    def read(self, after: int = 0, limit: int | None = None) -> list[Event]:
        """Events with ``seq > after`` in order (at most ``limit``)."""
        ...

    def wait(self, after: int, timeout: float) -> list[Event]:
        """Block until there are events after ``after`` (return them) or ``timeout``
        seconds pass (return ``[]``)."""
        ...

    def close(self) -> None: ...


#: Largest wall time a stored event may carry (the last microsecond of year 9999).
MAX_WALL_US = 253_402_300_799_999_999
#: Largest game time, either way, a stored event may carry (a thousand years, in ms): with a
#: start the loader keeps between the years 1000 and 8999 every game time is a real date.
MAX_GAME_MS = 1000 * 366 * 24 * 3600 * 1000


def events_from_rows(rows: Sequence[Sequence[Any]], where: str) -> list[Event]:
    """Stored rows ``(seq, type, actor, wall_us, game_ms, payload JSON, prev_hash, hash)``
    as events; a payload that is not JSON, or a column of the wrong type or out of range
    (a journal edited by hand), raises CorruptEvent naming the event and where."""
    loads = json.loads
    try:
        events = [Event(s, t, a, w, g, loads(p), ph, h) for s, t, a, w, g, p, ph, h in rows]
    except (ValueError, TypeError, RecursionError):
        for row in rows:
            try:
                loads(row[5])
            except (ValueError, TypeError, RecursionError):
                raise CorruptEvent(
                    row[0],
                    f"event {row[0]} of {where}: its payload is not valid JSON "
                    "(it was edited or damaged)",
                ) from None
        raise
    for e in events:
        if (  # the fast path: every column of its type and in range
            type(e.seq) is int
            and type(e.type) is str
            and type(e.actor) is str
            and type(e.prev_hash) is str
            and type(e.hash) is str
            and type(e.wall_us) is int
            and type(e.game_ms) is int
            and 0 <= e.wall_us <= MAX_WALL_US
            and -MAX_GAME_MS <= e.game_ms <= MAX_GAME_MS
        ):
            continue
        problem = _column_problem(e)
        if problem:
            raise CorruptEvent(
                e.seq if isinstance(e.seq, int) else 0,
                f"event {e.seq!r} of {where}: {problem} (it was edited or damaged)",
            )
    return events


def _column_problem(e: Event) -> str:
    """What is wrong with the stored columns of ``e``, or ``""``."""
    for name, value, kind in (
        ("seq", e.seq, int),
        ("type", e.type, str),
        ("actor", e.actor, str),
        ("wall_us", e.wall_us, int),
        ("game_ms", e.game_ms, int),
        ("prev_hash", e.prev_hash, str),
        ("hash", e.hash, str),
    ):
        if not isinstance(value, kind) or isinstance(value, bool):
            return f"its {name} is {type(value).__name__} {value!r:.40}, not {kind.__name__}"
    if not 0 <= e.wall_us <= MAX_WALL_US:
        return f"its wall time {e.wall_us} is out of range"
    if not -MAX_GAME_MS <= e.game_ms <= MAX_GAME_MS:
        return f"its game time {e.game_ms} is out of range"
    return ""
