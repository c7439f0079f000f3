"""Several processes share one session; a writer killed mid-append loses nothing it reported."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exercise.journal import SqliteJournal, verify

WRITER = Path(__file__).with_name("writer.py")


def _writer(session: Path, name: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(session), "--writer", name, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_eight_processes_appending_at_once_lose_nothing(tmp_path: Path) -> None:
    session = tmp_path / "busy.db"
    SqliteJournal.create(session, {"scenario": "mini"}).close()
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

    with SqliteJournal.open(session) as journal:
        events = journal.read()
        result = verify(journal)
    assert result.ok, result.reason
    assert [e.seq for e in events] == list(range(1, len(writers) * count + 1))
    moves = [e for e in events if e.type == "move.submitted"]
    keys = [(e.payload["writer"], e.payload["index"]) for e in moves]
    assert len(keys) == len(writers) * count
    assert set(keys) == {(name, i) for name in writers for i in range(count)}
    by_seq = {e.seq: e for e in events}
    for name, seqs in reported.items():  # each writer saw its own events, in its order
        assert [(by_seq[s].payload["writer"], by_seq[s].payload["index"]) for s in seqs] == [
            (name, i) for i in range(count)
        ]


@pytest.mark.slow
def test_a_writer_killed_at_random_loses_nothing_it_reported(tmp_path: Path) -> None:
    session = tmp_path / "crash.db"
    SqliteJournal.create(session, {"scenario": "mini"}).close()
    rng = random.Random(20240501)
    head = reported_total = 0

    for round_ in range(50):
        batch = 1 if round_ % 2 == 0 else 5  # odd rounds: is a batch all or nothing?
        writer = f"w{round_}"
        proc = _writer(session, writer, "--batch", str(batch))
        time.sleep(rng.uniform(0.0, 0.3))
        proc.kill()  # SIGKILL: no cleanup, no checkpoint, maybe mid-transaction
        out, _ = proc.communicate(timeout=30)
        reported = [int(line) for line in out.splitlines(keepends=True) if line.endswith("\n")]

        with SqliteJournal.open(session) as journal:
            result = verify(journal)  # ok means the seqs are exactly 1 .. result.events
            written = journal.read(after=head)
        assert result.ok, f"round {round_}: {result.reason}"
        assert reported == list(range(head + 1, head + 1 + len(reported)))
        assert len(reported) <= len(written), f"round {round_}: lost events it reported"
        assert [e.actor for e in written] == [writer] * len(written)
        assert len(written) % batch == 0
        head = result.events
        reported_total += len(reported)

    assert reported_total > 200  # the writers did get to write, many times over
