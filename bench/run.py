"""Run every benchmark and print a table of figures and ratios.

    python -m bench.run [--quick] [--only NAME] [--json FILE]

Each ``bench/bench_*.py`` module exposes ``run(quick: bool) -> list[dict]``; a result
has ``name``, ``value``, ``unit``, ``baseline`` (same quantity for the baseline measured
in the same run, or None), ``ratio``, ``target`` and ``note``. Machines here are noisy,
so targets are stated as ratios against a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def modules(only: str | None) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    return [n for n in names if only is None or only in n]


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages (``/proc/loadavg``), or "-" where there is none."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "-"


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--only", help="run the benchmarks whose module name contains this")
    parser.add_argument(
        "--json", type=Path, default=HERE / "results" / "latest.json", help="where to write"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parent))
    results: list[dict[str, Any]] = []
    for name in modules(args.only):
        mod = importlib.import_module(f"bench.{name}")
        t0 = time.perf_counter()
        load = loadavg()
        print(f"  ({name}: load average {load})", flush=True)
        for r in mod.run(quick=args.quick):
            r["module"] = name
            r["load"] = load  # the machine is shared: ratios in one run are what count
            results.append(r)
            print(
                f"{r['name']:<52} {fmt(r['value']):>12} {r['unit']:<10} "
                f"base {fmt(r.get('baseline')):>10}  ratio {fmt(r.get('ratio')):>7}  "
                f"target {r.get('target') or '-':<8} {r.get('note', '')}",
                flush=True,
            )
        print(f"  ({name}: {time.perf_counter() - t0:.1f} s, load average {loadavg()})", flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "quick": args.quick,
                "results": results,
            },
            indent=2,
        )
    )
    shown = args.json.relative_to(Path.cwd()) if args.json.is_relative_to(Path.cwd()) else args.json
    print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
