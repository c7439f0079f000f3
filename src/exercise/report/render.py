"""Render a :class:`~exercise.report.build.Report` as Markdown or HTML (Jinja2 templates).

HTML autoescapes every expression; Markdown escapes every expression with
:func:`~exercise.report.escape.md_inline` unless the report marked it
:class:`~exercise.report.escape.MdSafe`. Templates are package data
(``exercise/report/templates``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any
from urllib.parse import quote

import attrs
import jinja2
from markupsafe import Markup, escape

from exercise import __version__
from exercise.engine.describe import kind_words
from exercise.errors import ReportProblem
from exercise.i18n import N_, Num, _, format_decimal_, gettext_for, language, ngettext
from exercise.model import Objective
from exercise.report.build import Finding, Report, wall_text
from exercise.report.charts import Chart
from exercise.report.escape import (
    MdSafe,
    clean,
    html_finalize,
    md_block,
    md_finalize,
    md_inline,
)
from exercise.scoring.awards import minutes

RATING_NAMES = {
    "P": N_("performed without challenges"),
    "S": N_("performed with some challenges"),
    "M": N_("performed with major challenges"),
    "U": N_("unable to be performed"),
}
#: An observation's kind in words (the EEG, the report's critical tasks).
OBSERVATION_KINDS = {
    "note": N_("note"),
    "strength": N_("strength"),
    "improvement": N_("area for improvement"),
}
#: Words the report shows from data (cell sides, statuses), marked for the catalogue.
DATA_WORDS = (
    N_("blue"),
    N_("red"),
    N_("white"),
    N_("gray"),
    N_("green"),
    N_("met"),
    N_("missed"),
    N_("open"),
    N_("pending"),
    N_("final"),
)


# Numbers and durations are built from digits, so they are Markdown-safe as they are.


def _num(x: float | None) -> str:
    if x is None:
        return MdSafe("-")
    v = round(float(x), 2)
    if language() != "en":
        return MdSafe(format_decimal_(v + 0.0))
    return MdSafe(f"{v + 0.0:g}")  # + 0.0: no "-0"


def _pct(share: float | None) -> str:
    return MdSafe("-" if share is None else Num(share, ".0%").render(language()))


def _mins(ms: int | None) -> str:
    return MdSafe("-" if ms is None else str(minutes(ms)))


def _minf(value: float | None) -> str:
    return MdSafe("-" if value is None else str(minutes(value * 60_000)))


@jinja2.pass_context
def _clock(ctx: jinja2.runtime.Context, ms: int) -> str:
    report: Report = ctx["report"]
    return report.clock(ms)


@jinja2.pass_context
def _dtg(ctx: jinja2.runtime.Context, ms: int) -> str:
    report: Report = ctx["report"]
    return report.dtg(ms)


@jinja2.pass_context  # not a plain filter: Jinja would fold "P" | rating_name at compile time
def _rating_name(_ctx: jinja2.runtime.Context, rating: str) -> str:
    return _(RATING_NAMES[rating]) if rating in RATING_NAMES else ""


def _anchor(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def _gh_anchor(heading: str) -> MdSafe:
    """The anchor GitHub, GitLab and pandoc give a Markdown heading (any language)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return MdSafe(text.replace(" ", "-"))


def _environment(finalize: Callable[[Any], Any], autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("exercise.report", "templates"),
        autoescape=autoescape,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        num=_num,
        pct=_pct,
        mins=_mins,
        minf=_minf,
        hm=lambda m: MdSafe(str(minutes(int(m) * 60_000))),
        duration=_mins,
        wall=wall_text,
        rating_name=_rating_name,
        anchor=_anchor,
        clock=_clock,
        dtg=_dtg,
        kappa=lambda k: _("undefined") if k is None else MdSafe(Num(k, ".2f").render(language())),
        decimal=lambda x: MdSafe(Num(x, "").render(language())),
        who=lambda actor: str(actor).removeprefix("evaluator:"),
        kind=lambda k: _(OBSERVATION_KINDS.get(str(k), str(k))),
        rater=lambda r: _("computed") if r == "computed" else str(r),
    )
    return env


@functools.cache
def _markdown_env() -> jinja2.Environment:
    env = _environment(md_finalize, autoescape=False)
    env.filters.update(raw=lambda s: MdSafe(str(s)), block=md_block, gh_anchor=_gh_anchor)
    env.globals["dash"] = MdSafe("-")  # "nothing" in a table cell, as is
    return env


@functools.cache
def _html_env() -> jinja2.Environment:
    env = _environment(html_finalize, autoescape=True)
    env.filters.update(block=lambda s: s)
    env.globals["dash"] = "-"
    return env


@functools.cache
def stylesheet() -> str:
    return (resources.files("exercise.report") / "templates" / "report.css").read_text("utf-8")


def status_line(report: Report) -> str:
    o = report.overview
    if o.ended:
        return _("Exercise ended (ENDEX) at {clock} game time.").format(clock=o.game_clock)
    if o.wall_start_us is None:
        return _("The exercise has not started yet.")
    pending = len(report.scores.pending)
    line = _("Exercise still running: this report is as of {clock} game time").format(
        clock=o.game_clock
    )
    if pending:
        return (
            line
            + "; "
            + ngettext(
                "{n} award pending while its window is open.",
                "{n} awards pending while their windows are open.",
                pending,
            ).format(n=pending)
        )
    return line + "."


def _finding_parts(report: Report, f: Finding) -> tuple[str, str]:
    """(text, where it comes from)."""
    if f.source == "observation":
        bits = [_("observation, event {seq}").format(seq=f.seq)]
        if f.game_ms is not None:
            bits.append(report.clock(f.game_ms))
        if f.by:
            bits.append(_("by {who}").format(who=f.by))
        if f.cells:
            bits.append(_("cells {cells}").format(cells=", ".join(f.cells)))
        if f.injects:
            bits.append(_("injects {injects}").format(injects=", ".join(f.injects)))
    else:
        bits = [_("scoring, rule {rule}").format(rule=f.rule)]
        if f.events:
            bits.append(_("events {events}").format(events=", ".join(str(s) for s in f.events)))
        if f.points is not None and f.max_points is not None:
            bits.append(
                _("{points}/{max} points").format(points=_num(f.points), max=_num(f.max_points))
            )
    return f.text, "; ".join(bits)


_HTML_ROW = (
    '<tr class="k-{0}"><td class="num">{1}</td><td class="nowrap">{2}</td>'
    '<td class="nowrap">{3}</td><td><span class="kind">{9}</span> {4}</td><td>{5}</td>'
    '<td>{6}</td><td class="text">{7}</td><td>{8}</td></tr>\n'
)


def _html_timeline(report: Report) -> Markup:
    """The timeline's table rows, every text escaped (as the template would, faster)."""

    def e(text: str) -> str:
        return str(escape(clean(text)))

    clock, rows = report.clock, []
    words: dict[str, str] = {}  # a kind in words, once per kind
    for t in report.timeline:
        rows.append(
            _HTML_ROW.format(
                e(t.kind),
                t.seq,
                clock(t.game_ms),
                wall_text(t.wall_us),
                e(t.headline),
                e(t.cell or t.actor),
                e(", ".join(t.to)),
                e(t.text),
                e(t.detail),
                e(words.get(t.kind) or words.setdefault(t.kind, kind_words(t.kind))),
            )
        )
    return Markup("".join(rows))


def _markdown_timeline(report: Report) -> MdSafe:
    """The timeline's table rows, every text escaped for Markdown."""
    clock, rows = report.clock, []
    for t in report.timeline:
        cells = (
            str(t.seq),
            md_inline(clock(t.game_ms)),
            md_inline(wall_text(t.wall_us)),
            md_inline(t.headline),
            md_inline(t.cell or t.actor),
            md_inline(", ".join(t.to)),
            md_inline(t.text),
            md_inline(t.detail),
        )
        rows.append(f"| {' | '.join(cells)} |\n")
    return MdSafe("".join(rows))


def render_markdown(
    report: Report,
    chart_files: Mapping[str, tuple[str, str]] | None = None,
    *,
    integrity: str | None = None,
) -> str:
    """The report as Markdown. ``chart_files`` maps a chart's name to (relative file
    name of its PNG, text alternative); without it charts are replaced by a note."""
    files = dict(chart_files or {})

    def chart(name: str) -> MdSafe:
        if name in files:
            path, alt = files[name]
            return MdSafe(f"![{md_inline(alt)}]({quote(path)})")
        if chart_files is None:
            note = _(
                "Chart not included: charts are written as PNG files beside the report "
                "when it is written to a file with {option}."
            ).format(option="`-o FILE.md`")
            return MdSafe(f"*{note}*")
        return MdSafe("")

    def finding(f: Finding) -> MdSafe:
        text, source = _finding_parts(report, f)
        return MdSafe(f"{md_inline(text)} *({md_inline(source)})*")

    template = _markdown_env().get_template("report.md.j2")
    return template.render(
        _=_,
        ngettext=ngettext,
        lang=language(),
        report=report,
        net=report.scores.network,
        generator=f"exercise {__version__}",
        status_line=status_line(report),
        integrity=integrity,
        chart=chart,
        finding=finding,
        timeline_rows=_markdown_timeline(report),
    )


@attrs.frozen
class Beside:
    """A second language shown beside the report's own for the objectives and ratings
    (the bilingual HTML report): its gettext and the objectives in its words."""

    lang: str
    objectives: Mapping[str, Objective]

    def _(self, message: str) -> str:
        gettext, _ngettext = gettext_for(self.lang)
        return gettext(message)

    def rating_name(self, rating: str) -> str:
        return self._(RATING_NAMES[rating]) if rating in RATING_NAMES else ""


def render_html(
    report: Report,
    charts: list[Chart] | None = None,
    *,
    integrity: str | None = None,
    beside: Beside | None = None,
) -> str:
    """The report as one self-contained HTML page: inline CSS, charts as inline SVG,
    no scripts, nothing fetched. ``charts``: those to show (default: all of them).
    ``beside``: a second language for the objectives and ratings, side by side."""
    if charts is None:
        from exercise.report.charts import draw_all

        charts = draw_all(report)
    by_name = {c.name: c for c in charts}

    def chart(name: str) -> Markup:
        c = by_name.get(name)
        if c is None:
            return Markup("")
        return Markup(
            '<figure class="chart" id="chart-{name}">{svg}<figcaption>{alt}</figcaption></figure>'
        ).format(name=name, svg=Markup(c.svg()), alt=c.alt)

    def finding(f: Finding) -> Markup:
        text, source = _finding_parts(report, f)
        return Markup('<span class="text">{}</span> <span class="source">({})</span>').format(
            text, source
        )

    template = _html_env().get_template("report.html.j2")
    return template.render(
        _=_,
        ngettext=ngettext,
        lang=language(),
        bi=beside,
        report=report,
        net=report.scores.network,
        generator=f"exercise {__version__}",
        status_line=status_line(report),
        integrity=integrity,
        css=Markup(stylesheet()),
        chart=chart,
        finding=finding,
        timeline_rows=_html_timeline(report),
    )


def _eeg_context(report: Report, evaluator: str) -> dict[str, Any]:
    """What an evaluator's EEG shows: its assigned objectives' tasks, its ratings and
    observations (observations on no task at the end)."""
    from exercise.engine.commands import evaluator_actor
    from exercise.evaluation import eeg_tasks

    state = report.state
    if evaluator not in state.evaluators:
        known = ", ".join(sorted(state.evaluators)) or _("none yet")
        raise ReportProblem(
            _("there is no evaluator {name} in this session (evaluators: {known})").format(
                name=repr(evaluator), known=known
            )
        )
    mine = set(eeg_tasks(report.scenario, state, evaluator))
    objectives = []
    for o in report.evaluation.objectives:
        tasks = tuple(t for t in o.tasks if t.task.id in mine)
        if tasks:
            objectives.append(attrs.evolve(o, tasks=tasks))
    actor = evaluator_actor(evaluator)
    found = state.evaluators[evaluator]
    return {
        "report": report,
        "_": _,
        "lang": language(),
        "evaluator": evaluator,
        "actor": actor,
        "assigned": ", ".join((*found.objectives, *found.cells)),
        "objectives": objectives,
        "loose": [o for o in state.observations if o.by == actor and not o.tasks],
        "status_line": status_line(report),
        "clock": report.clock,
    }


def render_eeg_markdown(report: Report, evaluator: str) -> str:
    """One evaluator's Exercise Evaluation Guide (HSEEP layout) as Markdown."""
    template = _markdown_env().get_template("eeg.md.j2")
    return template.render(**_eeg_context(report, evaluator))


def render_eeg_html(report: Report, evaluator: str) -> str:
    """One evaluator's Exercise Evaluation Guide as a printable HTML page."""
    template = _html_env().get_template("eeg.html.j2")
    return template.render(css=Markup(stylesheet()), **_eeg_context(report, evaluator))
