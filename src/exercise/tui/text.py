"""Safe text for the screen: player and scenario text is data, never markup."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content


def plain(value: object, style: str = "") -> Text:
    """A DataTable cell that shows ``value`` literally (``[bold]`` stays ``[bold]``)."""
    return Text(str(value), style=style, no_wrap=True, overflow="ellipsis")


def content(value: object) -> Content:
    """Static/Label content that shows ``value`` literally."""
    return Content(str(value))


def one_line(value: str, limit: int = 120) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


_MD_SPECIAL = set("\\`*_{}[]()<>#+-.!|~&")


def md_escape(value: str) -> str:
    """Text shown as typed inside a Markdown widget: every Markdown character escaped,
    control characters dropped, and the writer's line breaks kept."""
    lines = []
    for raw in str(value).split("\n"):
        clean = "".join(ch for ch in raw if ch == "\t" or (ch >= " " and ch != "\x7f"))
        lines.append("".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in clean).rstrip())
    return "\\\n".join(lines).replace("\\\n\\\n", "\n\n")
