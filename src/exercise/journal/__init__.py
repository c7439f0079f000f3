"""The session journal: an append-only, hash-chained record of everything in an exercise."""

from __future__ import annotations

from exercise.journal.base import (
    FORMAT_NAME,
    GENESIS_HASH,
    SCHEMA_VERSION,
    Conflict,
    CorruptEvent,
    Event,
    Journal,
    JournalError,
    NewerSession,
    NewEvent,
    NotASession,
    SessionExists,
    SessionNotFound,
    canonical,
    canonical_json,
    chain,
)
from exercise.journal.sqlite import SqliteJournal
from exercise.journal.verify import VerifyResult, verify

__all__ = [
    "FORMAT_NAME",
    "GENESIS_HASH",
    "SCHEMA_VERSION",
    "Conflict",
    "CorruptEvent",
    "Event",
    "Journal",
    "JournalError",
    "NewEvent",
    "NewerSession",
    "NotASession",
    "SessionExists",
    "SessionNotFound",
    "SqliteJournal",
    "VerifyResult",
    "canonical",
    "canonical_json",
    "chain",
    "open_journal",
    "verify",
]

_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_journal(
    address: str,
    *,
    create: bool = False,
    meta: dict[str, str] | None = None,
    read_only: bool = False,
) -> Journal:
    """Open the session at ``address`` (a file path or a ``postgresql://`` URL, see
    docs/postgres.md), or create it with ``create=True``. ``read_only`` opens a session
    file for reading only (for commands that never write)."""
    if address.startswith(_POSTGRES_SCHEMES):
        from exercise.journal.postgres import PostgresJournal  # psycopg only when needed

        if create:
            return PostgresJournal.create(address, meta or {})
        return PostgresJournal.open(address)
    if create:
        return SqliteJournal.create(address, meta or {})
    return SqliteJournal.open(address, read_only=read_only)
