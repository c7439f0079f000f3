"""Following the journal: a thread that waits for events other processes append.

The thread opens its own connection to the session and only posts a message when the
journal's head moves; the app then folds the new events on its own thread.

It sleeps until the journal changes: a session file is watched through the operating
system's file-change notification (watchfiles: inotify, FSEvents, ...), a PostgreSQL
session through LISTEN/NOTIFY (in the journal's ``wait``). A slow poll of the head
(every ``slow_poll`` seconds) is only the fallback, for changes a notification missed."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.message import Message

from exercise.journal import Journal, JournalError


@functools.cache
def _notifier() -> Any:
    """The notifier behind watchfiles.watch, used directly to set the watch up first
    (None without it: the journal's own wait). Imported by the follower's thread, not
    while the console draws its first frame."""
    try:
        from watchfiles._rust_notify import RustNotify
    except ImportError:  # pragma: no cover - a watchfiles without it
        return None
    return RustNotify


#: Seconds between two looks at the journal's head when nothing woke the follower.
SLOW_POLL = 2.0

#: Seconds until a second look after a change that did not move the head yet.
SETTLE = 0.05

#: Milliseconds the notifier sleeps between two looks at what changed (and at the stop
#: event): the longest a change waits to be noticed, and the follower's wake-ups when
#: nothing happens (20 a second at 50 ms: about 0.07 % of a core).
STEP_MS = 50


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
    step_ms: int = STEP_MS,
) -> None:
    """Run in a thread: post JournalMoved each time the head moves past what was seen."""
    seen = start_seq
    journal: Journal | None = None
    while not stop.is_set():
        try:
            if journal is None:
                journal = connect()
            path = session_file(journal) if _notifier() is not None else None
            if path is not None:
                seen = _watch_file(journal, path, seen, post, stop, slow_poll, step_ms)
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
    step_ms: int = STEP_MS,
) -> int:
    """Sleep on file-change notifications for the session file (and its WAL), looking
    at the head when woken or every ``slow_poll`` seconds; return when stopped.

    The watch is set up before the first look at the head, so that no append can fall
    between the two unnoticed (changes are kept until the next ``watch`` call)."""
    names = {path.name, f"{path.name}-wal", f"{path.name}-journal"}
    timeout = slow_poll
    with _notifier()([str(path.parent)], False, False, 300, False, False) as watcher:
        while not stop.is_set():
            head = journal.head()[0]
            if head > seen:
                post(JournalMoved(head))
                seen = head
                timeout = slow_poll
            while not stop.is_set():
                changes: str | set[tuple[int, str]] = watcher.watch(
                    10, step_ms, int(timeout * 1000), stop
                )
                if changes in ("stop", "signal"):
                    return seen
                if changes == "timeout":
                    timeout = slow_poll
                    break
                if isinstance(changes, set) and any(Path(p).name in names for _, p in changes):
                    # a writer may still be committing: look again soon, not only now
                    timeout = SETTLE
                    break
    return seen
