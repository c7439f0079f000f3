"""``exercise validate PATH...``: check scenario files before an exercise."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from exercise.i18n import _, ngettext
from exercise.scenario import Problem, ScenarioError, load_scenario, summary
from exercise.scenario.translations import is_translation_file
from exercise.scenario.yamlsafe import display_name

SUFFIXES = (".yaml", ".yml")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help=_("check scenario files (and their inject and rule files)"),
        description=(
            _(
                "Check scenarios and the inject and rule files they use. PATH is a scenario "
                "file, a folder of scenario files, or a project folder with a scenarios/ "
                "folder. Prints one summary line per valid scenario; lists every problem as "
                "FILE:LINE:COL: message otherwise."
            )
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("-q", "--quiet", action="store_true", help=_("print problems only"))
    p.add_argument(
        "--require-lang",
        action="append",
        default=[],
        metavar="LANG",
        help=_(
            "every text must be translated into LANG (e.g. ru): a missing translation is "
            "an error, not a warning (may be repeated)"
        ),
    )
    p.set_defaults(handler=run)


def scenario_files(path: Path) -> list[Path]:
    """The scenario files ``path`` stands for; raise ScenarioError when there are none."""
    name = display_name(path)
    if not path.exists():
        raise ScenarioError([Problem(name, 1, 1, _("no such file or folder"), _("check the path"))])
    if path.is_file():
        return [path]
    if not path.is_dir():  # a device, a FIFO or a socket
        raise ScenarioError(
            [Problem(name, 1, 1, _("is not a regular file"), _("pass a YAML file or a folder"))]
        )
    folder = path / "scenarios" if (path / "scenarios").is_dir() else path
    found = sorted(
        p
        for p in folder.iterdir()
        if p.suffix in SUFFIXES and p.is_file() and not is_translation_file(p)
    )
    if not found:
        raise ScenarioError(
            [
                Problem(
                    display_name(folder),
                    1,
                    1,
                    _("folder holds no scenario files (*.yaml)"),
                    _("pass a scenario file or the scenarios/ folder"),
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
            warnings: list[Problem] = []
            try:
                scn = load_scenario(file, require_lang=args.require_lang, warnings=warnings)
            except ScenarioError as exc:
                failed = True
                print(exc, file=sys.stderr)
                n = len(exc.problems)
                print(
                    ngettext("{file}: {n} problem", "{file}: {n} problems", n).format(
                        file=display_name(file), n=n
                    ),
                    file=sys.stderr,
                )
            else:
                for w in warnings:
                    print(_("{problem} (warning)").format(problem=w), file=sys.stderr)
                if not args.quiet:
                    print(
                        _("ok {file}: {summary}").format(
                            file=display_name(file), summary=summary(scn)
                        )
                    )
                    lowered = scn.ruleset.ratings.lowered()
                    if lowered:
                        print(
                            "  "
                            + _("note: the rules lower the rating thresholds: {ratings}").format(
                                ratings=", ".join(lowered)
                            )
                        )
    return 1 if failed else 0
