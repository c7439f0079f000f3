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
from exercise.i18n import _, language
from exercise.scenario.translations import localized


def register(sub: Any) -> None:
    p = sub.add_parser(
        "evaluator",
        help=_("add or assign an exercise evaluator"),
        description=_(
            "Add an evaluator to a session (a join code is issued and printed, "
            "as for a cell) or assign one to objectives and cells. The evaluator then joins "
            "with `exercise join SESSION --evaluator NAME` (docs/evaluation.md)."
        ),
    )
    ops = p.add_subparsers(dest="op", metavar="OP", required=True)
    for name, words, sentence in (
        ("add", _("add an evaluator"), _("Add an evaluator.")),
        ("assign", _("assign an evaluator"), _("Assign an evaluator.")),
    ):
        q = ops.add_parser(name, help=words, description=sentence)
        q.add_argument("session", metavar="SESSION", help=_("a session file or postgresql:// URL"))
        q.add_argument("name", metavar="NAME", help=_("lower-case letters, digits, - or _"))
        q.add_argument(
            "--objective", action="append", default=[], metavar="ID", help=_("repeatable")
        )
        q.add_argument("--cell", action="append", default=[], metavar="ID", help=_("repeatable"))
        q.set_defaults(handler=evaluator)

    p = sub.add_parser(
        "eeg",
        help=_("write an evaluator's Exercise Evaluation Guide"),
        description=_(
            "Write one evaluator's Exercise Evaluation Guide (HSEEP layout): per "
            "assigned objective its critical tasks, the evaluator's ratings, reasons and "
            "observations, and the final rating."
        ),
    )
    p.add_argument("session", metavar="SESSION", help=_("a session file or postgresql:// URL"))
    p.add_argument("--evaluator", required=True, metavar="NAME")
    p.add_argument(
        "--format", choices=("md", "html"), default=None, help=_("default: from -o, else md")
    )
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help=_("default: standard output"))
    p.set_defaults(handler=eeg)


def evaluator(args: argparse.Namespace) -> int:
    with open_session(args.session, writing=True) as session:
        if args.op == "add":
            code = joincodes.new_code()
            session.execute(c.AddEvaluator(CONTROL, args.name, joincodes.hash_code(code)))
            plain = joincodes.load_plain(args.session)
            plain[c.evaluator_actor(args.name)] = code
            joincodes.save_plain(args.session, plain)
            print(_("evaluator {name} added; join code {code}").format(name=args.name, code=code))
        if args.objective or args.cell or args.op == "assign":
            session.execute(
                c.AssignEvaluator(CONTROL, args.name, tuple(args.objective), tuple(args.cell))
            )
            what = ", ".join((*args.objective, *args.cell)) or _("every critical task")
            print(_("evaluator {name} assigned to {what}").format(name=args.name, what=what))
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
        scenario = localized(session.scenario, language())  # the scenario's own words too
        rep = build_report(scenario, events, until_ms=until, state=session.state)
    render = render_eeg_html if fmt == "html" else render_eeg_markdown
    for path in _emit(args.output, render(rep, args.evaluator)):
        print(_("wrote {path}").format(path=path), file=sys.stderr)
    return 0
