"""Generate the after-action report of a 20,000-event session in every format.

The session is the synthetic insurgent-incursion journal of ``bench_engine.build``
(moves, messages, acknowledgements and observations from every cell), written to an SQLite
session file so that each figure is the whole ``exercise report`` path after the process
has started: open the session, read and verify the journal, fold and score it, build the
report, draw the charts and render. Each format runs in a fresh interpreter (so the
figures include importing Jinja2, matplotlib and networkx, as a user would see) and the
best of the rounds is kept. Target: HTML in at most 3 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from exercise.journal import open_journal
from exercise.session import bundle_scenario

from .bench_engine import ROOT, build

FORMATS = ("json", "csv", "md", "html")
TARGET_HTML_S = 3.0

_CHILD = """
import sys, time
t0 = time.perf_counter()
from exercise.cli.main import main
code = main(sys.argv[1:])
print(f"{time.perf_counter() - t0:.6f}", file=sys.stderr)
sys.exit(code)
"""


def make_session(n: int, folder: Path) -> tuple[Path, int]:
    """A session file holding the synthetic ``n``-event journal."""
    scenario, events, _ = build(n)
    bundle = bundle_scenario(ROOT / "scenarios" / "insurgent-incursion.yaml", scenario)
    text = json.dumps(bundle, sort_keys=True, ensure_ascii=False)
    meta = {
        "scenario_id": scenario.id,
        "scenario_title": scenario.title,
        "scenario_bundle": text,
        "created_by": "bench",
        "join_codes": "{}",
    }
    path = folder / "bench.db"
    journal = open_journal(str(path), create=True, meta=meta)
    try:
        from exercise.journal import NewEvent

        news = [NewEvent(e.type, e.actor, e.wall_us, e.game_ms, e.payload) for e in events]
        for i in range(0, len(news), 5000):
            journal.append(news[i : i + 5000])
    finally:
        journal.close()
    return path, len(events)


def _time(fmt: str, session: Path, out: Path) -> float:
    """Seconds for ``exercise report`` in a fresh interpreter, imports included."""
    res = subprocess.run(
        [sys.executable, "-c", _CHILD, "report", str(session), "--format", fmt, "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        raise RuntimeError(f"exercise report --format {fmt} failed: {res.stderr}")
    return float(res.stderr.strip().splitlines()[-1])


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 2_000 if quick else 20_000
    rounds = 1 if quick else 3
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        folder = Path(tmp)
        session, count = make_session(n, folder)
        for fmt in FORMATS:
            out = folder / f"report.{fmt}"
            best = min(_time(fmt, session, out) for _ in range(rounds))
            size = sum(p.stat().st_size for p in folder.glob("report*") if p.is_file())
            for p in folder.glob("report*"):
                p.unlink()
            target = f"<= {TARGET_HTML_S:g} s" if fmt == "html" else "-"
            results.append(
                {
                    "name": f"report --format {fmt}, {count:,} events",
                    "value": best,
                    "unit": "s",
                    "baseline": None,
                    "ratio": best / TARGET_HTML_S if fmt == "html" else None,
                    "target": target,
                    "note": f"{size / 1e6:.1f} MB written; best of {rounds}, in a fresh "
                    "interpreter, imports included",
                }
            )
    return results


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
