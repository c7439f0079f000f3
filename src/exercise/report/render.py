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

import jinja2
from markupsafe import Markup, escape

from exercise import __version__
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
    "P": "performed without challenges",
    "S": "performed with some challenges",
    "M": "performed with major challenges",
    "U": "unable to be performed",
}


# Numbers and durations are built from digits, so they are Markdown-safe as they are.


def _num(x: float | None) -> str:
    if x is None:
        return MdSafe("-")
    v = round(float(x), 2)
    return MdSafe(f"{v + 0.0:g}")  # + 0.0: no "-0"


def _pct(share: float | None) -> str:
    return MdSafe("-" if share is None else f"{share:.0%}")


def _mins(ms: int | None) -> str:
    return MdSafe("-" if ms is None else minutes(ms))


def _minf(value: float | None) -> str:
    return MdSafe("-" if value is None else minutes(value * 60_000))


@jinja2.pass_context
def _clock(ctx: jinja2.runtime.Context, ms: int) -> str:
    report: Report = ctx["report"]
    return report.clock(ms)


@jinja2.pass_context
def _dtg(ctx: jinja2.runtime.Context, ms: int) -> str:
    report: Report = ctx["report"]
    return report.dtg(ms)


def _anchor(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


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
        hm=lambda m: MdSafe(minutes(int(m) * 60_000)),
        duration=_mins,
        wall=wall_text,
        rating_name=lambda r: RATING_NAMES.get(r, ""),
        anchor=_anchor,
        clock=_clock,
        dtg=_dtg,
    )
    return env


@functools.cache
def _markdown_env() -> jinja2.Environment:
    env = _environment(md_finalize, autoescape=False)
    env.filters.update(raw=lambda s: MdSafe(str(s)), block=md_block)
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
        return f"Exercise ended (ENDEX) at {o.game_clock} game time."
    if o.wall_start_us is None:
        return "The exercise has not started yet."
    pending = len(report.scores.pending)
    return f"Exercise still running: this report is as of {o.game_clock} game time" + (
        f"; {pending} award(s) pending while their windows are open." if pending else "."
    )


def _finding_parts(report: Report, f: Finding) -> tuple[str, str]:
    """(text, where it comes from)."""
    if f.source == "observation":
        bits = [f"observation, event {f.seq}"]
        if f.game_ms is not None:
            bits.append(report.clock(f.game_ms))
        if f.by:
            bits.append(f"by {f.by}")
        if f.cells:
            bits.append("cells " + ", ".join(f.cells))
        if f.injects:
            bits.append("injects " + ", ".join(f.injects))
    else:
        bits = [f"scoring, rule {f.rule}"]
        if f.events:
            bits.append("events " + ", ".join(str(s) for s in f.events))
        if f.points is not None and f.max_points is not None:
            bits.append(f"{_num(f.points)}/{_num(f.max_points)} points")
    return f.text, "; ".join(bits)


_HTML_ROW = (
    '<tr class="k-{0}"><td class="num">{1}</td><td class="nowrap">{2}</td>'
    '<td class="nowrap">{3}</td><td><span class="kind">{0}</span> {4}</td><td>{5}</td>'
    '<td>{6}</td><td class="text">{7}</td><td>{8}</td></tr>\n'
)


def _html_timeline(report: Report) -> Markup:
    """The timeline's table rows, every text escaped (as the template would, faster)."""

    def e(text: str) -> str:
        return str(escape(clean(text)))

    clock, rows = report.clock, []
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
            return MdSafe(
                "*Chart not included: charts are written as PNG files beside the report "
                "when it is written to a file with `-o FILE.md`.*"
            )
        return MdSafe("")

    def finding(f: Finding) -> MdSafe:
        text, source = _finding_parts(report, f)
        return MdSafe(f"{md_inline(text)} *({md_inline(source)})*")

    template = _markdown_env().get_template("report.md.j2")
    return template.render(
        report=report,
        net=report.scores.network,
        generator=f"exercise {__version__}",
        status_line=status_line(report),
        integrity=integrity,
        chart=chart,
        finding=finding,
        timeline_rows=_markdown_timeline(report),
    )


def render_html(
    report: Report, charts: list[Chart] | None = None, *, integrity: str | None = None
) -> str:
    """The report as one self-contained HTML page: inline CSS, charts as inline SVG,
    no scripts, nothing fetched. ``charts``: those to show (default: all of them)."""
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
