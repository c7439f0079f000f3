"""``exercise score`` and ``exercise report``."""

from __future__ import annotations

import argparse
import builtins
import hashlib
import re
from pathlib import Path
from typing import Any

import attrs

from exercise.cli.common import UserError, open_session
from exercise.engine.describe import game_clock
from exercise.i18n import _
from exercise.model import Scenario
from exercise.scenario import ScenarioError, load_rules
from exercise.scenario.yamlsafe import display_name
from exercise.scoring import Scorer, Scores
from exercise.session import Session
from exercise.text import for_terminal

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Text for one terminal line: control characters (escape sequences) dropped."""
    return _CONTROL.sub("", text)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "score",
        help=_("coordination scores of a session"),
        description=_(
            "Scores per objective, per cell and per liaison pair, from the rules "
            "the scenario names. A running exercise is scored as of its current game time; "
            "awards whose window is still open are counted as pending."
        ),
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help=_("a session file, or a postgresql:// URL (docs/postgres.md)"),
    )
    p.add_argument("--awards", action="store_true", help=_("list every award with its explanation"))
    _rules_option(p)
    p.set_defaults(handler=score_cmd)

    p = sub.add_parser(
        "report",
        help=_("after-action report of a session"),
        description=_(
            "The after-action report (HSEEP AAR/IP) of a session, finished or still "
            "running: md (Markdown; charts as PNG files beside FILE), html (one self-contained "
            "page), json (docs/scoring.md, docs/report.md), csv (one row per event; with -o, "
            "also FILE-scores.csv with one row per award)."
        ),
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help=_("a session file, or a postgresql:// URL (docs/postgres.md)"),
    )
    p.add_argument("--format", choices=["json", "md", "html", "csv"], default="json")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help=_("write here, not to stdout"))
    p.add_argument(
        "--bilingual",
        metavar="LANG",
        help=(
            _(
                "html: show the objectives and ratings in LANG too, beside the report's "
                "language (--lang)"
            )
        ),
    )
    _rules_option(p)
    p.set_defaults(handler=report_cmd)


def _rules_option(p: Any) -> None:
    p.add_argument(
        "--rules",
        type=Path,
        metavar="FILE",
        help=_(
            "score the recorded play under this rules file instead of the session's own "
            "(the session is not changed; the output names the file and its SHA-256)"
        ),
    )


@attrs.frozen
class Rescored:
    """The scenario with another rules file's rules, and which file that was."""

    scenario: Scenario
    file: str
    digest: str

    def line(self) -> str:
        return (
            f"Re-scored under {self.file} (sha256 {self.digest}), not the rules stored "
            "in the session"
        )


def rescore(scenario: Scenario, path: Path) -> Rescored:
    """``scenario`` scored by the rules in ``path``, or a UserError listing its problems."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read the rules file {path}: {exc.strerror}") from None
    try:
        ruleset = load_rules(scenario, path)
    except ScenarioError as exc:
        raise UserError(f"the rules file does not fit this session's scenario:\n{exc}") from None
    return Rescored(
        attrs.evolve(scenario, ruleset=ruleset),
        display_name(path),
        hashlib.sha256(data).hexdigest(),
    )


def compute(session: Session, scenario: Scenario | None = None) -> tuple[list[Any], Scores]:
    events = session.journal.read()
    scorer = Scorer(scenario or session.scenario).feed_all(events)
    if not scorer.ended:
        scorer.advance(session.game_ms())
    return events, scorer.result()


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def _n(x: float) -> str:
    return f"{x:.1f}"


def score_cmd(args: argparse.Namespace) -> int:
    def print(text: str = "") -> None:  # every line is inert on a terminal
        builtins.print(for_terminal(text))

    with open_session(args.session, read_only=True) as session:
        other = rescore(session.scenario, args.rules) if args.rules is not None else None
        scn = other.scenario if other is not None else session.scenario
        events, scores = compute(session, scn)
    state = "ended" if scores.ended else "running"
    print(
        f"{clean(scn.title)}: {len(events)} events, {game_clock(scn, scores.game_ms)} "
        f"({state}); {len(scores.final)} awards, {len(scores.pending)} pending"
    )
    if other is not None:
        print(other.line())
    print(f"Rules semantics: version {scores.semantics}")
    if scores.lowered:
        print("The rules file lowers the rating thresholds: " + ", ".join(scores.lowered))
    print("\nObjectives")
    print(f"  {'id':<10} {'points':>8} {'max':>8} {'share':>6}  rating  title")
    for o in scores.objectives:
        rating = o.rating or "-"
        if o.override_reason:
            rating += f" (override; computed {o.computed or '-'})"
        print(
            f"  {o.id:<10} {_n(o.points):>8} {_n(o.max_points):>8} {_pct(o.share):>6}  "
            f"{rating:<6}  {clean(o.title)}"
        )
        evidence = []
        if o.strengths or o.improvements:
            evidence.append(
                f"observations: {len(o.strengths)} strength(s), "
                f"{len(o.improvements)} area(s) for improvement"
            )
        if o.capped:
            evidence.append("capped: " + "; ".join(o.capped))
        for note in evidence:
            print(f"  {'':<10} {note}")
        if o.conflict:
            print(f"  {'':<10} CONFLICT: {o.conflict}")
    print("\nCells")
    print(f"  {'cell':<16} {'points':>8} {'max':>8} {'share':>6}")
    for cell, row in scores.cells.items():
        share = row["points"] / row["max_points"] if row["max_points"] else None
        print(f"  {cell:<16} {_n(row['points']):>8} {_n(row['max_points']):>8} {_pct(share):>6}")
    print("\nLiaison pairs (who had to warn whom)")
    print(f"  {'from':<16} {'to':<16} {'latency':>9} {'points':>7} {'max':>6}  rule")
    for p in scores.pairs:
        latency = "never" if p["latency_min"] is None else f"{p['latency_min']:g} min"
        if p["status"] == "pending":
            latency = "pending"
        print(
            f"  {p['from']:<16} {p['to']:<16} {latency:>9} {_n(p['points']):>7} "
            f"{_n(p['max_points']):>6}  {p['rule']}"
        )
    net = scores.network
    print(
        f"\nNetwork: density {net['density']}, reciprocity {net['reciprocity']}, "
        f"{net['components']} component(s)"
        + (
            "; unused required links: "
            + ", ".join(f"{a}–{b}" for a, b in net["unused_required_links"])
            if net["unused_required_links"]
            else ""
        )
    )
    if args.awards:
        print("\nAwards")
        for a in scores.awards:
            flag = " (pending)" if a.status == "pending" else ""
            print(
                f"  [{a.rule}] events {','.join(map(str, a.events)) or '-'}{flag}: "
                f"{clean(a.explanation)}"
            )
    return 0


def report_cmd(args: argparse.Namespace) -> int:
    from exercise.cli.reporting import report  # the report's libraries load only when used

    return report(args)
