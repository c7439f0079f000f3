"""Journal benchmarks: durable appends against bare SQLite, and reading a long journal.

``run()`` returns one dict per figure: ``name``, ``value``, ``unit``, ``baseline`` and
``ratio`` (``value / baseline``, or None without a baseline), ``target`` (for ``ratio`` when
there is a baseline, else for ``value``) and ``note``.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from exercise.journal import NewEvent, SqliteJournal, canonical_json
from exercise.model.events import MoveSubmitted

BLOCK = 10  # the journal and the bare baseline take turns in blocks of this many appends


def _events(n: int) -> list[NewEvent]:
    """Typed moves, as a session appends them (read() decodes them again)."""
    return [
        NewEvent.of(
            MoveSubmitted(f"cell-{i % 6}", "notify", f"{i} " + "x" * 80, ("red", "white")),
            actor=f"cell-{i % 6}",
            wall_us=1_700_000_000_000_000 + i * 1_000,
            game_ms=i * 1_500,
        )
        for i in range(n)
    ]


def _append_rates(folder: Path, events: list[NewEvent]) -> tuple[float, float]:
    """(journal, bare) appends per second, each append its own durable transaction.

    The two take turns in blocks, so that a slow spell of the disk hits both alike.
    """
    payloads = [canonical_json(event.payload) for event in events]
    bare = sqlite3.connect(folder / "bare.db", isolation_level=None)
    journal = SqliteJournal.create(folder / "journal.db", {"scenario": "bench"})
    journal_s = bare_s = 0.0
    try:
        bare.execute("PRAGMA journal_mode = WAL")
        bare.execute("PRAGMA synchronous = FULL")
        bare.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
        for start in range(0, len(events), BLOCK):
            started = time.perf_counter()
            for payload in payloads[start : start + BLOCK]:
                bare.execute("BEGIN")
                bare.execute("INSERT INTO events (payload) VALUES (?)", (payload,))
                bare.execute("COMMIT")
            bare_s += time.perf_counter() - started
            started = time.perf_counter()
            for event in events[start : start + BLOCK]:
                journal.append([event])
            journal_s += time.perf_counter() - started
    finally:
        bare.close()
        journal.close()
    return len(events) / journal_s, len(events) / bare_s


def _read_seconds(path: Path, count: int) -> float:
    """The best of three reads of a whole journal of ``count`` events, in seconds."""
    events = _events(count)
    with SqliteJournal.create(path, {"scenario": "bench"}) as journal:
        for start in range(0, count, 1_000):
            journal.append(events[start : start + 1_000])
    best = float("inf")
    with SqliteJournal.open(path) as journal:
        for _ in range(3):
            started = time.perf_counter()
            got = len(journal.read())
            best = min(best, time.perf_counter() - started)
    if got != count:
        raise AssertionError(f"read {got} events, expected {count}")
    return best


def run(quick: bool = False) -> list[dict[str, Any]]:
    appends, reads = (300, 10_000) if quick else (2_000, 100_000)
    with tempfile.TemporaryDirectory(prefix="bench-journal-") as tmp:
        journal_rate, bare_rate = _append_rates(Path(tmp), _events(appends))
        read_s = _read_seconds(Path(tmp) / "read.db", reads)
    return [
        {
            "name": "journal.append.durable",
            "value": journal_rate,
            "unit": "events/s",
            "baseline": bare_rate,
            "ratio": journal_rate / bare_rate,
            "target": ">= 0.7",
            "note": (
                f"{appends} single-event appends, one transaction each (WAL, synchronous=FULL);"
                " baseline: bare sqlite3 INSERT+COMMIT of the same canonical payloads, same"
                f" pragmas, taking turns in blocks of {BLOCK}"
            ),
        },
        {
            "name": "journal.read",
            "value": reads / read_s,
            "unit": "events/s",
            "baseline": None,
            "ratio": None,
            "target": ">= 100000",
            "note": f"read() of {reads} events in {read_s:.3f} s (best of 3)",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
