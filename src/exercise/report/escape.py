"""Escaping of player and facilitator text for Markdown (HTML is Jinja2's autoescape).

Everything a template writes into Markdown goes through :func:`md_inline` unless it is
marked :class:`MdSafe` (text the report built itself, such as a link to a chart). The
escapes are CommonMark backslash escapes, which GitHub, GitLab and pandoc read alike, so
that text such as ``<script>``, ``**x**``, ``a | b`` or ``[@click=app.quit]x[/]`` comes
out exactly as written instead of as markup, a table cell break or a link.
"""

from __future__ import annotations

import functools
import re

#: Characters that mean something anywhere in a line of Markdown (or raw HTML / an entity).
_INLINE = re.compile(r"([\\`*_\[\]<>&|~$])")
#: What makes a line a block: a heading (``# x``), a list item (``- x``, ``+ x``,
#: ``1. x``, ``1) x``), a thematic break (``---``) or a setext underline (``===``).
#: (``>``, ``*``, ``_``, backticks and ``~`` are escaped wherever they are.)
_LEADING = re.compile(
    r"^(?:(#{1,6})(?=\s|$)|([+-])(?=\s|$)|(\d{1,9})(?=[.)](?:\s|$))|([-=])(?=[-=\s]*$))"
)
#: C0 and C1 control characters (other than tab and newline), never meaningful in a report,
#: and the bidi embeddings, overrides and isolates, which would reorder what a reader sees.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")


class MdSafe(str):
    """Markdown the report wrote itself: templates insert it as is."""

    __slots__ = ()


def clean(text: str) -> str:
    """Drop control characters and bidi overrides; make line ends ``\\n``."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def md_inline(value: object) -> MdSafe:
    """``value`` as one line of Markdown text: whitespace (line breaks included) runs
    become one space; every character Markdown or HTML would read as markup is escaped,
    and so is whatever would make the line a block (``# x``, ``- x``, ``1. x``)."""
    if isinstance(value, MdSafe):
        return value
    return _md_inline("" if value is None else str(value))


@functools.lru_cache(maxsize=4096)  # ids, times and headlines repeat row after row
def _md_inline(text: str) -> MdSafe:
    text = _SPACE.sub(" ", clean(text)).strip()
    text = _INLINE.sub(r"\\\1", text)
    return MdSafe(_LEADING.sub(_lead, text, count=1))


def _lead(m: re.Match[str]) -> str:
    if m.group(3):  # "1." or "1)" starts an ordered list: escape the dot
        return f"{m.group(3)}\\"
    return f"\\{m.group(0)}"


def md_block(value: object) -> MdSafe:
    """``value`` as Markdown paragraphs: blank lines separate paragraphs, each paragraph
    is escaped as by :func:`md_inline` (its line breaks become spaces)."""
    if isinstance(value, MdSafe):
        return value
    text = clean("" if value is None else str(value))
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return MdSafe("\n\n".join(md_inline(p) for p in paragraphs))


def md_finalize(value: object) -> object:
    """Jinja2 ``finalize`` for Markdown templates: escape whatever is not MdSafe."""
    if isinstance(value, MdSafe):
        return value
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return md_inline(str(value))
    return md_inline(value)


def html_finalize(value: object) -> object:
    """Jinja2 ``finalize`` for HTML templates (autoescape follows): None is empty and
    control characters, which HTML cannot carry, are dropped."""
    if value is None:
        return ""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return clean(value)
    return value
