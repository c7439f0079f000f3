"""Helper for the process tests: append "move.submitted" events to a session, one per
transaction, printing each committed seq (flushed) once its transaction has committed.

    python writer.py SESSION --writer NAME [--count N] [--batch K] [--wait-for-go]

``--count 0`` (the default) appends until killed. ``--batch K`` appends K events per
transaction instead of one. With ``--wait-for-go`` it opens the session, prints ``ready``
and waits for a line on stdin before appending.
"""

from __future__ import annotations

import argparse
import itertools
import sys

from exercise.journal import NewEvent, SqliteJournal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("session")
    parser.add_argument("--writer", required=True)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--wait-for-go", action="store_true")
    args = parser.parse_args()

    journal = SqliteJournal.open(args.session)
    if args.wait_for_go:
        print("ready", flush=True)
        sys.stdin.readline()
    starts = range(0, args.count, args.batch) if args.count else itertools.count(0, args.batch)
    for start in starts:
        batch = [
            NewEvent("move.submitted", args.writer, i, i, {"writer": args.writer, "index": i})
            for i in range(start, start + args.batch)
        ]
        for event in journal.append(batch, expect_head=None):
            print(event.seq, flush=True)
    journal.close()


if __name__ == "__main__":
    main()
