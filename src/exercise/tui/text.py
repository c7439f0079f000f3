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
