"""Following the journal: a thread that waits for events other processes append.

The thread opens its own connection to the session and only posts a message when the
journal's head moves; the app then folds the new events on its own thread."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from textual.message import Message

from exercise.journal import Journal, JournalError


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


def follow(
    connect: Callable[[], Journal],
    start_seq: int,
    post: Callable[[Message], object],
    stop: threading.Event,
) -> None:
    """Run in a thread: post JournalMoved each time the head moves past what was seen."""
    seen = start_seq
    journal: Journal | None = None
    while not stop.is_set():
        try:
            if journal is None:
                journal = connect()
            events = journal.wait(seen, timeout=0.2)
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
