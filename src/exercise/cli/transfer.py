"""``exercise export`` and ``exercise import-session``: move a session between backends.

Both copy one session into a new one, event by event, and lose nothing: the copy has the
same metadata and the same events (seqs, payloads, hashes), so its chain verifies and ends
on the same head hash. A source whose chain does not verify is not copied.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from exercise.errors import SessionProblem
from exercise.i18n import _
from exercise.journal import (
    Journal,
    JournalError,
    NewEvent,
    SessionExists,
    VerifyResult,
    open_journal,
    verify,
)

#: Events copied per append (one transaction each).
PAGE = 5_000


class TransferError(SessionProblem):
    """The copy could not be made; nothing is left at the destination."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help=_("copy a session into a new SQLite session file"),
        description=_(
            "Copy SESSION (a session file or a PostgreSQL URL) into a new session "
            "file: same metadata, same events, same hashes. See docs/postgres.md."
        ),
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help=_("a session file, or a postgresql:// URL (docs/postgres.md)"),
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE.db", help=_("new session file"))
    p.set_defaults(handler=export_cmd)

    p = sub.add_parser(
        "import-session",
        help=_("copy a session file into a new PostgreSQL session"),
        description=_(
            "Copy the session in FILE.db into a new session at URL "
            "(postgresql://USER@HOST/DATABASE?session=NAME): same metadata, same events, same "
            "hashes. See docs/postgres.md."
        ),
    )
    p.add_argument("source", metavar="FILE.db")
    p.add_argument("--to", required=True, metavar="URL", help=_("the new session's address"))
    p.set_defaults(handler=import_cmd)


def copy_session(source: str, dest: str) -> VerifyResult:
    """Copy the session at ``source`` into a new session at ``dest``; the copy's verify
    result. Raises :class:`JournalError` or :class:`TransferError`; on failure nothing is
    left at ``dest`` (unless something was there before, which is never touched)."""
    src = open_journal(source)
    try:
        meta = src.meta()
        dst = open_journal(dest, create=True, meta=meta)  # SessionExists: not ours to remove
        try:
            result = _copy_events(src, dst, _shown(source))
            if dst.meta() != meta:
                raise TransferError(
                    _("the metadata of {source} did not survive the copy").format(
                        source=_shown(source)
                    )
                )
        except BaseException:
            dst.close()
            _remove(dest)
            raise
        dst.close()
    finally:
        src.close()
    return result


def _copy_events(src: Journal, dst: Journal, source: str) -> VerifyResult:
    copied = 0
    while True:
        page = src.read(after=copied, limit=PAGE)
        if not page:
            break
        drafts = [NewEvent(e.type, e.actor, e.wall_us, e.game_ms, e.payload) for e in page]
        written = dst.append(drafts, expect_head=copied)
        for original, copy in zip(page, written, strict=True):
            if (original.seq, original.prev_hash, original.hash) != (
                copy.seq,
                copy.prev_hash,
                copy.hash,
            ):
                raise TransferError(
                    _(
                        "{source} does not verify from event {seq} on "
                        "(run exercise verify {source}): not copied"
                    ).format(source=source, seq=min(original.seq, copy.seq))
                )
        copied = page[-1].seq
    result = verify(dst)
    if not result.ok or result.events != copied:
        raise TransferError(_("the copy does not verify: {reason}").format(reason=result.reason))
    return result


def _remove(address: str) -> None:
    """Delete a session this command created and could not finish."""
    try:
        if address.startswith(("postgresql://", "postgres://")):
            from exercise.journal.postgres import PostgresJournal

            PostgresJournal.drop(address)
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(address + suffix).unlink(missing_ok=True)
    except (JournalError, OSError) as exc:
        print(
            "exercise: "
            + _("could not remove the unfinished copy at {address}: {error}; delete it").format(
                address=address, error=exc
            ),
            file=sys.stderr,
        )


def _run(source: str, dest: str, verb: str) -> int:
    try:
        result = copy_session(source, dest)
    except SessionExists:
        raise
    except (JournalError, TransferError) as exc:
        message = (
            _("{error}; nothing was exported")
            if verb == "exported"
            else _("{error}; nothing was imported")
        )
        raise TransferError(message.format(error=exc)) from None
    done = (
        _("exported {source} to {dest}: {events} events, chain intact, head {head}")
        if verb == "exported"
        else _("imported {source} to {dest}: {events} events, chain intact, head {head}")
    )
    print(
        done.format(
            source=_shown(source),
            dest=_shown(dest),
            events=result.events,
            head=result.head_hash[:16],
        )
    )
    return 0


def _shown(address: str) -> str:
    """The address for messages (a URL's password hidden)."""
    if address.startswith(("postgresql://", "postgres://")):
        from exercise.journal.postgres import parse_url

        try:
            return parse_url(address).display
        except JournalError:
            return _("the PostgreSQL URL given")
    return address


def export_cmd(args: argparse.Namespace) -> int:
    return _run(args.session, os.fspath(args.output), "exported")


def import_cmd(args: argparse.Namespace) -> int:
    return _run(args.source, args.to, "imported")
