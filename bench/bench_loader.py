"""Load and validate a generated 5,000-inject MSEL against a bare ``yaml.load``."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from yaml import CSafeLoader as _Loader

from exercise.scenario import load_scenario

SCENARIO = """\
id: bench
title: Generated benchmark scenario
start: 2003-08-22T06:00:00
timezone: Asia/Bishkek
duration: "240:00"
move_kinds:
  - {id: warn, title: Warn}
  - {id: strike, title: Strike, adjudicate: true}
cells:
  - {id: white, name: Control, side: white}
  - {id: kgz-mod, name: Kyrgyz MoD, side: green}
  - {id: uzb-mod, name: Uzbek MoD, side: green}
  - {id: csto-atc, name: CSTO ATC liaison, side: blue}
objectives:
  - {id: OBJ-1, title: Warn neighbours, capability: Operational coordination}
modules:
  - {id: M1, title: Raid, start: "+00:00"}
injects: [../injects/bench.yaml]
rules: [../rules/bench.yaml]
"""

RULES = """\
rules:
  - {id: r1, kind: respond, objective: OBJ-1, points: 1}
"""


def msel(n: int) -> str:
    out = ["injects:"]
    for i in range(n):
        minute = i % (239 * 60)
        out.append(
            f"""  - id: INJ-{i:05d}
    time: "+{minute // 60:02d}:{minute % 60:02d}"
    module: M1
    from: Batken border post {i}
    to: [kgz-mod, uzb-mod]
    channel: radio
    title: Armed group sighted near post {i}
    body: |
      About {i % 90 + 10} armed men were seen crossing at dawn. The post asks for orders.
    expects:
      - cell: kgz-mod
        action: warn
        to: [uzb-mod, csto-atc]
        within: "01:00"
    objectives: [OBJ-1]
    notes: Watch whether Bishkek warns Tashkent.
    questions: [Who warns whom first?]"""
        )
    return "\n".join(out) + "\n"


def _median_time(fn: Any, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 500 if quick else 5000
    repeats = 3 if quick else 5
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for sub in ("scenarios", "injects", "rules"):
            (root / sub).mkdir()
        (root / "scenarios" / "bench.yaml").write_text(SCENARIO)
        text = msel(n)
        (root / "injects" / "bench.yaml").write_text(text)
        (root / "rules" / "bench.yaml").write_text(RULES)
        path = root / "scenarios" / "bench.yaml"
        scn = load_scenario(path)  # warm-up (builds the converter) and sanity check
        assert len(scn.msel) == n
        # interleave the two measurements so that noise hits both alike
        ours, bare = [], []
        for _ in range(repeats):
            ours.append(_median_time(lambda: load_scenario(path), 1))
            bare.append(_median_time(lambda: yaml.load(text, Loader=_Loader), 1))
    t_ours, t_bare = statistics.median(ours), statistics.median(bare)
    return [
        {
            "name": f"load+validate {n:,}-inject MSEL",
            "value": t_ours * 1000,
            "unit": "ms",
            "baseline": t_bare * 1000,
            "ratio": t_ours / t_bare,
            "target": "<= 1.5",
            "note": f"baseline: yaml.load with {_Loader.__name__} of the same MSEL text",
        }
    ]
