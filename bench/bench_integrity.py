"""What checking a session's record costs when a command opens it.

``run``, ``join``, ``play``, ``score`` and ``report`` verify the metadata, the hash chain
and every seal before folding the events (docs/security.md). Figure: opening a sealed
20,000-event session with that check, against opening it without (the fold alone), in the
same run (target ratio <= 2.5: the check reads and hashes the journal once more). Also the
cost of one seal (sign and append) against one plain append.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from exercise.cli.common import checker
from exercise.journal import NewEvent, open_journal
from exercise.journal.seal import load_or_create_key
from exercise.session import Session

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "fixtures" / "mini" / "scenarios" / "mini.yaml"


def _session(folder: Path, n: int) -> str:
    address = str(folder / "s.db")
    Session.create(SCENARIO, address).close()
    with closing(open_journal(address)) as journal:
        batch = [
            NewEvent("message.sent", "kgz-mod", 1_700_000_000_000_000 + i, i * 1000,
                     {"cell": "kgz-mod", "to": ["uzb-mod"], "text": f"message {i} " + "x" * 60,
                      "subject": "", "about": None})
            for i in range(n)
        ]  # fmt: skip
        for start in range(0, n, 1000):
            journal.append(batch[start : start + 1000])
    return address


def _median(fn: Any, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(quick: bool = False) -> list[dict[str, Any]]:
    n, rounds = (2_000, 3) if quick else (20_000, 5)
    with tempfile.TemporaryDirectory(prefix="bench-integrity-") as tmp:
        folder = Path(tmp)
        address = _session(folder, n)
        key = load_or_create_key(folder / "key" / "control.key")
        with Session.open(address) as session:
            session.seal(key)
        check = checker(writing=True)
        checked = _median(lambda: Session.open(address, check=check).close(), rounds)
        plain = _median(lambda: Session.open(address).close(), rounds)
        with Session.open(address) as session:
            sealing = _median(lambda: session.seal(key), rounds * 4)
            note = NewEvent("message.sent", "kgz-mod", 0, 0, {"cell": "kgz-mod", "to": []})
            appending = _median(lambda: session.journal.append([note]), rounds * 4)
    return [
        {
            "name": f"open with the record checked ({n:,} events, sealed)",
            "value": checked * 1000,
            "unit": "ms",
            "baseline": plain * 1000,
            "ratio": checked / plain,
            "target": "<= 2.5",
            "note": "baseline: open and fold without the check",
        },
        {
            "name": "one seal (sign and append)",
            "value": sealing * 1000,
            "unit": "ms",
            "baseline": appending * 1000,
            "ratio": sealing / appending,
            "target": "<= 3",
            "note": "baseline: one plain durable append",
        },
    ]
