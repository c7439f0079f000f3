"""Hostile player and facilitator text comes out literally in every format."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from exercise.cli.main import main

from .conftest import HOSTILE_MESSAGE, MARKDOWN, MARKUP, SCRIPT
from .test_golden import external_references, parse

RENDER = MarkdownIt("commonmark", {"html": True}).enable("table")


@pytest.fixture(scope="module")
def written(hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-reports")
    for fmt in ("json", "md", "html", "csv"):
        assert main(["report", str(hostile), "--format", fmt, "-o", str(folder / f"r.{fmt}")]) == 0
    return folder


def test_html_shows_hostile_text_as_text(written: Path) -> None:
    page = parse(written / "r.html")
    assert page.tags["script"] == 0 and page.tags["img"] == 0 and page.tags["b"] == 0
    assert page.tags["i"] == 0
    assert external_references(page) == []
    text = "".join(page.text)
    for literal in (SCRIPT, MARKUP, HOSTILE_MESSAGE, "</td></tr></table>", "Planning <i>",
                    "[link](javascript:alert(1))", "Not linked: &amp; &lt;script&gt;",
                    '=HYPERLINK("http://x")'):  # fmt: skip
        assert literal in text, literal
    # the multi-line observation keeps its line breaks (shown with white-space: pre-wrap)
    assert MARKDOWN in text
    raw = (written / "r.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<script" not in raw.lower()


def test_html_tables_keep_their_shape(written: Path) -> None:
    """Text that looks like closing tags does not close the timeline's table."""
    page = parse(written / "r.html")
    data = json.loads((written / "r.json").read_text(encoding="utf-8"))
    assert page.rows["timeline"] == len(data["timeline"]) + 1
    assert page.tags["table"] == (written / "r.html").read_text(encoding="utf-8").count("<table")


def test_markdown_renders_hostile_text_literally(written: Path) -> None:
    md = (written / "r.md").read_text(encoding="utf-8")
    rendered = RENDER.render(md)
    assert "<script" not in rendered and "<b>" not in rendered
    images = re.findall(r"<img [^>]*>", rendered)
    assert len(images) == 4 and all(re.match(r'<img src="r-\w+\.png"', i) for i in images)
    assert "javascript:" not in re.sub(r">[^<]*<", "><", rendered), "no link to it"
    assert "<strong>x</strong>" not in rendered
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    for literal in (SCRIPT, MARKUP, "Pipes | and " + MARKUP, "Planning <i>", "**x** | y"):
        assert literal in text, literal
    # every table row of the timeline has the header's number of cells
    tables = re.findall(r"<table>(.*?)</table>", rendered, re.S)
    for table in tables:
        widths = {row.count("<td") + row.count("<th") for row in re.findall(r"<tr>(.*?)</tr>",
                                                                          table, re.S)}  # fmt: skip
        assert len(widths) == 1, widths


def test_markdown_escapes_every_line(written: Path) -> None:
    """No line of the Markdown starts hostile text as a block (heading, list, quote)."""
    md = (written / "r.md").read_text(encoding="utf-8")
    assert "\n# not a heading" not in md and "\n- not a list" not in md
    assert r"\*\*x\*\* \| y \| \`z\` # not a heading - not a list" in md
    assert r"\<script\>alert(1)\</script\>" in md
    assert r"\[@click=app.quit\]x\[/\]" in md


def test_json_keeps_text_exactly(written: Path) -> None:
    data = json.loads((written / "r.json").read_text(encoding="utf-8"))
    texts = [t["text"] for t in data["timeline"]]
    assert HOSTILE_MESSAGE in texts and MARKUP in texts and MARKDOWN in texts
    (objective,) = data["analysis"]
    assert objective["override"]["reason"] == f"hot wash: {SCRIPT} {MARKUP}"
    assert objective["rating"] == "S" and objective["computed_rating"] != "S"
    assert data["objectives"][0]["rating"] == "S"
    assert [i["item"] for i in data["improvement_plan"]] == ["IP-01"]
    assert data["improvement_plan"][0]["corrective_action"] == MARKDOWN
    unlinked = data["general_findings"]["improvements"]
    assert [f["text"] for f in unlinked] == ["Not linked: &amp; &lt;script&gt;"]


def test_csv_neutralises_formulas_and_keeps_the_exact_text_in_the_payload(written: Path) -> None:
    raw = (written / "r.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    texts = [r["text"] for r in rows]
    assert HOSTILE_MESSAGE in texts and MARKDOWN in texts
    # a spreadsheet would run =HYPERLINK(...): the text column gets a leading quote
    assert '=HYPERLINK("http://x")' not in texts and '\'=HYPERLINK("http://x")' in texts
    strike = next(r for r in rows if r["text"].startswith("'="))
    assert json.loads(strike["payload"])["text"] == '=HYPERLINK("http://x")'
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    message = next(r for r in rows if r["type"] == "message.sent")
    assert json.loads(message["payload"])["subject"] == "<img src=x onerror=alert(1)>"
    assert message["cell"] == "uzb-mod" and message["to"] == "kgz-mod"
    assert [int(r["seq"]) for r in rows] == list(range(1, len(rows) + 1))
