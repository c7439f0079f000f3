"""``exercise evaluator add|assign`` and ``exercise eeg``: evaluators and their EEGs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from exercise import joincodes
from exercise.cli.common import open_session
from exercise.cli.reporting import _check_target, _emit
from exercise.engine import CONTROL
from exercise.engine import commands as c


def register(sub: Any) -> None:
    p = sub.add_parser(
        "evaluator",
        help="add or assign an exercise evaluator",
        description="Add an evaluator to a session (a join code is issued and printed, "
        "as for a cell) or assign one to objectives and cells. The evaluator then joins "
        "with `exercise join SESSION --evaluator NAME` (docs/evaluation.md).",
    )
    ops = p.add_subparsers(dest="op", metavar="OP", required=True)
    for name, words in (("add", "add an evaluator"), ("assign", "assign an evaluator")):
        q = ops.add_parser(name, help=words, description=words.capitalize() + ".")
        q.add_argument("session", metavar="SESSION", help="a session file or postgresql:// URL")
        q.add_argument("name", metavar="NAME", help="lower-case letters, digits, - or _")
        q.add_argument("--objective", action="append", default=[], metavar="ID", help="repeatable")
        q.add_argument("--cell", action="append", default=[], metavar="ID", help="repeatable")
        q.set_defaults(handler=evaluator)

    p = sub.add_parser(
        "eeg",
        help="write an evaluator's Exercise Evaluation Guide",
        description="Write one evaluator's Exercise Evaluation Guide (HSEEP layout): per "
        "assigned objective its critical tasks, the evaluator's ratings, reasons and "
        "observations, and the final rating.",
    )
    p.add_argument("session", metavar="SESSION", help="a session file or postgresql:// URL")
    p.add_argument("--evaluator", required=True, metavar="NAME")
    p.add_argument(
        "--format", choices=("md", "html"), default=None, help="default: from -o, else md"
    )
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: standard output")
    p.set_defaults(handler=eeg)


def evaluator(args: argparse.Namespace) -> int:
    with open_session(args.session, writing=True) as session:
        if args.op == "add":
            code = joincodes.new_code()
            session.execute(c.AddEvaluator(CONTROL, args.name, joincodes.hash_code(code)))
            plain = joincodes.load_plain(args.session)
            plain[c.evaluator_actor(args.name)] = code
            joincodes.save_plain(args.session, plain)
            print(f"evaluator {args.name} added; join code {code}")
        if args.objective or args.cell or args.op == "assign":
            session.execute(
                c.AssignEvaluator(CONTROL, args.name, tuple(args.objective), tuple(args.cell))
            )
            what = ", ".join((*args.objective, *args.cell)) or "every critical task"
            print(f"evaluator {args.name} assigned to {what}")
    return 0


def eeg(args: argparse.Namespace) -> int:
    from exercise.report import build_report
    from exercise.report.render import render_eeg_html, render_eeg_markdown

    fmt = args.format or ("html" if args.output and args.output.suffix == ".html" else "md")
    if args.output is not None:
        _check_target(args.output, args.session)
    with open_session(args.session) as session:
        events = session.journal.read()
        until = None if session.state.ended else session.game_ms()
        rep = build_report(session.scenario, events, until_ms=until, state=session.state)
    render = render_eeg_html if fmt == "html" else render_eeg_markdown
    for path in _emit(args.output, render(rep, args.evaluator)):
        print(f"wrote {path}", file=sys.stderr)
    return 0
