"""Helper for the process tests: follow a session as a console does, printing each new
event's seq (flushed) as ``wait()`` hands it over.

    python follower.py SESSION

It prints ``ready`` once the session is open. A lost connection is reported on stderr
(``lost: MESSAGE``) and the follower carries on, reconnecting on its next wait. SIGTERM
stops it.
"""

from __future__ import annotations

import signal
import sys
import threading

from exercise.journal import JournalError, open_journal


def main() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    journal = open_journal(sys.argv[1])
    print("ready", flush=True)
    seen = 0
    while not stop.is_set():
        try:
            events = journal.wait(seen, timeout=0.5)
        except JournalError as exc:
            print(f"lost: {exc}", file=sys.stderr, flush=True)
            stop.wait(0.1)
            continue
        for event in events:
            if event.seq != seen + 1:
                print(f"gap: event {event.seq} after {seen}", file=sys.stderr, flush=True)
            seen = event.seq
            print(seen, flush=True)
    journal.close()


if __name__ == "__main__":
    main()
