"""``exercise score`` and ``exercise report``."""

from __future__ import annotations

import argparse
import builtins
from pathlib import Path
from typing import Any

from exercise.cli.common import open_session
from exercise.engine.describe import game_clock
from exercise.scoring import Scorer, Scores
from exercise.session import Session
from exercise.text import for_terminal


def register(sub: Any) -> None:
    p = sub.add_parser(
        "score",
        help="coordination scores of a session",
        description="Scores per objective, per cell and per liaison pair, from the rules "
        "the scenario names. A running exercise is scored as of its current game time; "
        "awards whose window is still open are counted as pending.",
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help="a session file, or a postgresql:// URL (docs/postgres.md)",
    )
    p.add_argument("--awards", action="store_true", help="list every award with its explanation")
    p.set_defaults(handler=score_cmd)

    p = sub.add_parser(
        "report",
        help="after-action report of a session",
        description="The after-action report (HSEEP AAR/IP) of a session, finished or still "
        "running: md (Markdown; charts as PNG files beside FILE), html (one self-contained "
        "page), json (docs/scoring.md, docs/report.md), csv (one row per event; with -o, "
        "also FILE-scores.csv with one row per award).",
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help="a session file, or a postgresql:// URL (docs/postgres.md)",
    )
    p.add_argument("--format", choices=["json", "md", "html", "csv"], default="json")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here, not to stdout")
    p.set_defaults(handler=report_cmd)


def compute(session: Session) -> tuple[list[Any], Scores]:
    events = session.journal.read()
    scorer = Scorer(session.scenario).feed_all(events)
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
        events, scores = compute(session)
        scn = session.scenario
    state = "ended" if scores.ended else "running"
    print(
        f"{scn.title}: {len(events)} events, {game_clock(scn, scores.game_ms)} ({state}); "
        f"{len(scores.final)} awards, {len(scores.pending)} pending"
    )
    print("\nObjectives")
    print(f"  {'id':<10} {'points':>8} {'max':>8} {'share':>6}  rating  title")
    for o in scores.objectives:
        rating = o.rating or "-"
        if o.override_reason:
            rating += f" (override; computed {o.computed or '-'})"
        print(
            f"  {o.id:<10} {_n(o.points):>8} {_n(o.max_points):>8} {_pct(o.share):>6}  "
            f"{rating:<6}  {o.title}"
        )
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
                f"  [{a.rule}] events {','.join(map(str, a.events)) or '-'}{flag}: {a.explanation}"
            )
    return 0


def report_cmd(args: argparse.Namespace) -> int:
    from exercise.cli.reporting import report  # the report's libraries load only when used

    return report(args)
