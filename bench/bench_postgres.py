"""PostgreSQL journal against SQLite: 16 writers appending at once, one follower.

Each backend gets the same run: 16 writer processes, each on its own connection, append
single events (one durable transaction each) as fast as they can, released together;
a follower on a connection of its own sits in ``wait()`` and notes when each event reaches
it. Figures: appends per second over all writers; the propagation latency (the writer's
``append()`` returns -> the follower's ``wait()`` returns the event), p50 and p95; and the
end-to-end latency (the writer calls ``append()`` -> the follower has it), which includes
waiting for the 15 other writers. SQLite is the baseline, measured in the same run on the
same machine.

The server is ``EXERCISE_BENCH_POSTGRES`` or else ``EXERCISE_TEST_POSTGRES``
(``postgresql://USER@HOST:PORT/DATABASE``); the benchmark makes a session of its own there
and drops it afterwards. Without a server it returns one row saying it was skipped.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from exercise.journal import JournalError, NewEvent, open_journal
from exercise.journal.sqlite import POLL_INTERVAL

WRITERS = 16
ENV = ("EXERCISE_BENCH_POSTGRES", "EXERCISE_TEST_POSTGRES")


def _writer(address: str, name: str, count: int, barrier: Any, results: Any) -> None:
    journal = open_journal(address)
    try:
        barrier.wait()
        started = time.monotonic()
        returned = []
        for i in range(count):
            payload = {"writer": name, "index": i, "sent": time.monotonic(), "text": "x" * 80}
            journal.append([NewEvent("bench.write", name, i, i, payload)])
            returned.append(time.monotonic())
        results.put((name, started, returned))
    finally:
        journal.close()


def _run_backend(address: str, per_writer: int) -> dict[str, float]:
    """Appends/s and latencies (ms) of one backend; the session at ``address`` exists."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WRITERS + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(address, f"w{n}", per_writer, barrier, results))
        for n in range(WRITERS)
    ]
    follower = open_journal(address)
    total = WRITERS * per_writer
    sent: dict[tuple[str, int], float] = {}
    seen_at: dict[tuple[str, int], float] = {}
    try:
        follower.wait(0, timeout=0)  # connected and listening before anything is sent
        for proc in procs:
            proc.start()
        barrier.wait(timeout=120)
        seen = 0
        deadline = time.monotonic() + 600
        while seen < total and time.monotonic() < deadline:
            events = follower.wait(seen, timeout=1.0)
            now = time.monotonic()
            for e in events:
                key = (e.payload["writer"], e.payload["index"])
                sent[key], seen_at[key] = e.payload["sent"], now
            if events:
                seen = events[-1].seq
        reports = [results.get(timeout=60) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=60)
            if proc.is_alive():
                proc.kill()
        follower.close()
    if seen != total:
        raise AssertionError(f"the follower saw {seen} of {total} events")
    returned = {(name, i): t for name, _, times in reports for i, t in enumerate(times)}
    elapsed = max(max(times) for *_, times in reports) - min(start for _, start, _ in reports)
    end_to_end = statistics.quantiles([seen_at[k] - sent[k] for k in seen_at], n=100)
    # Negative when the follower had it before the writer's process got to note the return.
    propagation = statistics.quantiles([seen_at[k] - returned[k] for k in seen_at], n=100)
    return {
        "rate": total / elapsed,
        "p50": propagation[49] * 1000,
        "p95": propagation[94] * 1000,
        "e2e_p50": end_to_end[49] * 1000,
        "e2e_p95": end_to_end[94] * 1000,
    }


def _server_note(url: str) -> str:
    import psycopg

    from exercise.journal.postgres import parse_url

    with psycopg.connect(parse_url(url).conninfo) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        fsync = conn.execute("SHOW fsync").fetchone()
    return f"PostgreSQL {version[0] if version else '?'} (fsync={fsync[0] if fsync else '?'})"


def run(quick: bool = False) -> list[dict[str, Any]]:
    url = next((os.environ[name] for name in ENV if os.environ.get(name)), None)
    if url is None:
        return [
            {
                "name": "postgres.append.16-writers",
                "value": None,
                "unit": "events/s",
                "baseline": None,
                "ratio": None,
                "target": None,
                "note": "skipped: no PostgreSQL server (set EXERCISE_BENCH_POSTGRES or "
                "EXERCISE_TEST_POSTGRES to postgresql://USER@HOST:PORT/DATABASE)",
            }
        ]
    from exercise.journal.postgres import PostgresJournal

    per_writer = 25 if quick else 150
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "session"]
    name = f"bench-{uuid.uuid4().hex[:12]}"
    session = urlunsplit(parts._replace(query=urlencode([*query, ("session", name)])))
    with tempfile.TemporaryDirectory(prefix="bench-postgres-") as tmp:
        lite_path = str(Path(tmp) / "bench.db")
        open_journal(lite_path, create=True, meta={"scenario": "bench"}).close()
        lite = _run_backend(lite_path, per_writer)
        PostgresJournal.create(session, {"scenario": "bench"}).close()
        try:
            pg = _run_backend(session, per_writer)
        finally:
            with contextlib.suppress(JournalError):
                PostgresJournal.drop(session)
    server = _server_note(url)
    load = (
        f"{WRITERS} writer processes x {per_writer} single-event appends, one follower; "
        f"{server}; baseline: the SQLite journal (WAL, synchronous=FULL), same run"
    )
    return [
        {
            "name": "postgres.append.16-writers",
            "value": pg["rate"],
            "unit": "events/s",
            "baseline": lite["rate"],
            "ratio": pg["rate"] / lite["rate"],
            "target": ">= 0.25",
            "note": load,
        },
        {
            "name": "postgres.propagation.p95.16-writers",
            "value": pg["p95"],
            "unit": "ms",
            "baseline": lite["p95"],
            "ratio": pg["p95"] / lite["p95"],
            "target": "<= 0.5",
            "note": "a writer's append() returns -> the follower's wait() returns the event "
            f"(p50 {pg['p50']:.1f} ms; SQLite p50 {lite['p50']:.1f} ms, polling every "
            f"{POLL_INTERVAL * 1000:.0f} ms); {load}",
        },
        {
            "name": "postgres.end-to-end.p95.16-writers",
            "value": pg["e2e_p95"],
            "unit": "ms",
            "baseline": lite["e2e_p95"],
            "ratio": pg["e2e_p95"] / lite["e2e_p95"],
            "target": None,
            "note": "a writer calls append() -> the follower's wait() returns the event, "
            "waiting for the other writers included "
            f"(p50 {pg['e2e_p50']:.1f} ms; SQLite p50 {lite['e2e_p50']:.1f} ms); {load}",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
