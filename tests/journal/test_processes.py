"""Several processes share one session; a writer killed mid-append loses nothing it reported.

Each test runs on every backend, each process on a connection of its own."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from exercise.journal import open_journal, verify

if TYPE_CHECKING:
    from .conftest import Backend

WRITER = Path(__file__).with_name("writer.py")


def _writer(session: str, name: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), session, "--writer", name, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_eight_processes_appending_at_once_lose_nothing(backend: Backend) -> None:
    session = backend.address()
    backend.create({"scenario": "mini"}, session).close()
    writers, count = [f"w{n}" for n in range(8)], 300

    procs = {
        name: _writer(session, name, "--count", str(count), "--wait-for-go") for name in writers
    }
    reported: dict[str, list[int]] = {}
    try:
        for proc in procs.values():  # all open and waiting: release them together
            assert proc.stdout is not None
            assert proc.stdout.readline() == "ready\n", proc.communicate()[1]
        for proc in procs.values():
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            reported[name] = [int(line) for line in out.split()]
    finally:
        for proc in procs.values():
            proc.kill()  # a no-op for those that finished
            proc.wait()

    journal = open_journal(session)
    try:
        events = journal.read()
        result = verify(journal)
    finally:
        journal.close()
    assert result.ok, result.reason
    assert [e.seq for e in events] == list(range(1, len(writers) * count + 1))
    moves = [e for e in events if e.type == "test.move"]
    keys = [(e.payload["writer"], e.payload["index"]) for e in moves]
    assert len(keys) == len(writers) * count
    assert set(keys) == {(name, i) for name in writers for i in range(count)}
    by_seq = {e.seq: e for e in events}
    for name, seqs in reported.items():  # each writer saw its own events, in its order
        assert [(by_seq[s].payload["writer"], by_seq[s].payload["index"]) for s in seqs] == [
            (name, i) for i in range(count)
        ]


@pytest.mark.slow
def test_a_writer_killed_at_random_loses_nothing_it_reported(backend: Backend) -> None:
    session = backend.address()
    backend.create({"scenario": "mini"}, session).close()
    rng = random.Random(20240501)
    head = reported_total = 0

    for round_ in range(50):
        batch = 1 if round_ % 2 == 0 else 5  # odd rounds: is a batch all or nothing?
        writer = f"w{round_}"
        proc = _writer(
            backend.tagged(session, writer), writer, "--batch", str(batch), "--wait-for-go"
        )
        # The kill is timed from the first append, not from the process start: on a busy
        # machine starting Python alone can take longer than the whole window.
        assert proc.stdin is not None and proc.stdout is not None
        assert proc.stdout.readline() == "ready\n", proc.communicate()[1]
        proc.stdin.write("go\n")
        proc.stdin.flush()
        time.sleep(rng.uniform(0.0, 0.3))
        proc.kill()  # SIGKILL: no cleanup, no checkpoint, maybe mid-transaction
        out, _ = proc.communicate(timeout=30)
        # A server may still commit what the writer sent before it died: wait until it
        # has done with the writer's connection.
        backend.await_gone(writer)
        reported = [int(line) for line in out.splitlines(keepends=True) if line.endswith("\n")]

        journal = open_journal(session)
        try:
            result = verify(journal)  # ok means the seqs are exactly 1 .. result.events
            written = journal.read(after=head)
        finally:
            journal.close()
        assert result.ok, f"round {round_}: {result.reason}"
        assert reported == list(range(head + 1, head + 1 + len(reported)))
        assert len(reported) <= len(written), f"round {round_}: lost events it reported"
        assert [e.actor for e in written] == [writer] * len(written)
        assert len(written) % batch == 0
        head = result.events
        reported_total += len(reported)

    assert reported_total > 200  # the writers did get to write, many times over


def test_a_second_connection_in_one_process_keeps_the_log_shared(tmp_path: Path) -> None:
    """A console holds the session open twice (its own connection and its follower's).
    Another process opening and closing the session must not take the write-ahead log
    away from them: what the console appends next is visible to everyone at once."""
    from exercise.journal import NewEvent, SqliteJournal

    path = tmp_path / "s.db"
    SqliteJournal.create(path, {"scenario": "mini"}).close()
    first = SqliteJournal.open(path)
    second = SqliteJournal.open(path)  # e.g. the console's follower
    first.append([NewEvent("note", "control", 1, 1, {"n": 1})])
    peek = (
        "from exercise.journal import SqliteJournal; import sys; "
        "j = SqliteJournal.open(sys.argv[1]); print(j.head()[0]); j.close()"
    )
    out = subprocess.run([sys.executable, "-c", peek, str(path)], capture_output=True, text=True)
    assert out.stdout.strip() == "1", out.stderr
    first.append([NewEvent("note", "control", 2, 2, {"n": 2})])
    out = subprocess.run([sys.executable, "-c", peek, str(path)], capture_output=True, text=True)
    assert out.stdout.strip() == "2", out.stderr
    second.close()
    first.close()
