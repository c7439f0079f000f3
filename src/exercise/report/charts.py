"""Charts of the after-action report, drawn with matplotlib (Agg, no display).

Each chart is a :class:`Chart`: a name (used in file names and element ids), a title, a
text alternative that says what the chart shows in words, and the figure. ``svg()`` gives
an SVG fragment fit to inline in HTML (ids made unique per chart, text kept as text, no
external references); ``png()`` gives PNG bytes for Markdown. matplotlib is imported only
when a chart is drawn, so the JSON and CSV formats do not pay for it.

Labels are built from ids and numbers only; mathtext is off, so a ``$`` in an id is text.
"""

from __future__ import annotations

import io
import math
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import attrs

from exercise.i18n import Num, _, ngettext
from exercise.report.build import Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SIDE_COLOURS = {
    "blue": "#2b5caa",
    "red": "#c0392b",
    "white": "#f4f4f4",
    "gray": "#8a8a8a",
    "green": "#2e8b57",
}
MAX_BARS = 40  # pairs shown in one bar chart; the tables list them all
MAX_INJECTS = 60  # injects shown in one bar chart

RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, printable
    "svg.hashsalt": "exercise-report",  # stable ids from run to run
    "text.parse_math": False,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 110,
}


@attrs.frozen
class Chart:
    name: str
    title: str
    alt: str
    figure: Any  # matplotlib.figure.Figure

    def svg(self) -> str:
        """The chart as an ``<svg>`` element (no XML prolog), its ids prefixed with
        the chart's name so that several charts can share one HTML page."""
        buf = io.StringIO()
        with _rc():
            self.figure.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        return _inline_svg(buf.getvalue(), f"c-{self.name}", self.title)

    def png(self) -> bytes:
        buf = io.BytesIO()
        with _rc():
            self.figure.savefig(buf, format="png", metadata={"Software": None})
        return buf.getvalue()


@contextmanager
def _rc() -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        yield


def _figure(
    width: float,
    height: float,
    *,
    left: float = 0.7,
    right: float = 0.25,
    top: float = 0.4,
    bottom: float = 0.55,
) -> Figure:
    """A figure of ``width`` x ``height`` inches with fixed margins (inches): no layout
    engine, which would cost a second drawing pass on every save."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # networkx draws through pyplot: make sure it never opens a window
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        top=1 - top / height,
        bottom=bottom / height,
    )
    return fig


def _label_width(labels: list[str], size: float = 8) -> float:
    """Inches a column of tick labels needs (DejaVu Sans averages 0.6 em a character)."""
    longest = max((len(x) for x in labels), default=0)
    return 0.25 + longest * size * 0.6 / 72


_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^")]+)')
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
#: matplotlib's ``*{stroke-linejoin: round; stroke-linecap: butt}``: inline in HTML it would
#: style the whole page, so the report's stylesheet scopes it to the charts instead.
_STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)


def _inline_svg(text: str, prefix: str, title: str) -> str:
    text = _PROLOG.sub("", text, count=1)
    text = _METADATA.sub("", text)
    text = _STYLE.sub("", text)
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    # size by CSS; keep the aspect ratio from the viewBox; a title for screen readers
    text = re.sub(r'(<svg\b[^>]*?)\s(width|height)="[^"]*"', r"\1", text, count=1)
    text = re.sub(r'(<svg\b[^>]*?)\s(width|height)="[^"]*"', r"\1", text, count=1)
    esc = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("<svg", '<svg role="img" class="chart"', 1)
    text = re.sub(r"(<svg\b[^>]*>)", lambda m: f"{m.group(1)}<title>{esc}</title>", text, count=1)
    return text.strip()


def _hours(ms: int) -> float:
    return ms / 3_600_000


# ------------------------------------------------------------------------ the charts


def scores_over_time(report: Report) -> Chart | None:
    series = report.series
    cells = [c for c in series.cells if any(series.points[c])]
    if len(series.game_ms) < 2 or not cells:
        return None
    fig = _figure(7.5, 3.6, left=0.65, right=_label_width(cells) + 0.45)
    ax = fig.add_subplot()
    xs = [_hours(t) for t in series.game_ms]
    colours = _palette(len(cells))
    ranked = sorted(cells, key=lambda c: -series.points[c][-1])
    for i, (cell, colour) in enumerate(zip(ranked, colours, strict=True)):
        style = ("-", "--", ":")[(i // 10) % 3]
        ax.step(xs, series.points[cell], where="post", label=cell, color=colour,
                linestyle=style, linewidth=1.4)  # fmt: skip
    ax.axhline(0, color="#999999", linewidth=0.6)
    start = report.clock(0)
    ax.set_xlabel(_("game hours since STARTEX ({start})").format(start=start))
    ax.set_ylabel(_("points (final awards)"))
    ax.set_xlim(0, max(xs[-1], 1e-9))
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    title = _("Points per cell over game time")
    ax.set_title(title)
    end = {c: series.points[c][-1] for c in ranked}
    alt = title + "; " + _("at the end:") + " " + ", ".join(f"{c} {Num(v)}" for c, v in end.items())
    return Chart("scores", title, alt, fig)


def pair_latency(report: Report) -> Chart | None:
    pairs = list(report.pair_latency)
    if not pairs:
        return None
    pairs.sort(key=lambda p: (-p.never, -(p.max_min or 0.0), p.from_, p.to))
    shown = pairs[:MAX_BARS]
    shown.reverse()  # worst at the top
    labels = [f"{p.from_} → {p.to}" for p in shown]
    fig = _figure(7.5, 0.95 + 0.24 * len(shown), left=_label_width(labels))
    ax = fig.add_subplot()
    ys = list(range(len(shown)))
    medians = [p.median_min or 0.0 for p in shown]
    colours = ["#2b5caa" if p.never == 0 else "#e08e0b" for p in shown]
    ax.barh(ys, medians, color=colours, height=0.6)
    top = max([p.max_min or 0.0 for p in shown] + [1.0])
    for y, p in zip(ys, shown, strict=True):
        if p.max_min is not None and p.max_min > (p.median_min or 0.0):
            ax.plot([p.max_min], [y], marker="|", color="#333333", markersize=8)
        notes = []
        if p.never:
            notes.append(_("never {n} of {total}").format(n=p.never, total=p.occurrences))
        if p.pending:
            notes.append(_("{n} pending").format(n=p.pending))
        if notes:
            ax.text(
                (p.max_min or p.median_min or 0.0) + top * 0.01,
                y,
                "; ".join(notes),
                va="center",
                fontsize=7.5,
                color="#b03a2e",
            )
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_xlabel(_("minutes from the trigger to the notification (bar: median, tick: slowest)"))
    ax.set_xlim(0, top * 1.25)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    more = (
        " " + _("(the {n} worst of {total})").format(n=MAX_BARS, total=len(pairs))
        if len(pairs) > MAX_BARS
        else ""
    )
    title = _("Notification latency per required pair") + more
    ax.set_title(title)
    never = [p for p in pairs if p.never]
    alt = (
        _("{n} required pairs;").format(n=len(pairs))
        + " "
        + (
            _("never notified:") + " " + ", ".join(f"{p.from_} → {p.to}" for p in never)
            if never
            else _("every pair was notified")
        )
        + "."
    )
    return Chart("latency", title, alt, fig)


def network(report: Report) -> Chart | None:
    import networkx as nx

    scn = report.scenario
    cells = [c for c in scn.player_cells]
    if len(cells) < 2:
        return None
    net = report.scores.network
    g = nx.DiGraph()
    order = sorted(cells, key=lambda c: (c.side.value, c.id))
    g.add_nodes_from(c.id for c in order)
    for e in net["edges"]:
        g.add_edge(e["from"], e["to"], weight=e["messages"])
    unused = [(a, b) for a, b in net["unused_required_links"] if a in g and b in g]
    fig = _figure(6.4, 5.2, left=0.1, right=0.1, top=0.35, bottom=0.1)
    ax = fig.add_subplot()
    ax.set_axis_off()
    pos = nx.circular_layout(g)
    heaviest = max((d["weight"] for _, _, d in g.edges(data=True)), default=1)
    widths = [
        0.6 + 3.4 * math.log1p(d["weight"]) / math.log1p(heaviest) for _, _, d in g.edges(data=True)
    ]
    betweenness = net.get("betweenness", {})
    sizes = [700 + 2600 * float(betweenness.get(n, 0.0)) for n in g.nodes]
    side = {c.id: c.side.value for c in cells}
    nx.draw_networkx_edges(
        g,
        pos,
        ax=ax,
        width=widths,
        edge_color="#6b7b8c",
        arrows=True,
        arrowsize=9,
        connectionstyle="arc3,rad=0.08",
        node_size=sizes,
    )
    if unused:
        nx.draw_networkx_edges(
            nx.Graph(unused),
            pos,
            ax=ax,
            edgelist=unused,
            style="dashed",
            edge_color="#c0392b",
            width=1.6,
        )
    nx.draw_networkx_nodes(
        g,
        pos,
        ax=ax,
        node_size=sizes,
        node_color=[SIDE_COLOURS.get(side[n], "#cccccc") for n in g.nodes],
        edgecolors="#333333",
        linewidths=0.8,
    )
    for n, (x, y) in pos.items():  # labels outside the circle, away from the edges
        ha = "left" if x > 0.15 else "right" if x < -0.15 else "center"
        va = "bottom" if y > 0.15 else "top" if y < -0.15 else "center"
        ax.text(x * 1.2, y * 1.2, n, ha=ha, va=va, fontsize=8.5)
    ax.set_xlim(-1.65, 1.65)
    ax.set_ylim(-1.45, 1.45)
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [], [], color="#6b7b8c", linewidth=2.5, label=_("messages and moves (width: volume)")
        ),
        Line2D([], [], color="#c0392b", linestyle="--", label=_("required link never used")),
    ]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, -0.08), ncol=2,
              fontsize=7.5, frameon=False)  # fmt: skip
    title = _("Coordination network")
    ax.set_title(title)
    alt = (
        ngettext(
            "Coordination network of {cells} cells: {links} directed links carried "
            "messages or moves, density {density}, {components} component;",
            "Coordination network of {cells} cells: {links} directed links carried "
            "messages or moves, density {density}, {components} components;",
            net["components"],
        ).format(
            cells=len(g),
            links=g.number_of_edges(),
            density=Num(net["density"], ""),
            components=net["components"],
        )
        + " "
        + (
            _("required links never used:") + " " + ", ".join(f"{a} – {b}" for a, b in unused)
            if unused
            else _("every required link was used")
        )
        + "."
    )
    return Chart("network", title, alt, fig)


def inject_response(report: Report) -> Chart | None:
    rows = [r for r in report.injects if r.to]
    if not rows:
        return None
    more = ""
    if len(rows) > MAX_INJECTS:
        rows.sort(
            key=lambda r: (
                -max(
                    r.first_ack_ms if r.first_ack_ms is not None else 1 << 40,
                    r.first_action_ms or 0,
                )
            )
        )
        more = " " + _("(the {n} slowest of {total})").format(n=MAX_INJECTS, total=len(rows))
        rows = sorted(rows[:MAX_INJECTS], key=lambda r: r.released_seq)
    rows = list(reversed(rows))  # first released at the top
    fig = _figure(7.5, 0.95 + 0.26 * len(rows), left=_label_width([r.inject for r in rows]))
    ax = fig.add_subplot()
    ys = list(range(len(rows)))
    ack = [(r.first_ack_ms or 0) / 60_000 for r in rows]
    act = [(r.first_action_ms or 0) / 60_000 for r in rows]
    up = [y + 0.18 for y in ys]
    down = [y - 0.18 for y in ys]
    ax.barh(up, ack, height=0.34, color="#2b5caa", label=_("first acknowledgement"))
    ax.barh(down, act, height=0.34, color="#2e8b57", label=_("first expected action met"))
    top = max([*ack, *act, 1.0])
    for y, r in zip(ys, rows, strict=True):
        notes = []
        if r.first_ack_ms is None:
            notes.append(_("no acknowledgement"))
        missed = sum(1 for x in r.expectations if x.status == "missed")
        if missed:
            notes.append(
                ngettext(
                    "{n} expected action missed", "{n} expected actions missed", missed
                ).format(n=missed)
            )
        if notes:
            ax.text(
                max(ack[y], act[y]) + top * 0.01,
                y,
                "; ".join(notes),
                va="center",
                fontsize=7.5,
                color="#b03a2e",
            )
    ax.set_yticks(ys, [r.inject for r in rows], fontsize=8)
    ax.set_xlabel(_("minutes of game time after the release"))
    ax.set_xlim(0, top * 1.3)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    title = _("Inject response times") + more
    ax.set_title(title)
    unacked = [r.inject for r in report.injects if r.to and r.first_ack_ms is None]
    alt = _("Response times of {n} released injects;").format(n=len(report.injects)) + " "
    alt += (
        _("never acknowledged:") + " " + ", ".join(unacked)
        if unacked
        else _("every inject acknowledged")
    )
    return Chart("injects", title, alt + ".", fig)


CHARTS = (scores_over_time, pair_latency, network, inject_response)


def draw_all(report: Report) -> list[Chart]:
    """Every chart that has something to show, in report order."""
    with _rc():
        return [c for c in (make(report) for make in CHARTS) if c is not None]


def _palette(n: int) -> list[str]:
    base = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
        "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
    ]  # fmt: skip
    return [base[i % len(base)] for i in range(n)]
