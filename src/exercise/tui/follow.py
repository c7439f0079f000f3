"""Following the journal: a thread that waits for events other processes append.

The thread opens its own connection to the session and only posts a message when the
journal's head moves; the app then folds the new events on its own thread.

It sleeps until the journal changes: a session file is watched through the operating
system's file-change notification (watchfiles: inotify, FSEvents, ...), a PostgreSQL
session through LISTEN/NOTIFY (in the journal's ``wait``). A slow poll of the head
(every ``slow_poll`` seconds) is only the fallback, for changes a notification missed."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

from textual.message import Message

from exercise.journal import Journal, JournalError

#: Seconds between two looks at the journal's head when nothing woke the follower.
SLOW_POLL = 2.0


class JournalMoved(Message):
    """The journal has events after ``seq`` that the app has not folded yet."""

    def __init__(self, seq: int) -> None:
        super().__init__()
        self.seq = seq


class JournalTrouble(Message):
    """The follower lost the journal (``text`` says why); it keeps retrying."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def session_file(journal: Journal) -> Path | None:
    """The file a journal lives in, when it is a SQLite session file."""
    from exercise.journal.sqlite import SqliteJournal

    if isinstance(journal, SqliteJournal):
        path = Path(journal.address)
        return path if path.exists() else None
    return None


def follow(
    connect: Callable[[], Journal],
    start_seq: int,
    post: Callable[[Message], object],
    stop: threading.Event,
    *,
    slow_poll: float = SLOW_POLL,
) -> None:
    """Run in a thread: post JournalMoved each time the head moves past what was seen."""
    seen = start_seq
    journal: Journal | None = None
    while not stop.is_set():
        try:
            if journal is None:
                journal = connect()
            path = session_file(journal)
            if path is not None:
                seen = _watch_file(journal, path, seen, post, stop, slow_poll)
                continue
            events = journal.wait(seen, timeout=slow_poll)
            if events:
                seen = events[-1].seq
                post(JournalMoved(seen))
        except JournalError as exc:
            post(JournalTrouble(str(exc)))
            if journal is not None:
                with contextlib.suppress(Exception):  # closing a broken connection
                    journal.close()
                journal = None
            stop.wait(1.0)
    if journal is not None:
        journal.close()


def _watch_file(
    journal: Journal,
    path: Path,
    seen: int,
    post: Callable[[Message], object],
    stop: threading.Event,
    slow_poll: float,
) -> int:
    """Sleep on file-change notifications for the session file (and its WAL), looking
    at the head when woken or every ``slow_poll`` seconds; return when stopped."""
    import watchfiles

    names = {path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"}

    def ours(_change: watchfiles.Change, changed: str) -> bool:
        return Path(changed).name in names

    def look() -> int:
        head = journal.head()[0]
        if head > seen:
            post(JournalMoved(head))
            return head
        return seen

    seen = look()  # anything appended before the watch began
    for _changes in watchfiles.watch(
        path.parent,
        watch_filter=ours,
        debounce=10,
        step=30,
        stop_event=stop,
        rust_timeout=int(slow_poll * 1000),
        yield_on_timeout=True,
        recursive=False,
        raise_interrupt=False,
    ):
        seen = look()
    return seen
