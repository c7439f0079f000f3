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
from exercise.i18n import N_, Num, _, language, msg, ngettext
from exercise.model import Scenario
from exercise.scenario import ScenarioError, load_rules
from exercise.scenario.translations import localized
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
        return _(
            "Re-scored under {file} (sha256 {digest}), not the rules stored in the session"
        ).format(file=self.file, digest=self.digest)


def rescore(scenario: Scenario, path: Path) -> Rescored:
    """``scenario`` scored by the rules in ``path``, or a UserError listing its problems."""
    try:
        if path.exists() and not path.is_file():  # a FIFO would block, a device never end
            raise UserError(
                _("cannot read the rules file {path}: {reason}").format(
                    path=path, reason=_("is not a regular file")
                )
            )
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(
            _("cannot read the rules file {path}: {reason}").format(path=path, reason=exc.strerror)
        ) from None
    try:
        ruleset = load_rules(scenario, path)
    except ScenarioError as exc:
        raise UserError(
            _("the rules file does not fit this session's scenario:") + f"\n{exc}"
        ) from None
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
    return "-" if share is None else Num(share, ".0%").render(language())


def _n(x: float) -> str:
    return Num(x, ".1f").render(language())


def score_cmd(args: argparse.Namespace) -> int:
    def print(text: str = "") -> None:  # every line is inert on a terminal
        builtins.print(for_terminal(text))

    with open_session(args.session, read_only=True) as session:
        other = rescore(session.scenario, args.rules) if args.rules is not None else None
        scn = other.scenario if other is not None else session.scenario
        scn = localized(scn, language())  # the titles in the reader's language; same rules
        events, scores = compute(session, scn)
    state = _("ended") if scores.ended else _("running")
    print(
        _("{title}: {events} events, {clock} ({state}); {awards} awards, {pending} pending").format(
            title=clean(scn.title),
            events=len(events),
            clock=game_clock(scn, scores.game_ms),
            state=state,
            awards=len(scores.final),
            pending=len(scores.pending),
        )
    )
    if other is not None:
        print(other.line())
    print(_("Rules semantics: version {n}").format(n=scores.semantics))
    if scores.lowered:
        print(
            _("The rules file lowers the rating thresholds: {thresholds}").format(
                thresholds=", ".join(scores.lowered)
            )
        )
    print("\n" + _("Objectives"))
    head = (_("id"), _("points"), _("max"), _("share"), _("rating"), _("title"))
    print(f"  {head[0]:<10} {head[1]:>8} {head[2]:>8} {head[3]:>6}  {head[4]:<6}  {head[5]}")
    for o in scores.objectives:
        rating = o.rating or "-"
        if o.override_reason:
            rating += " " + _("(override; computed {rating})").format(rating=o.computed or "-")
        print(
            f"  {o.id:<10} {_n(o.points):>8} {_n(o.max_points):>8} {_pct(o.share):>6}  "
            f"{rating:<6}  {clean(o.title)}"
        )
        evidence = []
        if o.strengths or o.improvements:
            evidence.append(
                _("observations: {strengths}, {improvements}").format(
                    strengths=ngettext("{n} strength", "{n} strengths", len(o.strengths)).format(
                        n=len(o.strengths)
                    ),
                    improvements=ngettext(
                        "{n} area for improvement", "{n} areas for improvement", len(o.improvements)
                    ).format(n=len(o.improvements)),
                )
            )  # fmt: skip
        if o.capped:
            evidence.append(_("capped: {rules}").format(rules="; ".join(o.capped)))
        for note in evidence:
            print(f"  {'':<10} {note}")
        if o.conflict:
            print(f"  {'':<10} " + _("CONFLICT: {conflict}").format(conflict=o.conflict))
    print("\n" + _("Cells"))
    cols = (_("cell"), _("points"), _("max"), _("share"))
    print(f"  {cols[0]:<16} {cols[1]:>8} {cols[2]:>8} {cols[3]:>6}")
    for cell, row in scores.cells.items():
        share = row["points"] / row["max_points"] if row["max_points"] else None
        print(f"  {cell:<16} {_n(row['points']):>8} {_n(row['max_points']):>8} {_pct(share):>6}")
    print("\n" + _("Liaison pairs (who had to warn whom)"))
    head = (_("from"), _("to"), _("latency"), _("points"), _("max"), _("rule"))
    print(f"  {head[0]:<16} {head[1]:<16} {head[2]:>9} {head[3]:>7} {head[4]:>6}  {head[5]}")
    for p in scores.pairs:
        if p["status"] == "pending":
            latency = _("pending")
        elif p["latency_min"] is None:
            latency = _("never")
        else:
            latency = msg(N_("{n} min"), n=Num(p["latency_min"])).render()
        print(
            f"  {p['from']:<16} {p['to']:<16} {latency:>9} {_n(p['points']):>7} "
            f"{_n(p['max_points']):>6}  {p['rule']}"
        )
    net = scores.network
    line = ngettext(
        "Network: density {density}, reciprocity {reciprocity}, {n} component",
        "Network: density {density}, reciprocity {reciprocity}, {n} components",
        net["components"],
    ).format(
        density=Num(net["density"], "").render(language()),
        reciprocity=Num(net["reciprocity"], "").render(language()),
        n=net["components"],
    )
    if net["unused_required_links"]:
        line += "; " + _("unused required links: {links}").format(
            links=", ".join(f"{a}–{b}" for a, b in net["unused_required_links"])
        )
    print("\n" + line)
    if args.awards:
        print("\n" + _("Awards"))
        for a in scores.awards:
            seqs = ",".join(map(str, a.events)) or "-"
            print(
                "  "
                + (
                    _("[{rule}] events {events} (pending): {explanation}")
                    if a.status == "pending"
                    else _("[{rule}] events {events}: {explanation}")
                ).format(rule=a.rule, events=seqs, explanation=clean(a.explain()))
            )
    return 0


def report_cmd(args: argparse.Namespace) -> int:
    from exercise.cli.reporting import report  # the report's libraries load only when used

    return report(args)
