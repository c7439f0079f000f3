"""Sessions shared by processes: concurrent moves through the engine, and rehearsals
killed with SIGKILL at random points."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exercise.engine import CONTROL, fold
from exercise.engine import commands as c
from exercise.journal import SqliteJournal, verify
from exercise.session import Session

from .conftest import FIXTURES

SCENARIO = FIXTURES / "mini" / "scenarios" / "mini.yaml"
MOVER = """
import sys
from exercise.engine import commands as c
from exercise.session import Session
session_path, writer, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
cells = ["kgz-mod", "uzb-mod", "liaison"]
with Session.open(session_path) as s:
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(count):
        cell = cells[i % 3]
        actor = "control" if i % 7 == 0 else cell
        to = tuple(x for x in cells if x != cell)[:1]
        s.execute(c.SubmitMove(actor, cell, "warn", f"{writer}:{i}", to))
"""


@pytest.mark.slow
def test_eight_processes_submit_300_moves_each(tmp_path: Path) -> None:
    path = str(tmp_path / "busy.db")
    with Session.create(SCENARIO, path) as s:
        s.execute(c.Start(CONTROL))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", MOVER, path, f"w{n}", "300"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline() == "ready\n", p.communicate()
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
    finally:
        for p in procs:
            p.kill()
            p.wait()
    with Session.open(path) as s:
        texts = [m.text for m in s.state.moves.values()]
        assert len(texts) == 2400 and len(set(texts)) == 2400
        assert set(texts) == {f"w{n}:{i}" for n in range(8) for i in range(300)}
        assert fold(s.scenario, s.journal.read()) == s.state
        assert verify(s.journal).ok


CRASH_SCRIPT = """
steps:
""" + "".join(
    f"""  - move: {{cell: kgz-mod, kind: warn, to: [uzb-mod, liaison], text: "warning {i}"}}
  - message: {{cell: uzb-mod, to: [kgz-mod], text: "reply {i}", label: m{i}}}
  - ack: {{cell: kgz-mod, message: m{i}}}
  - advance: "00:01"
"""
    for i in range(300)
)


@pytest.mark.slow
def test_rehearsal_killed_at_random_points_loses_nothing_it_reported(tmp_path: Path) -> None:
    rng = random.Random(20021007)
    session = tmp_path / "crash.db"
    start = tmp_path / "start.yaml"
    start.write_text("steps:\n  - start\n", encoding="utf-8")
    script = tmp_path / "crash.yaml"
    script.write_text(CRASH_SCRIPT, encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "exercise.cli.main",
        "play",
        str(SCENARIO),
        "--session",
        str(session),
    ]
    subprocess.run([*cmd, "--script", str(start)], check=True, capture_output=True)
    reported: set[int] = set()
    kills = 0
    for _ in range(50):
        proc = subprocess.Popen(
            [*cmd, "--script", str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        assert proc.stdout is not None
        # kill it at a random point: after a random number of reported events, plus a
        # random sliver of time so that the kill can land inside a transaction
        lines = [proc.stdout.readline() for _ in range(rng.randint(1, 400))]
        time.sleep(rng.uniform(0, 0.01))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        kills += proc.returncode == -signal.SIGKILL
        out = b"".join(lines) + rest
        reported.update(int(line.split()[0]) for line in out.decode().splitlines() if line.strip())
        with SqliteJournal.open(session) as journal:
            present = {e.seq for e in journal.read()}
            result = verify(journal)
        assert result.ok, result.reason
        assert reported <= present
        with Session.open(str(session)) as s:  # the state rebuilds from what was committed
            assert s.state.seq == max(present)
    assert kills >= 45  # nearly every run was killed mid-flight, not finished
    assert len(reported) > 100
