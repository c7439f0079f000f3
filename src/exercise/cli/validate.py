"""``exercise validate PATH...``: check scenario files before an exercise."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from exercise.scenario import ScenarioError, load_scenario, summary
from exercise.scenario.yamlsafe import display_name

SUFFIXES = (".yaml", ".yml")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="check scenario files (and their inject and rule files)",
        description=(
            "Check scenarios and the inject and rule files they use. PATH is a scenario "
            "file, a folder of scenario files, or a project folder with a scenarios/ "
            "folder. Prints one summary line per valid scenario; lists every problem as "
            "FILE:LINE:COL: message otherwise."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    p.set_defaults(handler=run)


def scenario_files(path: Path) -> list[Path]:
    """The scenario files ``path`` stands for; raise ScenarioError when there are none."""
    from exercise.scenario.errors import Problem

    name = display_name(path)
    if not path.exists():
        raise ScenarioError([Problem(name, 1, 1, "no such file or folder", "check the path")])
    if path.is_file():
        return [path]
    folder = path / "scenarios" if (path / "scenarios").is_dir() else path
    found = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())
    if not found:
        raise ScenarioError(
            [
                Problem(
                    display_name(folder),
                    1,
                    1,
                    "folder holds no scenario files (*.yaml)",
                    "pass a scenario file or the scenarios/ folder",
                )
            ]
        )
    return found


def run(args: argparse.Namespace) -> int:
    failed = False
    for path in args.paths:
        try:
            files = scenario_files(path)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            failed = True
            continue
        for file in files:
            try:
                scn = load_scenario(file)
            except ScenarioError as exc:
                failed = True
                print(exc, file=sys.stderr)
                n = len(exc.problems)
                print(f"{display_name(file)}: {n} problem{'s' if n != 1 else ''}", file=sys.stderr)
            else:
                if not args.quiet:
                    print(f"ok {display_name(file)}: {summary(scn)}")
                    lowered = scn.ruleset.ratings.lowered()
                    if lowered:
                        print(
                            f"  note: the rules lower the rating thresholds: {', '.join(lowered)}"
                        )
    return 1 if failed else 0
