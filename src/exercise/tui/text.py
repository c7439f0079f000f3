"""Safe text for the screen: player and scenario text is data, never markup.

Every string that did not come from this code (player text, scenario titles, cell names,
engine refusals quoting them) enters a widget through one of these helpers, which pass it
through :func:`exercise.text.for_terminal` (no control, bidi or invisible characters) and
build plain content, so ``[@click=app.quit]`` stays text and ``ESC [2J`` never reaches
the terminal.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.markup import escape
from textual.notifications import SeverityLevel

from exercise.text import for_terminal


def plain(value: object, style: str = "") -> Text:
    """A DataTable cell that shows ``value`` literally (``[bold]`` stays ``[bold]``)."""
    return Text(for_terminal(value), style=style, no_wrap=True, overflow="ellipsis")


def content(value: object) -> Content:
    """Static/Label content (also a Select or SelectionList option) that shows ``value``
    literally."""
    return Content(for_terminal(value))


def markup_safe(value: object) -> str:
    """``value`` as markup that reads as itself, for the few places Textual parses every
    string as markup (command palette titles and help)."""
    return escape(for_terminal(value))


def one_line(value: str, limit: int = 120) -> str:
    flat = " ".join(for_terminal(value).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class PlainNotifications(App[Any]):
    """An app whose notifications are always plain, inert text: the message and title
    often quote an engine refusal, which quotes what a player typed."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        super().notify(
            for_terminal(message),
            title=for_terminal(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )


_MD_SPECIAL = set("\\`*_{}[]()<>#+-.!|~&")


def md_escape(value: str) -> str:
    """Text shown as typed inside a Markdown widget: every Markdown character escaped,
    control characters dropped, and the writer's line breaks kept."""
    lines = []
    for clean in for_terminal(value).split("\n"):
        lines.append("".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in clean).rstrip())
    return "\\\n".join(lines).replace("\\\n\\\n", "\n\n")
