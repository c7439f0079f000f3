"""Golden tests: the report of each shipped rehearsal, in every format, says what
docs/scoring.md documents (tests/scoring/test_golden.py holds the figures)."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from exercise.cli.main import main
from exercise.session import Session

from ..scoring.test_golden import GOLDEN
from .conftest import SHIPPED

SECTIONS = (
    "overview", "ratings", "analysis", "coordination", "injects", "improvement-plan",
    "participants", "timeline",
)  # fmt: skip
TIMELINE_TYPES = {
    "clock.started", "clock.paused", "clock.resumed", "clock.ratio_set", "clock.jumped",
    "exercise.ended", "inject.released", "inject.added", "inject.held", "inject.skipped",
    "inject.unheld", "inject.retimed", "move.submitted", "move.argued", "move.adjudicated",
    "message.sent", "rfi.asked", "rfi.answered", "observation.recorded", "rating.overridden",
    "improvement.planned", "module.opened", "module.noted", "question.answered",
    "intent.stated", "consultation.sent", "consultation.answered", "consent.given",
    "consent.refused",
}  # fmt: skip
CHARTS = ("scores", "latency", "network", "injects")


@pytest.fixture(scope="module")
def reports(shipped: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every format of every shipped rehearsal, written with -o into one folder."""
    folder = tmp_path_factory.mktemp("reports")
    for name, session in shipped.items():
        for fmt in ("json", "md", "html", "csv"):
            out = folder / f"{name}.{fmt}"
            assert main(["report", str(session), "--format", fmt, "-o", str(out)]) == 0
    return folder


def journal(session: Path) -> list[Any]:
    with Session.open(str(session)) as s:
        return s.journal.read()


# ------------------------------------------------------------------------------ JSON


@pytest.mark.parametrize("name", SHIPPED)
def test_json_keeps_the_documented_figures(name: str, reports: Path) -> None:
    data = json.loads((reports / f"{name}.json").read_text(encoding="utf-8"))
    events, awards, objectives = GOLDEN[name]
    assert data["schema"] == "exercise-report/1"
    assert data["events"] == events and len(data["awards"]) == awards
    got = {o["id"]: (o["points"], o["max_points"], o["rating"]) for o in data["objectives"]}
    assert got == objectives
    integrity = data["integrity"]
    assert (integrity["ok"], integrity["reason"]) == (True, f"all {events} events chain correctly")
    assert integrity["events"] == events and integrity["last_seal"] is None
    # the additions agree with the documented keys
    assert [a["objective"] for a in data["analysis"]] == list(objectives)
    assert [a["rating"] for a in data["analysis"]] == [v[2] for v in objectives.values()]
    assert all(a["override"] is None for a in data["analysis"])
    assert data["overview"]["status"] == "ended"
    assert data["overview"]["game"]["duration_played_min"] == data["scenario"]["duration_min"]
    series = data["score_series"]
    assert {c: v[-1] for c, v in series["points"].items()} == {
        c: row["points"] for c, row in data["cells"].items()
    }
    assert series["game_ms"] == sorted(series["game_ms"])
    # the seminar's rehearsal records one improvement plan item; the others none
    assert len(data["improvement_plan"]) == (1 if name == "narcotics-seminar" else 0)


@pytest.mark.parametrize("name", SHIPPED)
def test_json_counts_agree_with_the_journal(
    name: str, reports: Path, shipped: dict[str, Path]
) -> None:
    data = json.loads((reports / f"{name}.json").read_text(encoding="utf-8"))
    events = journal(shipped[name])
    types = Counter(e.type for e in events)
    assert len(data["timeline"]) == sum(n for t, n in types.items() if t in TIMELINE_TYPES)
    assert [t["event"] for t in data["timeline"]] == sorted(t["event"] for t in data["timeline"])
    assert len(data["injects"]) == types["inject.released"]
    assert len(data["observations"]) == types["observation.recorded"]
    participants = {p["id"]: p for p in data["participants"]}
    assert sum(p["moves"] for p in participants.values()) == types["move.submitted"]
    assert sum(p["messages_sent"] for p in participants.values()) == types["message.sent"]
    # every strength/improvement observation linked to an objective is in its analysis
    for a in data["analysis"]:
        for kind, key in (("strength", "strengths"), ("improvement", "improvements")):
            linked = [
                o["event"]
                for o in data["observations"]
                if o["kind"] == kind and a["objective"] in o["objectives"]
            ]
            found = [f["event"] for f in a[key] if f["source"] == "observation"]
            assert found == linked
        # every final award that lost points is an area for improvement, with its reason
        lost = [
            w["explanation"]
            for w in data["awards"]
            if w["objective"] == a["objective"]
            and w["status"] == "final"
            and w["points"] < w["max_points"]
        ]
        scored = [f["text"] for f in a["improvements"] if f["source"] == "scoring"]
        assert sorted(scored) == sorted(lost)
    adjudications = [t for t in data["timeline"] if t["kind"] == "adjudication"]
    rolls = [t for t in adjudications if t["detail"].startswith("2d6 ")]
    assert all("seed" in t["detail"] for t in rolls)
    assert rolls or name == "narcotics-seminar"  # a seminar adjudicates nothing


# ------------------------------------------------------------------------------ HTML


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.ids: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.rows: dict[str, int] = Counter()
        self.style = ""
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for k, v in attrs:
            self.attrs.append((tag, k, v or ""))
            if k == "id" and v:
                self.ids.append(v)
        if tag == "section":
            self.stack.append(dict(attrs).get("id") or "")
        if tag == "tr" and self.stack:
            self.rows[self.stack[-1]] += 1
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.stack.pop()
        if tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.style += data
        else:
            self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def external_references(page: Page) -> list[tuple[str, str, str]]:
    """Attributes and CSS that would make a browser fetch something."""
    found = []
    for tag, key, value in page.attrs:
        fetching = key in ("src", "href", "xlink:href", "srcset", "action", "formaction", "poster")
        if fetching and not value.startswith("#"):
            found.append((tag, key, value))
        if tag == "link" or (tag == "meta" and key == "http-equiv"):
            found.append((tag, key, value))
        if key == "style" and "url(" in value and "url(#" not in value:
            found.append((tag, key, value))
    if "@import" in page.style or re.search(r"url\((?!#)", page.style):
        found.append(("style", "css", "url"))
    return found


@pytest.mark.parametrize("name", SHIPPED)
def test_html_structure(name: str, reports: Path) -> None:
    page = parse(reports / f"{name}.html")
    data = json.loads((reports / f"{name}.json").read_text(encoding="utf-8"))
    assert page.tags["script"] == 0 and page.tags["iframe"] == 0 and page.tags["object"] == 0
    assert external_references(page) == []
    assert page.tags["html"] == 1 and page.tags["style"] == 1
    for section in SECTIONS:
        assert section in page.ids
    assert len(page.ids) == len(set(page.ids)), "ids are unique, the charts' included"
    assert page.tags["article"] == len(data["objectives"])
    assert page.tags["svg"] == len(CHARTS)
    assert {f"chart-{c}" for c in CHARTS} <= set(page.ids)
    # one row per timeline entry (plus the header), per inject, per participant
    assert page.rows["timeline"] == len(data["timeline"]) + 1
    assert page.rows["participants"] == len(data["participants"]) + 1
    assert page.rows["injects"] == len(data["injects"]) + 1
    text = " ".join(page.text)
    for o in data["objectives"]:
        assert f"{o['id']}: " in text
    assert "@media print" in page.style and "break-before: page" in page.style


@pytest.mark.parametrize("name", SHIPPED)
def test_html_ratings(name: str, reports: Path) -> None:
    html = (reports / f"{name}.html").read_text(encoding="utf-8")
    _, _, objectives = GOLDEN[name]
    for oid, (_, _, rating) in objectives.items():
        # the summary row and the objective's article show the same rating
        assert re.search(
            rf'href="#{oid}">{oid}</a></td><td><span class="rating rating-{rating}">{rating}<',
            html,
        )
        assert re.search(rf'id="{oid}">\s*<h3>.*?</h3>\s*<p><span class="rating rating-{rating}"',
                         html, re.S)  # fmt: skip


# -------------------------------------------------------------------------- Markdown


@pytest.mark.parametrize("name", SHIPPED)
def test_markdown_structure_and_charts(name: str, reports: Path) -> None:
    text = (reports / f"{name}.md").read_text(encoding="utf-8")
    for heading in (
        "## 1. Exercise overview", "## 2. Summary of ratings", "## 3. Analysis of objectives",
        "## 4. Coordination", "## 5. Inject response times",
        "## Appendix A: Improvement plan", "## Appendix B: Participants",
        "## Appendix C: Timeline",
    ):  # fmt: skip
        assert f"\n{heading}\n" in text
    events, _, objectives = GOLDEN[name]
    for oid, (points, maximum, rating) in objectives.items():
        assert f"\n| {oid} | {rating} | {points:g} / {maximum:g} |" in text
        assert f"\n### {oid}: " in text
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images == [f"{name}-{c}.png" for c in CHARTS]
    for image in images:
        assert (reports / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"from {events} journal events" in text


# ------------------------------------------------------------------------------- CSV


@pytest.mark.parametrize("name", SHIPPED)
def test_csv_round_trips(name: str, reports: Path, shipped: dict[str, Path]) -> None:
    events = journal(shipped[name])
    with (reports / f"{name}.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(events)
    assert [int(r["seq"]) for r in rows] == [e.seq for e in events]
    for row, e in zip(rows, events, strict=True):
        assert row["type"] == e.type and row["actor"] == e.actor
        assert int(row["game_ms"]) == e.game_ms
        assert json.loads(row["payload"]) == dict(e.payload)
        assert row["text"] == str(e.payload.get("text", row["text"]))
        assert re.fullmatch(r"D\+\d+ \d\d:\d\d", row["game_time"])
        assert row["wall_time"].endswith("+00:00")
    data = json.loads((reports / f"{name}.json").read_text(encoding="utf-8"))
    with (reports / f"{name}-scores.csv").open(newline="", encoding="utf-8") as f:
        awards = list(csv.DictReader(f))
    assert len(awards) == len(data["awards"])
    for row, award in zip(awards, data["awards"], strict=True):
        assert row["rule"] == award["rule"] and row["explanation"] == award["explanation"]
        assert float(row["points"]) == award["points"]
        assert row["events"] == ";".join(str(s) for s in award["events"])
