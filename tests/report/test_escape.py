"""The Markdown escape filter: whatever the text, a CommonMark renderer shows it as written."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from exercise.report.escape import MdSafe, clean, md_block, md_finalize, md_inline

RENDER = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def shown(markdown: str) -> str:
    """The text a reader sees once ``markdown`` is rendered (tags dropped)."""
    rendered = RENDER.render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


def tags(markdown: str) -> set[str]:
    return set(re.findall(r"<([a-z0-9]+)", RENDER.render(markdown)))


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain words, 12.5 min", "plain words, 12.5 min"),
        ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
        ("[@click=app.quit]x[/]", r"\[@click=app.quit\]x\[/\]"),
        ("**x** | y", r"\*\*x\*\* \| y"),
        ("# heading", r"\# heading"),
        ("#5 is not a heading", "#5 is not a heading"),
        ("- item", r"\- item"),
        ("-3.5", "-3.5"),
        ("1. first", r"1\. first"),
        ("1.5 km", "1.5 km"),
        ("---", r"\---"),
        ("&amp; `code` ~~s~~ $x$", r"\&amp; \`code\` \~\~s\~\~ \$x\$"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines\r\n  indented", "two lines indented"),
        ("bell\x07 and nul\x00", "bell and nul"),
    ],
)
def test_md_inline(text: str, escaped: str) -> None:
    assert md_inline(text) == escaped


def test_md_block_keeps_paragraphs() -> None:
    assert md_block("one\ntwo\n\n\n# three") == "one two\n\n\\# three"
    assert shown(md_block("a *b*\n\nc <i>d</i>")) == "a *b*\nc <i>d</i>"
    assert tags(md_block("a *b*\n\nc <i>d</i>")) == {"p"}


def test_safe_text_and_values_pass() -> None:
    assert md_inline(MdSafe("**kept**")) == "**kept**"
    assert md_finalize(None) == "" and md_finalize(3) == "3" and md_finalize(-2.5) == "-2.5"
    assert md_finalize("<b>") == r"\<b\>"
    assert clean("a\r\nb\rc\x1b[31m") == "a\nb\nc[31m"


HOSTILE = [
    "<script>alert(1)</script>",
    "[@click=app.quit]x[/]",
    "**x** __y__ *z* _w_",
    "[link](javascript:alert(1)) ![img](http://example.com/x.png)",
    "<http://example.com> <a href='x'>a</a> &lt;b&gt; &#x3C;",
    "| a | b |",
    "> quote",
    "    code block",
    "```",
    "1) one",
    "+ plus",
    "===",
    "\\*not emphasis\\*",
    "line break at the end  ",
    "a\\",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_literally(text: str) -> None:
    out = md_inline(text)
    assert shown(out) == " ".join(text.split())
    assert tags(out) <= {"p"}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_a_table_cell(text: str) -> None:
    table = f"| a | b |\n| --- | --- |\n| {md_inline(text)} | end |\n"
    rendered = RENDER.render(table)
    assert rendered.count("<td>") == 2, "the row keeps its two cells"
    assert "<script" not in rendered and "<a " not in rendered and "<img" not in rendered
    cell = re.search(r"<td>(.*?)</td>", rendered, re.S)
    assert cell is not None
    assert html.unescape(re.sub(r"<[^>]+>", "", cell.group(1))).strip() == " ".join(text.split())


TEXT = st.text(
    alphabet=st.sampled_from(
        list("abc xyz019") + list("\\`*_{}[]()#+-.!|<>&~$=:;'\"/@^%") + ["\n", "\t", "é", "ж"]
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_renders_as_written(text: str) -> None:
    """Property: a paragraph or a list item of escaped text shows exactly the text (its
    whitespace runs collapsed) and makes no markup at all."""
    expected = " ".join(text.split())
    for markdown, allowed in ((md_inline(text), {"p"}), (f"- {md_inline(text)}", {"ul", "li"})):
        assert shown(markdown) == expected
        assert tags(markdown) <= allowed
