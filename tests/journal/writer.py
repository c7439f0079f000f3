"""Helper for the process tests: append "test.move" events to a session, one per
transaction, printing each committed seq (flushed) once its transaction has committed.

    python writer.py SESSION --writer NAME [--count N] [--batch K] [--wait-for-go] [--retry]

SESSION is a file path or a PostgreSQL URL. ``--count 0`` (the default) appends until
killed, or until SIGTERM (then it finishes the append under way and exits). ``--batch K``
appends K events per transaction instead of one. With ``--wait-for-go`` it opens the
session, prints ``ready`` and waits for a line on stdin before appending.

With ``--retry`` a lost connection is not fatal: the writer says so on stderr (``lost:
MESSAGE``), waits for the server, finds out whether an append whose commit was in doubt
was written (printing its seqs if so), and goes on with the next batch, or the same one
again if it was not written: so the journal ends with each index exactly once.
"""

from __future__ import annotations

import argparse
import itertools
import signal
import sys
import threading
import time
from collections.abc import Sequence

from exercise.journal import Event, Journal, JournalError, NewEvent, open_journal


def settle(journal: Journal, in_doubt: Sequence[Event], stop: threading.Event) -> list[Event]:
    """Once the server answers again: the events of ``in_doubt`` that were written."""
    while True:
        try:
            if not in_doubt:
                journal.head()  # just wait for the server
                return []
            first = in_doubt[0].seq
            found = journal.read(after=first - 1, limit=len(in_doubt))
        except JournalError as exc:
            print(f"reconnecting: {exc}", file=sys.stderr, flush=True)
            if stop.is_set():
                return []
            time.sleep(0.1)
            continue
        same = [(e.seq, e.hash) for e in found] == [(e.seq, e.hash) for e in in_doubt]
        return list(in_doubt) if same else []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("session")
    parser.add_argument("--writer", required=True)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--wait-for-go", action="store_true")
    parser.add_argument("--retry", action="store_true")
    args = parser.parse_args()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    journal = open_journal(args.session)
    if args.wait_for_go:
        print("ready", flush=True)
        sys.stdin.readline()
    starts = range(0, args.count, args.batch) if args.count else itertools.count(0, args.batch)
    for start in starts:
        batch = [
            NewEvent("test.move", args.writer, i, i, {"writer": args.writer, "index": i})
            for i in range(start, start + args.batch)
        ]
        while not stop.is_set():
            try:
                written = journal.append(batch, expect_head=None)
            except JournalError as exc:
                if not args.retry:
                    raise
                print(f"lost: {exc}", file=sys.stderr, flush=True)
                written = settle(journal, getattr(exc, "in_doubt", ()), stop)
                if not written:
                    continue  # not written: the same batch again
            for event in written:
                print(event.seq, flush=True)
            break
        if stop.is_set():
            break
    journal.close()


if __name__ == "__main__":
    main()
